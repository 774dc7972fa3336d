import { existsSync, readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Checkpointer } from '../../server/custody-log/checkpointer';
import { loadOrCreateSigningKey, type SigningKey } from '../../server/custody-log/signing-key';
import { verifyLog } from '../../server/custody-log/verify-log';
import { sqlitePathOf } from '../../server/db/connect';
import { NdaAcceptance, Visit, Visitor, VisitorKey } from '../../server/db/models';
import { silentLogger } from '../../server/shared/logger';
import { VisitorError } from '../../server/visitors/visitor-service';
import { dialectsUnderTest } from '../support/databases';
import { NDA_TEXT, visitorFixture, type VisitorFixture } from './fixture';

const dialects = await dialectsUnderTest();
const DAY = 86_400_000;

// Distinctive, so that a hit in the raw database file can only be this visitor's data.
const PERSON = { name: 'Philippa Quenby-Xanthopoulos', email: 'philippa.qx@zanzibar-mail.example', phone: '+44 7700 900123', id_notes: 'Driving licence QX-55871' };
const TYPED = 'P. Quenby-Xanthopoulos';
const PURPOSE = 'Confidential divorce consultation';

describe.each(dialects)('purging visitor data on %s', (dialect) => {
  let f: VisitorFixture;
  let key: SigningKey;
  let checkpointer: Checkpointer;
  beforeEach(async () => {
    f = await visitorFixture(dialect, { SAFEKEEP_VISITOR_RETENTION_DAYS: '90' });
    key = await loadOrCreateSigningKey(f.dataDir, 'safekeep-test');
    checkpointer = new Checkpointer({ store: f.store, key, origin: 'safekeep/test', clock: f.clock, logger: silentLogger });
  });
  afterEach(async () => f.close());

  const visitAndLeave = async (person: typeof PERSON | { name: string }, typedName?: string) => {
    const nda = await f.visitors.service.currentNda(f.clock.now());
    const visit = await f.visitors.service.signIn(
      {
        visitor: { person, company: 'Harbour Freight Ltd' },
        hostPersonId: f.host.id,
        purpose: PURPOSE,
        badge: { kind: 'label' },
        ...(nda && typedName ? { nda: { version: nda.version, sha256: nda.sha256, typedName } } : {}),
      },
      'u_kiosk',
    );
    await f.visitors.service.signOut(visit.visitId, 'u_reception');
    return visit;
  };

  /** Every byte of the database: the main file and the WAL. */
  const databaseBytes = () => {
    const file = sqlitePathOf(f.url);
    return [file, `${file}-wal`].filter((p) => existsSync(p)).map((p) => readFileSync(p));
  };
  const inDatabase = (needle: Buffer | string) => databaseBytes().some((bytes) => bytes.includes(typeof needle === 'string' ? Buffer.from(needle, 'utf8') : needle));

  it('erases key, sealed data, salts and tokens after the retention period, logs visitor.purged, and the log still verifies', async () => {
    await f.visitors.service.publishNda(NDA_TEXT, null, 'p_manager');
    const visit = await visitAndLeave(PERSON, TYPED);
    const visitorRow = (await Visitor.findByPk(visit.visitorId))!;
    const sealedPersonal = Buffer.from(visitorRow.personal_data!);
    const wrappedKey = Buffer.from((await VisitorKey.findByPk(visit.visitorId))!.wrapped_key);
    const opening = Buffer.from((await NdaAcceptance.findOne({ where: { visitor_id: visit.visitorId } }))!.opening!);
    const commitment = (await NdaAcceptance.findOne({ where: { visitor_id: visit.visitorId } }))!.commitment;
    await checkpointer.checkpointNow();

    if (dialect === 'sqlite') {
      // Encrypted at rest: the plain text was never written, only the sealed forms (which the grep finds).
      for (const text of [PERSON.name, PERSON.email, PERSON.phone, 'QX-55871', TYPED, PURPOSE]) expect(inDatabase(text), text).toBe(false);
      expect(inDatabase(sealedPersonal)).toBe(true);
      expect(inDatabase(wrappedKey)).toBe(true);
    }

    f.clock.advance(90 * DAY - 1000);
    expect((await f.visitors.purger.run(f.clock.now())).purged).toEqual([]);
    f.clock.advance(1000);
    const report = await f.visitors.purger.run(f.clock.now());
    expect(report).toEqual({ purged: [visit.pseudonym], held: 0, compacted: true });
    const assertErased = () => {
      for (const text of [PERSON.name, PERSON.email, PERSON.phone, 'QX-55871', TYPED, PURPOSE]) expect(inDatabase(text), text).toBe(false);
      expect(inDatabase(sealedPersonal), 'sealed personal data').toBe(false);
      expect(inDatabase(wrappedKey), 'wrapped key').toBe(false);
      expect(inDatabase(opening), 'NDA commitment opening').toBe(false);
    };
    if (dialect === 'sqlite') {
      // Checkpointed and truncated: no old frame is left in the WAL.
      const wal = `${sqlitePathOf(f.url)}-wal`;
      expect(existsSync(wal) ? readFileSync(wal).length : 0).toBe(0);
      assertErased();
    }

    expect(await VisitorKey.count()).toBe(0);
    expect(await Visitor.findByPk(visit.visitorId)).toMatchObject({ personal_data: null, pseudonym: visit.pseudonym, company: 'Harbour Freight Ltd' });
    expect((await Visitor.findByPk(visit.visitorId))!.purged_at).not.toBeNull();
    expect(await Visit.findByPk(visit.visitId)).toMatchObject({ details: null, token_hash: null, badge_token_hash: null, status: 'signed_out' });
    // The commitment stays (it is in the log anyway); without its salt it proves nothing.
    expect(await NdaAcceptance.findOne({ where: { visitor_id: visit.visitorId } })).toMatchObject({ opening: null, commitment });

    const leaves = await f.leaves();
    expect(leaves.at(-1)).toEqual({ type: 'visitor.purged', actor: 'system', subject: visit.pseudonym, ts_server: expect.any(String) });
    await checkpointer.checkpointNow();
    expect(await verifyLog(f.store, key.verifierKey)).toMatchObject({ ok: true, checkpointsVerified: 2 });

    if (dialect === 'sqlite') assertErased();

    // The service treats the identity as erased.
    expect((await f.visitors.service.personalDataOf(visit.visitorId)).person).toBeNull();
    expect((await f.visitors.service.ndaProof(visit.visitorId)).acceptances).toEqual([expect.objectContaining({ commitment, opening: null, verified: null })]);
    const err = await f.visitors.service.signIn({ visitorId: visit.visitorId, badge: { kind: 'label' } }, 'u_kiosk').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VisitorError);
    expect((err as VisitorError).reason).toBe('visitor_purged');
    // Running again purges nothing more.
    expect((await f.visitors.purger.run(f.clock.now())).purged).toEqual([]);
  });

  it('never purges a visitor with a visit under legal hold, until the hold is released', async () => {
    const held = await visitAndLeave({ name: 'Held Person' });
    const free = await visitAndLeave({ name: 'Free Person' });
    await f.visitors.service.setHold(held.visitId, true, 'p_manager');
    f.clock.advance(365 * DAY);
    const report = await f.visitors.purger.run(f.clock.now());
    expect(report).toMatchObject({ purged: [free.pseudonym], held: 1 });
    expect(await f.visitors.service.personalDataOf(held.visitorId)).toMatchObject({ person: { name: 'Held Person' } });
    expect(await VisitorKey.count()).toBe(1);

    await f.visitors.service.setHold(held.visitId, false, 'p_manager');
    expect((await f.visitors.purger.run(f.clock.now())).purged).toEqual([held.pseudonym]);
    const types = (await f.leaves()).map((l) => l.type);
    expect(types.filter((t) => t.startsWith('visitor.hold'))).toEqual(['visitor.hold_set', 'visitor.hold_released']);
    expect(types.filter((t) => t === 'visitor.purged')).toHaveLength(2);
    // Nothing left to hold once erased.
    const err = await f.visitors.service.setHold(held.visitId, true, 'p_manager').catch((e: unknown) => e);
    expect((err as VisitorError).reason).toBe('visitor_purged');
  });

  it('keeps a visitor still on site or still expected, whatever their age', async () => {
    const onSite = await f.visitors.service.signIn({ visitor: { person: { name: 'Still Here' }, company: null }, hostPersonId: f.host.id, badge: { kind: 'label' } }, 'u_kiosk');
    await f.visitors.service.preregister(
      { visitor: { person: { name: 'Coming Later' }, company: null }, hostPersonId: f.host.id, expectedAt: new Date(f.clock.now().getTime() + 400 * DAY), company: null, purpose: null, escortRequired: false },
      'p_host',
    );
    f.clock.advance(200 * DAY);
    expect((await f.visitors.purger.run(f.clock.now())).purged).toEqual([]);
    expect(await Visitor.count({ where: { purged_at: null } })).toBe(2);
    expect(onSite.pseudonym).toMatch(/^v_/);
  });
});
