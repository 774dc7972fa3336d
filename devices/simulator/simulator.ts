import { randomBytes } from 'node:crypto';
import mqtt, { type MqttClient } from 'mqtt';
import type { OfficeConfig } from '../../server/config/office-schema';
import type { Clock } from '../../server/shared/clock';
import type { Logger } from '../../server/shared/logger';
import { firmwareMessage, type SimulatedAct, type SimulatedBoard } from './firmware-payloads';

export interface SimulatorOptions {
  office: OfficeConfig;
  mqttUrl: string;
  clock: Clock;
  logger: Logger;
  /** Badge ids (uppercase hex) the simulated staff carry. */
  badges: readonly string[];
  barcodes: readonly string[];
  /** Mean time between simulated visits. */
  intervalMs?: number;
}

/**
 * Simulated readers for the demo and for tests: they publish real firmware payloads to the broker,
 * so every read takes the same path through transports and decoders as a real device's would.
 */
export class Simulator {
  private client: MqttClient | null = null;
  private timer: NodeJS.Timeout | null = null;
  private readonly boards: SimulatedBoard[];
  private readonly boot = randomBytes(4).toString('hex');
  private seq = 0;
  private readonly pending = new Set<NodeJS.Timeout>();

  constructor(private readonly options: SimulatorOptions) {
    const seen = new Map<string, SimulatedBoard>();
    for (const d of options.office.devices) {
      if (d.transport.type !== 'mqtt') continue;
      const key = `${d.transport.firmware}|${d.transport.topic}`;
      const board = seen.get(key) ?? { firmware: d.transport.firmware, topic: d.transport.topic, roles: [] };
      board.roles.push(d.role);
      if (d.credential_format) board.credentialFormat = d.credential_format;
      seen.set(key, board);
    }
    this.boards = [...seen.values()];
  }

  async start(): Promise<void> {
    this.client = await mqtt.connectAsync(this.options.mqttUrl, { clientId: `safekeep-simulator-${this.boot}` });
    const every = this.options.intervalMs ?? 2000;
    const tick = () => {
      this.visit();
      this.timer = setTimeout(tick, every * (0.5 + Math.random()));
    };
    tick();
  }

  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    for (const t of this.pending) clearTimeout(t);
    this.pending.clear();
    await this.client?.endAsync();
    this.client = null;
  }

  /** One cabinet visit: a badge, the lock opening, the door open for a while, then shut and locked. */
  visit(): void {
    if (this.boards.length === 0 || this.options.badges.length === 0) return;
    const board = this.boards[Math.floor(Math.random() * this.boards.length)]!;
    const badge = this.options.badges[Math.floor(Math.random() * this.options.badges.length)]!;
    const has = (...roles: string[]) => roles.some((r) => board.roles.includes(r) || board.roles.includes('combo'));
    const script: [number, SimulatedAct][] = [
      [0, { kind: 'badge', uidHex: badge }],
      [150, { kind: 'lock', state: 'unlocked' }],
      [600, { kind: 'door', state: 'open' }],
      [4000, { kind: 'door', state: 'closed' }],
      [4300, { kind: 'lock', state: 'locked' }],
    ];
    const possible = script.filter(([, act]) =>
      act.kind === 'badge' ? has('badge_reader') : act.kind === 'lock' ? has('lock') : has('door_sensor', 'lid'),
    );
    for (const [delay, act] of possible) {
      const t = setTimeout(() => {
        this.pending.delete(t);
        this.publish(board, act);
      }, delay);
      this.pending.add(t);
    }
  }

  publish(board: SimulatedBoard, act: SimulatedAct): void {
    if (!this.client) return;
    const message = firmwareMessage(board, act, { now: this.options.clock.now(), boot: this.boot, seq: this.seq++ });
    this.client.publish(message.topic, message.payload, { qos: 1, retain: false });
  }
}
