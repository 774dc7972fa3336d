import type { MqttClient } from 'mqtt';
import { DEMO_PEOPLE, seedDemoOffice } from '../../../server/demo/seed';
export { DEMO_PEOPLE };
import type { ServerFixture } from '../../support/server';
import { boardClient } from '../../support/board-client';

/** Cabinet D runs Safekeep firmware on MQTT: a badge reader, a door sensor and a scanner. */
export const CAB4_TOPIC = 'safekeep/cab-4/read';
/** SK-000043 lives in cabinet D (cab-4) in the demo seed. */
export const CAB4_FILE = 'SK-000043';
export const MANAGER_BADGE = DEMO_PEOPLE[0].badge;

/** The demo office's people, badges, 500 files and access rules (everyone but reception opens every cabinet). */
export async function seedOffice(f: ServerFixture): Promise<void> {
  const { writer, db, directory } = f.server.services;
  await seedDemoOffice(writer);
  await directory.refreshBadges(db.sequelize);
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
    return new Cab4Board(await boardClient(f, 'safekeep/cab-4', { clientId: `cab-4-board-${Math.random().toString(16).slice(2)}` }), f);
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
