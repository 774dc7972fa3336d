import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writerFixture, type WriterFixture } from '../support/writer-fixture';
import { AlertRaiser } from '../../server/domain/alert-raiser';
import { acknowledgeAlert, AlertEscalator } from '../../server/domain/alerts-service';
import { alertsToEscalate } from '../../server/workflows/alert-escalation';
import { Alert } from '../../server/db/models';
import { decodeLeaf } from '../../server/custody-log/leaf';
import { silentLogger } from '../../server/shared/logger';

describe('alert escalation decision', () => {
  const t0 = new Date('2026-01-05T15:00:00Z');
  const at = (minutes: number) => new Date(t0.getTime() + minutes * 60_000);
  it('escalates critical alerts after 5 and 10 minutes, warnings after 30 and 60, info never', () => {
    const alerts = [
      { id: 'c', severity: 'critical', raisedAt: t0, escalationLevel: 0 },
      { id: 'w', severity: 'warning', raisedAt: t0, escalationLevel: 0 },
      { id: 'i', severity: 'info', raisedAt: t0, escalationLevel: 0 },
    ];
    expect(alertsToEscalate(alerts, at(4))).toEqual([]);
    expect(alertsToEscalate(alerts, at(5))).toEqual([{ id: 'c', level: 1 }]);
    expect(alertsToEscalate([{ ...alerts[0]!, escalationLevel: 1 }], at(9))).toEqual([]);
    expect(alertsToEscalate([{ ...alerts[0]!, escalationLevel: 1 }], at(10))).toEqual([{ id: 'c', level: 2 }]);
    expect(alertsToEscalate([{ ...alerts[0]!, escalationLevel: 2 }], at(600))).toEqual([]);
    expect(alertsToEscalate(alerts, at(30))).toEqual([{ id: 'c', level: 1 }, { id: 'w', level: 1 }]);
  });
});

describe('alerts in the custody log', () => {
  let f: WriterFixture;
  let raiser: AlertRaiser;
  beforeEach(async () => {
    f = await writerFixture('sqlite');
    raiser = new AlertRaiser({ bus: f.bus, writer: f.writer, logger: silentLogger });
  });
  afterEach(async () => f.close());

  const leafTypes = async () => {
    const types: string[] = [];
    for await (const page of f.store.pages()) types.push(...page.map((r) => decodeLeaf(r.leaf).type));
    return types;
  };

  it('acknowledging records who and when, keeps the note off the log, and cannot be done twice', async () => {
    const id = (await raiser.raise({ type: 'cabinet.forced', severity: 'critical', message: 'Cabinet cab-1 was opened without an authorized badge' }))!;
    await acknowledgeAlert(f.writer, { id, actor: 'p_manager', note: 'Checked with Ada Lovelace: she forgot her badge' });
    const alert = await Alert.findByPk(id);
    expect(alert).toMatchObject({ status: 'acknowledged', acknowledged_by: 'p_manager' });
    expect(await leafTypes()).toEqual(['alert.raised', 'alert.acknowledged']);
    for await (const page of f.store.pages()) for (const row of page) expect(row.leaf.toString()).not.toContain('Lovelace');
    await expect(acknowledgeAlert(f.writer, { id, actor: 'p_manager', note: 'again' })).rejects.toThrow(/already acknowledged/);
  });

  it('escalates an open alert once per level, as a logged fact, and tells the live feed', async () => {
    await raiser.raise({ type: 'cabinet.forced', severity: 'critical', message: 'forced' });
    const heard: string[] = [];
    f.bus.on('alert.raised', (a) => heard.push(a.message));
    const escalator = new AlertEscalator({ writer: f.writer, bus: f.bus, clock: f.clock });
    expect(await escalator.escalateDue()).toBe(0);
    f.clock.advance(5 * 60_000);
    expect(await escalator.escalateDue()).toBe(1);
    expect(await escalator.escalateDue()).toBe(0);
    expect(heard).toEqual(['Escalated (level 1): forced']);
    expect(await leafTypes()).toEqual(['alert.raised', 'alert.escalated']);
  });
});
