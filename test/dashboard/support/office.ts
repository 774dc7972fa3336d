import mqtt, { type MqttClient } from 'mqtt';
import { DEMO_PEOPLE, seedDemoOffice } from '../../../server/demo/seed';
import type { ServerFixture } from '../../support/server';

/** Cabinet D runs Safekeep firmware on MQTT: a badge reader, a door sensor and a scanner. */
export const CAB4_TOPIC = 'safekeep/cab-4/read';
/** SK-000043 lives in cabinet D (cab-4) in the demo seed. */
export const CAB4_FILE = 'SK-000043';
export const MANAGER_BADGE = DEMO_PEOPLE[0].badge;

/** The demo office's people, badges and 500 files, and an access rule: the first manager may open cabinet D. */
export async function seedOffice(f: ServerFixture): Promise<void> {
  const { writer, db, directory } = f.server.services;
  await seedDemoOffice(writer);
  await directory.refreshBadges(db.sequelize);
  const q = (sql: string) => db.sequelize.query(sql);
  await q(`INSERT INTO access_groups (id, name, created_at, updated_at) VALUES ('g-dash', 'Closed matters', '2026-01-01', '2026-01-01')`);
  await q(`INSERT INTO access_group_members (group_id, person_id) SELECT 'g-dash', id FROM people WHERE email = '${DEMO_PEOPLE[0].email}'`);
  await q(`INSERT INTO access_rules (id, group_id, cabinet_id, days) VALUES ('r-dash', 'g-dash', 'cab-4', 'mon,tue,wed,thu,fri,sat,sun')`);
}

/** Cabinet D's board: publishes reads the way its firmware does, and waits for each to be committed. */
export class Cab4Board {
  private seq = 0;
  private readonly boot = `dash${Date.now().toString(36)}`;
  private constructor(
    private readonly client: MqttClient,
    private readonly f: ServerFixture,
  ) {}

  static async connect(f: ServerFixture): Promise<Cab4Board> {
    return new Cab4Board(await mqtt.connectAsync(f.mqttUrl, { clientId: `cab-4-board-${Math.random().toString(16).slice(2)}` }), f);
  }

  /** Publishes without waiting for the commit (for latency measurements). */
  async publish(fields: Record<string, unknown>): Promise<void> {
    await this.client.publishAsync(CAB4_TOPIC, JSON.stringify({ boot: this.boot, seq: this.seq++, ...fields }), { qos: 1 });
  }

  /** Publishes and waits until the log has grown. */
  async read(fields: Record<string, unknown>): Promise<void> {
    const before = this.f.server.services.writer.size;
    await this.publish(fields);
    const until = Date.now() + 5000;
    while (this.f.server.services.writer.size === before) {
      if (Date.now() > until) throw new Error(`no commit for ${JSON.stringify(fields)}`);
      await new Promise((r) => setTimeout(r, 10));
    }
    await new Promise((r) => setTimeout(r, 30));
  }

  async close(): Promise<void> {
    await this.client.endAsync();
  }
}
