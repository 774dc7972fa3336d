import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SerialTransport } from '../../../devices/transports/serial-transport';
import { SerialPtys } from '../../../devices/simulator/serial-ptys';
import { rdm6300Frame } from '../../../devices/simulator/serial-payloads';
import { systemClock } from '../../../server/shared/clock';
import { silentLogger } from '../../../server/shared/logger';
import { capturingLogger, CollectingSink, serialDevice, sleep, socatReady, waitFor } from './support';

/**
 * The serial transport against real pseudo-terminals: socat makes the pair, the transport opens one
 * end through the real serialport binding, the test writes device bytes into the other end.
 */
describe.runIf(socatReady())('serial transport through socat pseudo-terminals', () => {
  let dir: string;
  let ptys: SerialPtys;
  let transport: SerialTransport | null = null;
  const port = (name: string) => path.join(dir, name);

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'safekeep-serial-'));
  });
  afterEach(async () => {
    await transport?.stop();
    transport = null;
    await ptys?.stop();
  });

  async function startPorts(...names: string[]): Promise<void> {
    ptys = new SerialPtys({ paths: names.map(port), logger: silentLogger });
    await ptys.start();
  }

  function startTransport(devices: ReturnType<typeof serialDevice>[], sink: CollectingSink, logger = silentLogger): SerialTransport {
    transport = new SerialTransport({ devices, sink, clock: systemClock, logger });
    transport.start();
    return transport;
  }

  const write = (name: string, bytes: Buffer | string) => ptys.write(port(name), typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : bytes);
  const online = (sink: CollectingSink, id: string) => sink.events(id, 'availability').filter((e) => e.kind === 'availability' && e.state === 'online').length;

  it('reads an RDM6300 frame written in fragments, and back-to-back frames', async () => {
    await startPorts('reader');
    const sink = new CollectingSink();
    startTransport([serialDevice('desk-reader', port('reader'), 'rdm6300')], sink);
    await waitFor(() => online(sink, 'desk-reader') === 1, 3000, 'port open');

    const frame = rdm6300Frame('1A2B3C01');
    for (const piece of [frame.subarray(0, 3), frame.subarray(3, 9), frame.subarray(9)]) {
      await write('reader', piece);
      await sleep(15);
    }
    await waitFor(() => sink.reads().length === 1, 3000, 'fragmented frame');
    expect(sink.reads()[0]).toMatchObject({
      kind: 'badge',
      deviceId: 'desk-reader',
      credential: { canonical: '1A2B3C01', format: 'em4100', raw: '141A2B3C01' },
    });
    expect(sink.reads()[0]!.idempotencyKey).toMatch(/^desk-reader:[0-9a-f]{24}:\d+$/);

    // The reader repeats while the tag is held: every frame is a read here, the registry debounces.
    await write('reader', Buffer.concat([rdm6300Frame('1A2B3C02'), rdm6300Frame('1A2B3C02')]));
    await waitFor(() => sink.reads().length === 3, 3000, 'back-to-back frames');
    expect(transport!.status()[0]).toMatchObject({ open: true, reads: 3, garbage: 0 });
  });

  it('reads scanner lines with their AIM identifier, and Wiegand adapter lines as badges', async () => {
    await startPorts('scanner', 'wiegand');
    const sink = new CollectingSink();
    startTransport(
      [
        serialDevice('desk-scanner', port('scanner'), 'lines', { line_terminator: 'crlf' }),
        serialDevice('reception-reader', port('wiegand'), 'wiegand-lines', { line_terminator: 'lf', credential_format: 'w26' }),
      ],
      sink,
    );
    await waitFor(() => online(sink, 'desk-scanner') === 1 && online(sink, 'reception-reader') === 1, 3000, 'ports open');
    await write('scanner', ']C0SK-000123\r\nSK-0');
    await sleep(20);
    await write('scanner', '00124\r\n');
    // 0x2B3C01 = 2833409: the low 24 bits of 1A2B3C01, as a W26 adapter prints them; then the raw
    // 26-bit burst of 142/51091 (devices.md §1); then a line that is no W26 credential.
    await write('wiegand', '2833409\n01000111011000111100100110\nhello\n');
    await waitFor(() => sink.reads().length === 4, 3000, 'four reads');
    expect(sink.reads('desk-scanner')).toEqual([
      expect.objectContaining({ kind: 'barcode', data: 'SK-000123', symbology: ']C0' }),
      expect.objectContaining({ kind: 'barcode', data: 'SK-000124' }),
    ]);
    expect(sink.reads('reception-reader')).toEqual([
      expect.objectContaining({ kind: 'badge', credential: { canonical: '2B3C01', raw: '2833409', format: 'w26' } }),
      expect.objectContaining({ kind: 'badge', credential: expect.objectContaining({ canonical: '8EC793', format: 'w26' }) }),
    ]);
    await waitFor(() => sink.rejections.length === 1, 3000, 'rejection');
    expect(sink.rejections[0]).toMatchObject({ deviceId: 'reception-reader', reason: 'line is not a w26 credential' });
  });

  it('counts garbage on the line, logs it once per burst, and still reads the frame after it', async () => {
    await startPorts('noisy');
    const sink = new CollectingSink();
    const logger = capturingLogger();
    startTransport([serialDevice('noisy-reader', port('noisy'), 'rdm6300')], sink, logger);
    await waitFor(() => online(sink, 'noisy-reader') === 1, 3000, 'port open');
    for (let i = 0; i < 5; i++) {
      await write('noisy', Buffer.from([0xff, 0x00, 0x41, 0x42, 0x0d, 0x0a]));
      await sleep(10);
    }
    // A frame with a bad checksum, then a good one.
    const bad = Buffer.from(rdm6300Frame('1A2B3C03'));
    bad[11] = 0x30;
    await write('noisy', Buffer.concat([bad, rdm6300Frame('1A2B3C03')]));
    await waitFor(() => sink.reads().length === 1, 3000, 'frame after garbage');
    await waitFor(() => transport!.status()[0]!.garbage >= 31, 3000, 'garbage counted');
    expect(sink.reads()[0]).toMatchObject({ credential: { canonical: '1A2B3C03' } });
    expect(logger.entries.filter((e) => e.msg === 'garbage on serial line')).toHaveLength(1);
  });

  it('reconnects within 2 s after socat is killed mid-frame and restarted; the half frame is no read', async () => {
    await startPorts('flaky');
    const sink = new CollectingSink();
    startTransport([serialDevice('flaky-reader', port('flaky'), 'rdm6300')], sink);
    await waitFor(() => online(sink, 'flaky-reader') === 1, 3000, 'port open');

    const frame = rdm6300Frame('1A2B3C04');
    await write('flaky', frame.subarray(0, 7));
    await sleep(30);
    await ptys.kill(port('flaky'), 'SIGKILL');
    await waitFor(() => sink.events('flaky-reader', 'availability').some((e) => e.kind === 'availability' && e.state === 'offline'), 3000, 'offline');

    await sleep(600); // the cable stays out for a while: the transport is polling by now
    await ptys.create(port('flaky'));
    const restarted = Date.now();
    await waitFor(() => online(sink, 'flaky-reader') === 2, 2000, 'reconnect within 2 s');
    const reconnectMs = sink.messages.at(-1)!.at - restarted;
    console.info(`serial reconnect after socat restart: ${reconnectMs} ms`);
    expect(reconnectMs).toBeLessThan(2000);

    // The rest of the interrupted frame arrives on the new connection: garbage, not a read.
    await write('flaky', frame.subarray(7));
    await write('flaky', rdm6300Frame('1A2B3C05'));
    await waitFor(() => sink.reads().length === 1, 3000, 'read after reconnect');
    await sleep(100);
    expect(sink.reads().map((e) => (e.kind === 'badge' ? e.credential.canonical : ''))).toEqual(['1A2B3C05']);
    expect(transport!.status()[0]).toMatchObject({ connects: 2, reads: 1 });
    // 1 cut-off frame before the kill + 7 stray bytes after.
    expect(transport!.status()[0]!.garbage).toBeGreaterThanOrEqual(8);
  });

  it('keeps reading one device while another device’s port has vanished', async () => {
    await startPorts('left', 'right');
    const sink = new CollectingSink();
    startTransport([serialDevice('left-reader', port('left'), 'rdm6300'), serialDevice('right-scanner', port('right'), 'lines', { line_terminator: 'cr' })], sink);
    await waitFor(() => online(sink, 'left-reader') === 1 && online(sink, 'right-scanner') === 1, 3000, 'ports open');
    await ptys.kill(port('left'), 'SIGKILL');
    await waitFor(() => sink.events('left-reader', 'availability').length === 2, 3000, 'left offline');
    for (let i = 1; i <= 3; i++) {
      await write('right', `SK-00000${i}\r`);
      await sleep(200);
    }
    await waitFor(() => sink.reads('right-scanner').length === 3, 3000, 'right keeps reading');
    expect(transport!.status().find((s) => s.deviceId === 'left-reader')).toMatchObject({ open: false });
  });

  it('waits for a port that does not exist yet, without blocking start', async () => {
    ptys = new SerialPtys({ paths: [], logger: silentLogger });
    const sink = new CollectingSink();
    startTransport([serialDevice('late-reader', port('late'), 'rdm6300')], sink);
    await sleep(400);
    expect(sink.messages).toHaveLength(0);
    await ptys.create(port('late'));
    const created = Date.now();
    await waitFor(() => online(sink, 'late-reader') === 1, 2000, 'late port opened');
    expect(Date.now() - created).toBeLessThan(2000);
    await write('late', rdm6300Frame('1A2B3C06'));
    await waitFor(() => sink.reads().length === 1, 3000, 'read from late port');
  });
});
