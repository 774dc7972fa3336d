import { randomBytes } from 'node:crypto';
import mqtt, { type MqttClient } from 'mqtt';
import type { Device, OfficeConfig, SerialTransport as SerialConfig } from '../../server/config/office-schema';
import type { Clock } from '../../server/shared/clock';
import type { Logger } from '../../server/shared/logger';
import { firmwareMessage, type SimulatedAct, type SimulatedBoard } from './firmware-payloads';
import { lineTerminator, rdm6300Frame, wiegandText } from './serial-payloads';
import { SerialPtys, socatAvailable } from './serial-ptys';

export interface SimulatorOptions {
  office: OfficeConfig;
  /** The broker the office's MQTT devices use; may instead be given to start(). */
  mqttUrl?: string;
  clock: Clock;
  logger: Logger;
  /** Badge ids (uppercase hex) the simulated staff carry. */
  badges: readonly string[];
  barcodes: readonly string[];
  /** Mean time between simulated visits. */
  intervalMs?: number;
  /** Drive serial devices through socat pseudo-terminals (default true). */
  serial?: boolean;
  socatPath?: string;
}

type SerialDevice = Device & { transport: SerialConfig };

/** A board's MQTT login; the simulator logs in as each board, keyed `firmware|topic`. */
export interface SimulatedLogin {
  username: string;
  password: string;
}

/** An RDM6300 repeats its frame every ~65 ms while a tag is held (devices.md §1). */
const RDM6300_REPEAT_MS = 65;

/**
 * Simulated readers for the demo and for tests. MQTT boards publish real firmware payloads to the
 * broker; serial readers and scanners write real frames and lines into socat pseudo-terminals at
 * the paths in the office file. Every read thus takes the same path through transports and
 * decoders as a real device's would.
 */
export class Simulator {
  private client: MqttClient | null = null;
  /** With logins: one client per board, logged in as that board. */
  private readonly clients = new Map<SimulatedBoard, MqttClient>();
  private timer: NodeJS.Timeout | null = null;
  private readonly boards: SimulatedBoard[];
  private readonly serialDevices: SerialDevice[];
  private ptys: SerialPtys | null = null;
  private portsOpened = false;
  private readonly boot = randomBytes(4).toString('hex');
  private seq = 0;
  private readonly pending = new Set<NodeJS.Timeout>();
  private readonly log: Logger;

  constructor(private readonly options: SimulatorOptions) {
    this.log = options.logger.child({ component: 'simulator' });
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
    // Network serial bridges are real hardware elsewhere: nothing local to simulate.
    this.serialDevices = options.office.devices.filter(
      (d): d is SerialDevice => d.transport.type === 'serial' && !d.transport.path.startsWith('tcp://'),
    );
  }

  /**
   * Creates the serial devices' pseudo-terminals. The demo calls this before the server starts,
   * so its serial transports find their ports at once. Without socat, says so once and goes on
   * with MQTT only.
   */
  async openPorts(): Promise<void> {
    if (this.portsOpened || this.options.serial === false || this.serialDevices.length === 0) return;
    this.portsOpened = true;
    const socat = socatAvailable(this.options.socatPath);
    if (!socat.ok) {
      this.log.warn({ devices: this.serialDevices.map((d) => d.id) }, `socat is not installed (${socat.reason}): simulating MQTT devices only`);
      return;
    }
    this.ptys = new SerialPtys({ paths: this.serialDevices.map((d) => d.transport.path), logger: this.options.logger, ...(this.options.socatPath ? { socatPath: this.options.socatPath } : {}) });
    await this.ptys.start();
  }

