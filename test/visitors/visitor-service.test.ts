import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { v7 as uuidv7 } from 'uuid';
import { Alert, Badge, LoanerCard, Matter, NdaAcceptance, Visit, Visitor, WatchListEntry } from '../../server/db/models';
import { Directory } from '../../server/domain/directory';
import type { DeviceEvent } from '../../server/ingest/device-event';
import { Correlator, type AfterCommit } from '../../server/workflows/correlator';
import { hashVisitToken } from '../../server/visitors/crypto';
import { rollCallCsv } from '../../server/visitors/roll-call';
import { sha256Hex, VisitorError, type SignInInput } from '../../server/visitors/visitor-service';
import { dialectsUnderTest } from '../support/databases';
import { demoOffice } from '../support/office';
import { NDA_TEXT, visitorFixture, type VisitorFixture } from './fixture';

const dialects = await dialectsUnderTest();

/** A device read without its idempotency key (Omit over each member of the union). */
type Unkeyed<T> = T extends unknown ? Omit<T, 'idempotencyKey'> : never;

const ADA = { name: 'Ada Lovelace', email: 'ada.lovelace@example.org', phone: '+44 20 7946 0991', id_notes: 'Passport checked' };

async function refusal(work: Promise<unknown>): Promise<VisitorError> {
  const err = await work.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(VisitorError);
  return err as VisitorError;
}

