import type { Device as DeviceConfig, SerialTransport as SerialConfig } from '../../server/config/office-schema';
import type { DeviceEvent } from '../../server/ingest/device-event';
import type { Clock } from '../../server/shared/clock';
import type { Logger } from '../../server/shared/logger';
import type { DecodedRead } from '../decoders/types';
import { Backoff } from '../registry/backoff';
import type { DeviceSink } from '../registry/device-sink';
import { readKey, stateKey } from '../registry/read-key';
import type { BurstLogger } from './burst-logger';
import { serialDecoding, type SerialDecoding } from './serial-decoding';
import { isNetworkPath, openSource, sourcePresent, type ByteSource, type SerialBinding } from './serial-source';

export interface SerialLinkOptions {
  device: DeviceConfig & { transport: SerialConfig };
  sink: DeviceSink;
  clock: Clock;
  logger: Logger;
  problems: BurstLogger;
  binding?: SerialBinding;
  /** How often a missing port is looked for: a replugged reader is read again within this. */
  presencePollMs?: number;
  backoffInitialMs?: number;
  backoffMaxMs?: number;
}

export interface SerialLinkStatus {
  deviceId: string;
  path: string;
  open: boolean;
  reads: number;
  garbage: number;
  connects: number;
  lastError: string | null;
}

/**
 * One serial device, kept open for as long as the transport runs: opened when its port is there,
 * reopened after every disconnect (unplug, socat gone, bridge rebooted), with back-off while
 * opening fails. Every failure stays inside this object: nothing it does can throw into the
 * server or stop another device.
 */
export class SerialLink {
  private source: ByteSource | null = null;
  private decoding: SerialDecoding | null = null;
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  private readonly backoff: Backoff;
  private readonly log: Logger;
  private readonly stats = { reads: 0, garbage: 0, connects: 0, lastError: null as string | null };

  constructor(private readonly options: SerialLinkOptions) {
    this.backoff = new Backoff(options.backoffInitialMs ?? 250, options.backoffMaxMs ?? 5000);
    this.log = options.logger.child({ deviceId: options.device.id, path: options.device.transport.path });
  }

  get deviceId(): string {
    return this.options.device.id;
  }

  start(): void {
    this.running = true;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const source = this.source;
    this.detach();
    await source?.close();
  }

  status(): SerialLinkStatus {
    return { deviceId: this.deviceId, path: this.options.device.transport.path, open: this.source !== null, ...this.stats };
  }