  /**
   * Opens ports and the broker connection; with `loop`, visits at random until stopped. With
   * `logins`, each board logs in as itself, as the real board would (the broker lets it publish
   * only on its own topics), and a board without a login is not simulated; without, one client
   * publishes for all (a broker that takes anonymous clients).
   */
  async start(options: { mqttUrl?: string; loop?: boolean; logins?: ReadonlyMap<string, SimulatedLogin> } = {}): Promise<void> {
    await this.openPorts();
    const url = options.mqttUrl ?? this.options.mqttUrl;
    if (url && this.boards.length > 0 && options.logins) {
      const bare = new URL(url);
      bare.username = '';
      bare.password = '';
      for (const [i, board] of this.boards.entries()) {
        const login = options.logins.get(`${board.firmware}|${board.topic}`);
        if (!login) continue;
        this.clients.set(board, await mqtt.connectAsync(bare.toString(), { clientId: `safekeep-simulator-${this.boot}-${i}`, username: login.username, password: login.password }));
      }
    } else if (url && this.boards.length > 0) this.client = await mqtt.connectAsync(url, { clientId: `safekeep-simulator-${this.boot}` });
    if (options.loop === false) return;
    const every = this.options.intervalMs ?? 2000;
    const tick = () => {
      this.visit();
      this.timer = setTimeout(tick, every * (0.5 + Math.random()));
    };
    tick();
  }

  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    for (const t of this.pending) clearTimeout(t);
    this.pending.clear();
    await this.client?.endAsync();
    this.client = null;
    for (const client of this.clients.values()) await client.endAsync();
    this.clients.clear();
    await this.ptys?.stop();
    this.ptys = null;
    this.portsOpened = false;
  }

  /** Resolves once every scheduled act of the visits so far has happened. */
  async settled(): Promise<void> {
    while (this.pending.size > 0) await new Promise((r) => setTimeout(r, 50));
  }

  /**
   * One visit somewhere: a cabinet board, or a desk or shred bin where a badge comes first and
   * files are scanned after it (so the workflows at those places run end to end), or a lone read.
   */
  visit(): void {
    const places = this.placesWithReaderAndScanner();
    const targets = this.boards.length + places.length + this.serialDevices.length;
    if (targets === 0 || this.options.badges.length === 0) return;
    const pick = Math.floor(Math.random() * targets);
    if (pick < this.boards.length) this.visitBoard(this.boards[pick]!);
    else if (pick < this.boards.length + places.length) this.visitPlace(places[pick - this.boards.length]!);
    else this.visitSerial(this.serialDevices[pick - this.boards.length - places.length]!);
  }

  /** Desks and shred bins that have both a badge reader and a scanner. */
  private placesWithReaderAndScanner(): { reader: string; scanner: string }[] {
    const { office } = this.options;
    return [...office.desks, ...office.shred_bins]
      .filter((p): p is typeof p & { reader: string; scanner: string } => !!p.reader && !!p.scanner)
      .map((p) => ({ reader: p.reader, scanner: p.scanner }));
  }

  /** A badge at the reader, then one or two files at the scanner of the same place. */
  private visitPlace(place: { reader: string; scanner: string }): void {
    const badge = pickOne(this.options.badges);
    this.later(0, () => this.actAt(place.reader, { kind: 'badge', uidHex: badge }));
    if (this.options.barcodes.length === 0) return;
    const files = 1 + Math.floor(Math.random() * 2);
    for (let i = 0; i < files; i++) {
      const barcode = pickOne(this.options.barcodes);
      this.later(800 + i * 700, () => this.actAt(place.scanner, { kind: 'barcode', data: barcode }));
    }
  }

  /** Performs an act at one device, over whatever transport it has. */
  private actAt(deviceId: string, act: SimulatedAct): void {
    const device = this.options.office.devices.find((d) => d.id === deviceId);
    if (!device) return;
    const t = device.transport;
    if (t.type === 'mqtt') {
      const board = this.boards.find((b) => b.topic === t.topic && b.firmware === t.firmware);
      if (board) this.publish(board, act);
      return;
    }
    if (t.type !== 'serial' || !this.ptys?.has(t.path)) return;
    if (act.kind === 'badge') {
      const bytes =
        t.protocol === 'rdm6300'
          ? rdm6300Frame(act.uidHex)
          : Buffer.from(wiegandText(act.uidHex, device.credential_format ?? 'w26') + lineTerminator(t), 'latin1');
      void this.ptys.write(t.path, bytes);
    } else if (act.kind === 'barcode') {
      void this.ptys.write(t.path, Buffer.from(act.data + lineTerminator(t), 'latin1'));
    }
  }

  /** One visit at every board and serial device: shows every configured device working. */
  tour(): void {
    if (this.options.badges.length === 0) return;
    for (const board of this.boards) this.visitBoard(board);
    for (const device of this.serialDevices) this.visitSerial(device);
  }

  /**
   * One cabinet visit: a badge, the lock opening, the door open for a while (a file label scanned
   * meanwhile, where the board has a scanner), then shut and locked.
   */
  private visitBoard(board: SimulatedBoard): void {
    const badge = pickOne(this.options.badges);
    const has = (...roles: string[]) => roles.some((r) => board.roles.includes(r) || board.roles.includes('combo'));
    const script: [number, SimulatedAct][] = [
      [0, { kind: 'badge', uidHex: badge }],
      [150, { kind: 'lock', state: 'unlocked' }],
      [600, { kind: 'door', state: 'open' }],
      [2000, { kind: 'barcode', data: this.options.barcodes.length > 0 ? pickOne(this.options.barcodes) : '' }],
      [4000, { kind: 'door', state: 'closed' }],
      [4300, { kind: 'lock', state: 'locked' }],
    ];
    const possible = script.filter(([, act]) => {
      if (act.kind === 'badge') return has('badge_reader');
      if (act.kind === 'lock') return has('lock');
      if (act.kind === 'barcode') return act.data !== '' && board.firmware === 'safekeep' && has('barcode_scanner');
      return has('door_sensor', 'lid');
    });
    for (const [delay, act] of possible) this.later(delay, () => this.publish(board, act));
  }

  /** A badge held to a serial reader, or a file label scanned at a serial scanner. */
  private visitSerial(device: SerialDevice): void {
    const t = device.transport;
    const path = t.path;
    if (!this.ptys?.has(path)) return;
    if (t.protocol === 'rdm6300') {
      const frame = rdm6300Frame(pickOne(this.options.badges));
      // Held for a moment: the reader repeats the frame, the server's debounce makes it one read.
      for (let i = 0; i < 3; i++) this.later(i * RDM6300_REPEAT_MS, () => void this.ptys?.write(path, frame));
      return;
    }
    if (t.protocol === 'wiegand-lines') {
      const text = wiegandText(pickOne(this.options.badges), device.credential_format ?? 'w26');
      this.later(0, () => void this.ptys?.write(path, Buffer.from(text + lineTerminator(t), 'latin1')));
      return;
    }
    if (this.options.barcodes.length === 0) return;
    const line = Buffer.from(pickOne(this.options.barcodes) + lineTerminator(t), 'latin1');
    this.later(0, () => void this.ptys?.write(path, line));
  }

  publish(board: SimulatedBoard, act: SimulatedAct): void {
    const client = this.clients.get(board) ?? this.client;
    if (!client) return;
    const message = firmwareMessage(board, act, { now: this.options.clock.now(), boot: this.boot, seq: this.seq++ });
    client.publish(message.topic, message.payload, { qos: 1, retain: false });
  }

  private later(delayMs: number, act: () => void): void {
    const t = setTimeout(() => {
      this.pending.delete(t);
      act();
    }, delayMs);
    this.pending.add(t);
  }
}

function pickOne<T>(items: readonly T[]): T {
  return items[Math.floor(Math.random() * items.length)]!;
}