describe.each(dialects)('visitors on %s', (dialect) => {
  let f: VisitorFixture;
  let seq = 0;
  beforeEach(async () => {
    f = await visitorFixture(dialect);
  });
  afterEach(async () => f.close());

  const service = () => f.visitors.service;
  const publish = async (text = NDA_TEXT) => service().publishNda(text, null, 'p_manager');
  const walkIn = (person: typeof ADA | { name: string }, over: Partial<SignInInput> = {}) =>
    service().signIn({ visitor: { person, company: 'Babbage Engines' }, hostPersonId: f.host.id, badge: { kind: 'label' }, ...over }, 'u_kiosk');

  /** A read at a device, through the correlator, in its own writer job (as device ingest does). */
  const correlator = () => new Correlator({ office: demoOffice(), directory: new Directory(demoOffice()), sequelize: f.db.sequelize, visitors: f.visitors.reception });
  const readAt = async (event: Unkeyed<DeviceEvent>, actor?: string): Promise<AfterCommit> => {
    const c = correlator();
    const outcome = await f.writer.submit({
      run: (ctx) => c.correlate(ctx, { ...event, idempotencyKey: `k${seq++}` } as DeviceEvent, `evidence-${seq}`, actor),
    });
    return outcome.duplicate ? { commands: [], answers: [], alerts: [] } : outcome.value;
  };

  it('pre-registers, signs in with the one-time token and the NDA, and logs only pseudonyms and a commitment', async () => {
    const nda = await publish();
    const pre = await service().preregister(
      { visitor: { person: ADA, company: 'Babbage Engines' }, hostPersonId: f.host.id, expectedAt: new Date('2026-01-05T14:00:00Z'), company: null, purpose: 'Estate planning meeting', escortRequired: true },
      'p_host',
    );
    expect(pre.token).toMatch(/^SKV:/);
    const visit = await Visit.findByPk(pre.visitId);
    expect(visit).toMatchObject({ status: 'expected', token_hash: hashVisitToken(pre.token) });

    const nda1 = { version: nda.version, sha256: nda.sha256, typedName: 'Ada Lovelace' };
    const signedIn = await service().signIn({ token: pre.token, nda: nda1, badge: { kind: 'label' } }, 'u_kiosk');
    expect(signedIn).toMatchObject({ visitId: pre.visitId, escortRequired: true, ndaVersion: 1, hostPersonId: f.host.id });
    expect(signedIn.badge).toMatchObject({
      kind: 'label',
      label: { first_name: 'Ada', host_name: 'Margaret Hartley', date: '2026-01-05', escort_required: true, company: 'Babbage Engines' },
    });
    expect(f.arrivals).toEqual([{ visitId: pre.visitId, hostPersonId: f.host.id }]);

    // One-time: the token no longer works, and the badge token is a different one.
    expect((await refusal(service().signIn({ token: pre.token, nda: nda1, badge: { kind: 'label' } }, 'u_kiosk'))).reason).toBe('token_used');
    const label = signedIn.badge.kind === 'label' ? signedIn.badge.label : null;
    expect(label!.token).not.toBe(pre.token);
    expect(await Visit.findByPk(pre.visitId)).toMatchObject({ status: 'on_site', badge_token_hash: hashVisitToken(label!.token) });

    const leaves = await f.leaves();
    expect(leaves.map((l) => l.type)).toEqual(['nda.published', 'visitor.registered', 'visitor.preregistered', 'visitor.nda_accepted', 'visitor.signed_in']);
    const accepted = leaves[3]!;
    expect(accepted).toMatchObject({ actor: signedIn.pseudonym, subject: signedIn.pseudonym, visit: pre.visitId, nda_version: 1, nda_sha256: sha256Hex(NDA_TEXT) });
    expect((accepted.commitments as { typed_name: string }).typed_name).toMatch(/^[0-9a-f]{64}$/);
    expect(leaves[4]).toMatchObject({ type: 'visitor.signed_in', actor: 'u_kiosk', subject: signedIn.pseudonym, host: f.host.pseudonym, escort: true, badge: 'label' });
    const logText = JSON.stringify(leaves);
    for (const personal of [ADA.name, 'Ada', ADA.email, ADA.phone, 'Passport', 'Estate planning', label!.token, pre.token]) expect(logText).not.toContain(personal);

    // The commitment opens with the salt kept off-log, and proves the typed name.
    const proof = await service().ndaProof(signedIn.visitorId);
    expect(proof.acceptances).toEqual([expect.objectContaining({ version: 1, commitment: (accepted.commitments as { typed_name: string }).typed_name, opening: expect.objectContaining({ fields: { typed_name: 'Ada Lovelace' } }), verified: true })]);
    expect(await service().personalDataOf(signedIn.visitorId)).toMatchObject({ person: ADA, company: 'Babbage Engines' });
  });

  it('asks a returning visitor to accept the NDA again only when its version changed', async () => {
    const v1 = await publish();
    const first = await walkIn(ADA, { nda: { version: 1, sha256: v1.sha256, typedName: 'Ada Lovelace' } });
    await service().signOut(first.visitId, 'u_reception');
    const again = await service().signIn({ visitorId: first.visitorId, badge: { kind: 'label' } }, 'u_kiosk');
    expect(again.ndaVersion).toBe(1);
    await service().signOut(again.visitId, 'u_reception');

    const v2 = await publish(`${NDA_TEXT} Version two.`);
    const err = await refusal(service().signIn({ visitorId: first.visitorId, badge: { kind: 'label' } }, 'u_kiosk'));
    expect(err).toMatchObject({ status: 409, reason: 'nda_required', details: { nda: { version: 2, sha256: v2.sha256, text: `${NDA_TEXT} Version two.` } } });
    // Accepting what the kiosk showed an hour ago is not accepting the current text.
    expect((await refusal(service().signIn({ visitorId: first.visitorId, nda: { version: 1, sha256: v1.sha256, typedName: 'Ada' }, badge: { kind: 'label' } }, 'u_kiosk'))).reason).toBe('nda_outdated');
    await service().signIn({ visitorId: first.visitorId, nda: { version: 2, sha256: v2.sha256, typedName: 'A. Lovelace' }, badge: { kind: 'label' } }, 'u_kiosk');
    expect((await NdaAcceptance.findAll({ where: { visitor_id: first.visitorId } })).map((a) => a.version).sort()).toEqual([1, 2]);
    const proof = await service().ndaProof(first.visitorId);
    expect(proof.acceptances.map((a) => [a.version, a.opening?.fields.typed_name, a.verified])).toEqual([
      [1, 'Ada Lovelace', true],
      [2, 'A. Lovelace', true],
    ]);
  });

  it('refuses a vendor whose agreement has expired, logging the refusal and raising an alert', async () => {
    const vendor = await service().registerVendor(
      {
        person: { name: 'Sam Shredder' },
        company: 'SecureShred Inc.',
        agreementRef: 'SS-2025-17',
        agreementExpiresAt: new Date(f.clock.now().getTime() + 86_400_000),
        accessUntil: null,
        hostPersonId: null,
      },
      'p_manager',
    );
    const ok = await service().signIn({ visitorId: vendor.visitorId, hostPersonId: f.host.id, badge: { kind: 'label' } }, 'u_kiosk');
    await service().signOut(ok.visitId, 'u_reception');
    f.clock.advance(2 * 86_400_000);
    const err = await refusal(service().signIn({ visitorId: vendor.visitorId, hostPersonId: f.host.id, badge: { kind: 'label' } }, 'u_kiosk'));
    expect(err).toMatchObject({ status: 403, reason: 'agreement_expired' });
    expect(f.alerts.map((a) => a.type)).toEqual(['visitor.agreement_expired']);
    const row = await Alert.findOne({ where: { type: 'visitor.agreement_expired' } });
    expect(row?.message).toContain(vendor.pseudonym);
    expect(row?.message).not.toContain('Sam');
    const leaves = await f.leaves();
    expect(leaves.find((l) => l.type === 'visitor.sign_in_refused')).toMatchObject({ subject: vendor.pseudonym, reason: 'agreement_expired' });
    expect(leaves.find((l) => l.type === 'visitor.signed_in')).toMatchObject({ kind: 'vendor' });

    await service().updateAgreement(vendor.visitorId, { ref: 'SS-2026-02', expiresAt: new Date(f.clock.now().getTime() + 365 * 86_400_000), accessUntil: null }, 'p_manager');
    await expect(service().signIn({ visitorId: vendor.visitorId, hostPersonId: f.host.id, badge: { kind: 'label' } }, 'u_kiosk')).resolves.toMatchObject({ pseudonym: vendor.pseudonym });
  });

  it('lends a loaner card that is recognised as a visitor badge, and signs the visitor out when it is tapped at reception', async () => {
    await Badge.create({ id: uuidv7(), person_id: f.host.id, canonical: 'AABBCC11' });
    // A card whose low 24 bits are a staff badge's would be the staff member at any Wiegand-26 reader.
    expect((await refusal(service().addLoanerCard('L-99', '00AABBCC11', 'hex', 'p_manager'))).reason).toBe('badge_taken');
    await service().addLoanerCard('L-01', '10203040', 'hex', 'p_manager');
    const visit = await walkIn(ADA, { badge: { kind: 'card' } });
    expect(visit.badge).toEqual({ kind: 'card', cardId: 'L-01' });
    expect(await LoanerCard.findByPk('L-01')).toMatchObject({ available: false, assigned_visit_id: visit.visitId });
    expect((await refusal(walkIn({ name: 'Charles Babbage' }, { badge: { kind: 'card' } }))).reason).toBe('no_loaner_card');

    const card = { canonical: '10203040', raw: '10203040', format: 'hex' };
    const w26 = { canonical: '203040', raw: '2109504', format: 'w26' };
    const reception = f.visitors.reception;
    expect(await reception.isVisitorCredential(card)).toBe(true);
    expect(await reception.isVisitorCredential(w26)).toBe(true);
    expect(await reception.isVisitorCredential({ canonical: 'AABBCC11', raw: 'AABBCC11', format: 'hex' })).toBe(false);
    expect(await reception.visitorCredential(card)).toEqual({ cardId: 'L-01', visitor: visit.pseudonym });
    const inJob = await f.writer.submit({ run: (ctx) => correlator().isVisitorCredential(ctx, card) });
    expect(inJob.duplicate ? null : inJob.value).toBe(true);

    const after = await readAt({ kind: 'badge', deviceId: 'reception-reader', credential: w26 });
    expect(after.answers).toEqual([{ deviceId: 'reception-reader', ok: true, message: expect.stringMatching(/Signed out/) }]);
    expect(await Visit.findByPk(visit.visitId)).toMatchObject({ status: 'signed_out', sign_out_reason: 'badge_returned' });
    expect(await LoanerCard.findByPk('L-01')).toMatchObject({ available: true, assigned_visit_id: null });
    const out = (await f.leaves()).find((l) => l.type === 'visitor.signed_out');
    expect(out).toMatchObject({ device: 'reception-reader', actor: visit.pseudonym, subject: visit.pseudonym, visit: visit.visitId, card: 'L-01', evidence: [expect.any(String)] });

    // A staff badge at reception is only seen; an unknown one is answered.
    expect((await readAt({ kind: 'badge', deviceId: 'reception-reader', credential: { canonical: 'AABBCC11', raw: 'x', format: 'hex' } }, f.host.pseudonym)).answers).toEqual([]);
    expect((await readAt({ kind: 'badge', deviceId: 'reception-reader', credential: { canonical: '0F0F0F0F', raw: 'x', format: 'hex' } })).answers[0]).toMatchObject({ ok: false });
  });

  it('signs out a printed badge scanned at reception, and sends a pre-registration code there to the kiosk', async () => {
    const pre = await service().preregister(
      { visitor: { person: ADA, company: null }, hostPersonId: f.host.id, expectedAt: f.clock.now(), company: null, purpose: null, escortRequired: false },
      'p_host',
    );
    expect((await readAt({ kind: 'barcode', deviceId: 'reception-scanner', data: pre.token })).answers[0]).toMatchObject({ ok: false, message: 'Please sign in at the kiosk first' });
    const visit = await service().signIn({ token: pre.token, badge: { kind: 'label' } }, 'u_kiosk');
    const token = visit.badge.kind === 'label' ? visit.badge.label.token : '';
    expect((await readAt({ kind: 'barcode', deviceId: 'reception-scanner', data: token })).answers[0]).toMatchObject({ ok: true });
    expect(await Visit.findByPk(visit.visitId)).toMatchObject({ status: 'signed_out', badge_token_hash: null });
    expect((await readAt({ kind: 'barcode', deviceId: 'reception-scanner', data: token })).answers[0]).toMatchObject({ ok: false });
    expect((await f.leaves()).filter((l) => l.type === 'visitor.signed_out')).toHaveLength(1);
  });

  it('signs everyone out at closing time in the office time zone, with an alert, and keeps an unreturned card lent', async () => {
    await service().addLoanerCard('L-01', '10203040', 'hex', 'p_manager');
    f.clock.set(new Date('2026-01-05T15:00:00Z')); // 10:00 in New York
    const withLabel = await walkIn(ADA);
    const withCard = await walkIn({ name: 'Charles Babbage' }, { badge: { kind: 'card' } });
    const { scheduler } = f.visitors;
    f.clock.set(new Date('2026-01-05T23:29:00Z'));
    expect(await scheduler.signOutAtClosing(f.clock.now())).toBe(0);
    f.clock.set(new Date('2026-01-05T23:30:00Z')); // 18:30 EST: closing time
    await scheduler.tick(f.clock.now());
    expect(await Visit.count({ where: { status: 'on_site' } })).toBe(0);
    expect(await Visit.findByPk(withLabel.visitId)).toMatchObject({ status: 'signed_out', sign_out_reason: 'closing_time' });
    expect(f.alerts.map((a) => a.type)).toEqual(['visitor.auto_signed_out', 'visitor.auto_signed_out']);
    expect(f.alerts[1]!.message).toMatch(new RegExp(`${withCard.pseudonym}.*loaner card L-01 was not returned`));
    expect(await LoanerCard.findByPk('L-01')).toMatchObject({ available: false, assigned_visit_id: withCard.visitId });
    // Ticking again changes nothing.
    await scheduler.tick(f.clock.now());
    expect(f.alerts).toHaveLength(2);
    // Brought back the next morning: tapped at reception, back in the pool.
    f.clock.set(new Date('2026-01-06T14:00:00Z'));
    const back = await readAt({ kind: 'badge', deviceId: 'reception-reader', credential: { canonical: '10203040', raw: '10203040', format: 'hex' } });
    expect(back.answers[0]).toMatchObject({ ok: true, message: 'Loaner card L-01 returned' });
    expect(await LoanerCard.findByPk('L-01')).toMatchObject({ available: true, assigned_visit_id: null });
    const types = (await f.leaves()).map((l) => l.type);
    expect(types.filter((t) => t === 'visitor.signed_out')).toHaveLength(2);
    expect(types).toContain('loaner_card.returned');
  });

  it('flags a watch-listed visitor and a visitor from an adverse party, naming only pseudonyms', async () => {
    await service().addWatchEntry({ kind: 'name', value: 'Renée Dubois', note: 'Trespass notice 2025' }, 'p_manager');
    const sealed = await WatchListEntry.findOne();
    expect(Buffer.from(sealed!.sealed).includes(Buffer.from('Dubois'))).toBe(false);
    expect(await service().listWatchEntries()).toMatchObject([{ kind: 'name', value: 'Renée Dubois', note: 'Trespass notice 2025' }]);
    await Matter.create({ id: 'm-1', client: 'Birch Estates', matter: 'M-100', closed_at: null, parties: JSON.stringify(['Acme Corp']) });

    const visit = await service().signIn({ visitor: { person: { name: 'RENEE DUBOIS' }, company: 'ACME Corporation' }, hostPersonId: f.host.id, badge: { kind: 'label' } }, 'u_kiosk');
    expect(f.alerts.map((a) => [a.type, a.severity])).toEqual([
      ['visitor.watch_list', 'critical'],
      ['visitor.conflict', 'warning'],
    ]);
    for (const a of f.alerts) {
      expect(a.message).toContain(visit.pseudonym);
      expect(a.message).not.toMatch(/renee|dubois|acme|birch/i);
    }
    const flagged = (await f.leaves()).filter((l) => l.type === 'visitor.flagged');
    expect(flagged.map((l) => l.reason)).toEqual(['watch_list', 'conflict']);
    const screening = await service().screeningOf(visit.visitId);
    expect(screening).toMatchObject({ watchHits: [{ kind: 'name' }], adverse: [{ client: 'Birch Estates', matter: 'M-100' }] });

    const [entry] = await service().listWatchEntries();
    await service().removeWatchEntry(entry!.id, 'p_manager');
    expect(await WatchListEntry.count()).toBe(0);
  });

  it('gives a roll call of visitors on site and staff badged today (office day), as JSON and a safe CSV', async () => {
    f.clock.set(new Date('2026-01-05T15:00:00Z'));
    const visit = await walkIn({ name: "=HYPERLINK('http://x','y')" }, { escortRequired: true });
    const gone = await walkIn(ADA);
    await service().signOut(gone.visitId, 'u_reception');
    // Staff reads: the host this morning, someone else yesterday evening (local time).
    const read = (ts: string, actor: string) =>
      f.writer.submit({
        run: async (ctx) => {
          const id = uuidv7();
          const leaf = await ctx.append({ type: 'device.read', kind: 'badge', device: 'cab-1-reader', actor, evidence: [id] });
          ctx.insertLater('device_events', { id, idempotency_key: id, device_id: 'cab-1-reader', kind: 'badge', payload: '{}', ts_device: null, ts_received: ts, log_index: leaf.index });
        },
      });
    await read('2026-01-05T13:05:00.000Z', f.host.pseudonym);
    await read('2026-01-05T14:55:00.000Z', f.host.pseudonym);
    await read('2026-01-05T04:30:00.000Z', 'p_yesterday000000000000000');
    const rc = await f.visitors.rollCall(f.clock.now());
    expect(rc.date).toBe('2026-01-05');
    expect(rc.visitors).toEqual([expect.objectContaining({ visit_id: visit.visitId, name: "=HYPERLINK('http://x','y')", host_name: 'Margaret Hartley', escort_required: true })]);
    expect(rc.staff).toEqual([
      { person_id: f.host.id, name: 'Margaret Hartley', role: 'staff', first_seen_at: '2026-01-05T13:05:00.000Z', last_seen_at: '2026-01-05T14:55:00.000Z', last_place: 'cab-1' },
    ]);
    const csv = rollCallCsv(rc);
    expect(csv.split('\r\n')[0]).toBe('who,name,company_or_role,host,since,last_seen,place,escort_required,badge');
    expect(csv).toContain(`"'=HYPERLINK('http://x','y')"`.replace(/^"|"$/g, ''));
    expect(csv).not.toMatch(/(^|,)=HYPERLINK/m);
    expect(csv).toContain('staff,Margaret Hartley,staff,,2026-01-05T13:05:00.000Z,2026-01-05T14:55:00.000Z,cab-1,,');
  });

  it('refuses a host who is not active staff and an unknown token', async () => {
    expect((await refusal(walkIn(ADA, { hostPersonId: 'nobody' }))).reason).toBe('host_unknown');
    expect((await refusal(service().signIn({ token: 'SKV:00000000000000000000000000', badge: { kind: 'label' } }, 'u_kiosk'))).reason).toBe('token_unknown');
    expect((await refusal(service().signIn({ token: 'garbage', badge: { kind: 'label' } }, 'u_kiosk'))).status).toBe(404);
    expect(await Visitor.count()).toBe(0);
  });
});
