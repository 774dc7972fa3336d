import { Simulator } from '../../devices/simulator/simulator';
import { DEMO_PEOPLE, DEMO_RECORD_COUNT, demoBarcode } from '../demo/seed';
import { systemClock } from '../shared/clock';
import { MqttCredentialStore } from '../broker/credential-store';
import { simulatorLogins } from '../broker/office-accounts';
import { UsageError, type CliContext } from './context';
import { toolBroker, untilSignal } from './devices-command';

const PORT_SETTLE_MS = 1000;

export interface SimulateOptions {
  /** Mean milliseconds between visits (between tours with --rounds). */
  interval?: string;
  /** Tour every device this many times, then exit; without it, random visits until Ctrl+C. */
  rounds?: string;
  /** Commander's --no-serial. */
  serial?: boolean;
}

/**
 * `safekeep simulate`: simulated devices for the configured office, without a server. MQTT boards
 * publish firmware payloads to the office's broker (started here if it is the embedded one and
 * nothing runs it); serial devices get socat pseudo-terminals at their configured paths. The
 * badges and labels are the demo office's.
 */
export async function simulateCommand(ctx: CliContext, opts: SimulateOptions): Promise<number> {
  const interval = positive(opts.interval ?? '2000', '--interval');
  const rounds = opts.rounds === undefined ? undefined : positive(opts.rounds, '--rounds');
  const broker = await toolBroker(ctx.env, ctx.logger, ctx.office.devices.some((d) => d.transport.type === 'mqtt'), ctx.office);
  const simulator = new Simulator({
    office: ctx.office,
    clock: systemClock,
    logger: ctx.logger,
    badges: DEMO_PEOPLE.map((p) => p.badge),
    barcodes: Array.from({ length: DEMO_RECORD_COUNT }, (_, i) => demoBarcode(i + 1)),
    intervalMs: interval,
    serial: opts.serial !== false,
  });
  try {
    // Each simulated board logs in as that board (a board flashed from firmware-config is skipped).
    const logins = simulatorLogins({ store: MqttCredentialStore.open(ctx.env.dataDir), office: ctx.office, logger: ctx.logger });
    await simulator.start({ mqttUrl: broker.url, loop: rounds === undefined, logins });
    if (rounds === undefined) {
      console.log(`Simulating ${ctx.office.devices.length} devices of "${ctx.office.office.name}"; press Ctrl+C to stop.`);
      await untilSignal();
    } else {
      // Serial transports look for a missing port every 250 ms: let them find the new terminals,
      // or the first round's bytes land before anyone reads them.
      if (ctx.office.devices.some((d) => d.transport.type === 'serial')) await new Promise((r) => setTimeout(r, PORT_SETTLE_MS));
      for (let round = 0; round < rounds; round++) {
        simulator.tour();
        await new Promise((r) => setTimeout(r, interval));
      }
      await simulator.settled();
      console.log(`Simulated ${rounds} round${rounds === 1 ? '' : 's'} at every device.`);
    }
  } finally {
    await simulator.stop();
    await broker.close();
  }
  return 0;
}

function positive(text: string, option: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n <= 0) throw new UsageError(`${option} must be a positive whole number, got "${text}"`);
  return n;
}