  private schedule(delayMs: number): void {
    if (!this.running) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.attempt();
    }, delayMs);
  }

  private async attempt(): Promise<void> {
    const { path, baud_rate: baudRate } = this.options.device.transport;
    if (!(await sourcePresent(path))) {
      // Polling for the port is a stat call: cheap enough to do often, so a replugged reader (or
      // a restarted socat) is open again well within two seconds. Opening is what backs off.
      this.backoff.reset();
      this.schedule(this.options.presencePollMs ?? 250);
      return;
    }
    let source: ByteSource;
    try {
      source = await openSource({ path, baudRate, ...(this.options.binding ? { binding: this.options.binding } : {}) });
    } catch (err) {
      this.stats.lastError = message(err);
      this.options.problems.report(`${this.deviceId}:open`, { deviceId: this.deviceId, path, err: message(err) }, 'cannot open serial device; retrying');
      this.schedule(this.backoff.next());
      return;
    }
    if (!this.running) {
      await source.close();
      return;
    }
    this.attach(source);
  }

  private attach(source: ByteSource): void {
    const { device } = this.options;
    const decoding = serialDecoding(device.transport, device.credential_format);
    this.source = source;
    this.decoding = decoding;
    this.stats.connects++;
    this.stats.lastError = null;
    this.backoff.reset();
    this.log.info({ protocol: device.transport.protocol }, 'serial device open');
    this.availability('online');

    let counted = 0;
    const countGarbage = () => {
      const total = decoding.garbage();
      if (total === counted) return;
      this.stats.garbage += total - counted;
      counted = total;
      this.options.problems.report(`${this.deviceId}:garbage`, { deviceId: this.deviceId, garbage: this.stats.garbage }, 'garbage on serial line');
    };
    decoding.parser.on('data', (output: unknown) => this.onOutput(decoding, output));
    decoding.parser.on('error', (err: Error) => this.onError(source, err));
    // The parser ends when the connection does: what it flushes then (half a frame) is garbage.
    decoding.parser.on('finish', countGarbage);
    source.stream.pipe(decoding.parser, { end: false });
    // Registered after pipe, so the parser has taken each chunk by the time garbage is counted.
    source.stream.on('data', countGarbage);
    source.stream.on('error', (err: Error) => this.onError(source, err));
    source.stream.on('close', () => this.onClosed(source));
    // A socket bridge ends cleanly when the bridge restarts: that is a disconnect too.
    source.stream.on('end', () => this.onClosed(source));
    if (!isNetworkPath(device.transport.path)) this.watchPresence(source);
  }

  private onOutput(decoding: SerialDecoding, output: unknown): void {
    if (decoding !== this.decoding) return;
    const result = decoding.toRead(output);
    if ('rejected' in result) {
      this.options.problems.report(`${this.deviceId}:invalid`, { deviceId: this.deviceId }, result.rejected);
      this.options.sink.rejected(this.deviceId, result.rejected);
      return;
    }
    this.stats.reads++;
    this.emit(result.read);
  }

  private emit(read: DecodedRead): void {
    const receivedAt = this.options.clock.now();
    const { dedupeHint: _hint, ...fields } = read;
    const payload = read.kind === 'badge' ? read.credential.canonical : read.kind === 'barcode' ? `${read.symbology ?? ''}${read.data}` : JSON.stringify(fields);
    const event = { ...fields, deviceId: this.deviceId, idempotencyKey: readKey(this.deviceId, read.kind, payload, receivedAt) } as DeviceEvent;
    this.options.sink.read({ event, receivedAt });
  }

  private onError(source: ByteSource, err: Error): void {
    this.stats.lastError = err.message;
    this.options.problems.report(`${this.deviceId}:error`, { deviceId: this.deviceId, err: err.message }, 'serial device error');
    // serialport follows an I/O error with 'close'; a stream that does not is closed here.
    if (this.source === source) void source.close().finally(() => this.onClosed(source));
  }

  /**
   * Some platforms never report an unplugged USB adapter as closed (node-serialport#2351); a port
   * whose device node has gone is treated as disconnected whatever the stream says.
   */
  private watchPresence(source: ByteSource): void {
    const check = async () => {
      if (this.source !== source) return;
      if (!(await sourcePresent(this.options.device.transport.path))) {
        this.onError(source, new Error('device node disappeared'));
        return;
      }
      setTimeout(() => void check(), 1000).unref();
    };
    setTimeout(() => void check(), 1000).unref();
  }

  private onClosed(source: ByteSource): void {
    if (this.source !== source) return;
    this.detach();
    this.log.warn({ err: this.stats.lastError }, 'serial device disconnected; reconnecting');
    this.availability('offline');
    void source.close();
    this.schedule(this.backoff.next());
  }

  /** Drops the current connection's parser: a half frame is counted as garbage and never read. */
  private detach(): void {
    const { source, decoding } = this;
    this.source = null;
    this.decoding = null;
    if (source && decoding) {
      source.stream.unpipe(decoding.parser);
      decoding.parser.end();
    }
  }

  private availability(state: 'online' | 'offline'): void {
    const receivedAt = this.options.clock.now();
    const event: DeviceEvent = { kind: 'availability', state, deviceId: this.deviceId, idempotencyKey: stateKey(this.deviceId, 'availability', state, receivedAt) };
    this.options.sink.read({ event, receivedAt });
  }
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
