import { Command, CommanderError } from 'commander';
import { describeFailure, loadContext } from './context';
import { logBundle, logCheckpoint, logKeyHistory, logRotateKey, logVerifierKey, logVerify, logVerifyBundle } from './log-commands';
import { importCommand } from './import-command';
import { demoCommand, serveCommand } from './serve-command';

/** `npx safekeep …`: returns the exit code instead of exiting, so tests can call it in-process. */
export async function main(argv: string[]): Promise<number> {
  let exitCode = 0;
  const program = new Command('safekeep')
    .description('Safekeep: custody of paper client files, on a verifiable custody log')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  const run = (action: () => Promise<number> | number) => async () => {
    exitCode = await action();
  };

  program
    .command('serve')
    .description('run the server for real use (npm start)')
    .option('--tls', 'serve HTTPS with a self-signed certificate made for this machine (unless SAFEKEEP_TLS_CERT/KEY are set)')
    .action(async (opts: { tls?: boolean }) => {
      exitCode = await serveCommand(loadContext(), opts);
    });
  program
    .command('demo')
    .description('seed a demo office and run it with simulated readers (npm run demo)')
    .action(run(() => demoCommand()));
  program
    .command('import')
    .description('import people, badges or records from CSV: all rows or none')
    .argument('<kind>', 'people | badges | records')
    .argument('<file>', 'CSV file with a header row')
    .action(async (kind: string, file: string) => {
      exitCode = await importCommand(loadContext(), kind, file);
    });

  const devices = program.command('devices').description('installer diagnostics for readers, scanners, locks and sensors');
  devices
    .command('list')
    .description('configured devices, and the serial ports and HID devices on this machine, with their state')
    .option('--json', 'print JSON instead of tables')
    .action(async (opts: { json?: boolean }) => {
      const { devicesListCommand } = await import('./devices-command');
      exitCode = await devicesListCommand(loadContext(), opts);
    });
  devices
    .command('watch')
    .description('start the device transports (no database) and print each decoded read as one JSON line')
    .action(async () => {
      const { devicesWatchCommand } = await import('./devices-command');
      exitCode = await devicesWatchCommand(loadContext());
    });

  program
    .command('simulate')
    .description('simulated devices for the configured office: MQTT firmware payloads and serial pseudo-terminals (socat)')
    .option('--interval <ms>', 'mean time between visits', '2000')
    .option('--rounds <n>', 'visit every device n times, then exit')
    .option('--no-serial', 'simulate MQTT devices only')
    .action(async (opts: { interval?: string; rounds?: string; serial?: boolean }) => {
      const { simulateCommand } = await import('./simulate-command');
      exitCode = await simulateCommand(loadContext(), opts);
    });

  program
    .command('firmware-config')
    .description('configurations for the office\'s controller boards')
    .command('generate')
    .description('write ESPHome, Tasmota, esp-rfid and Safekeep board configs and per-board MQTT credentials')
    .requiredOption('--out <dir>', 'output directory; its credentials.csv is reused, so passwords stay stable')
    .option('--broker <host[:port]>', 'broker address the boards use (default: MQTT_URL host)')
    .option('--esphome-board <id>', 'PlatformIO board id for ESPHome nodes', 'esp32dev')
    .action(async (opts: { out: string; broker?: string; esphomeBoard?: string }) => {
      const { firmwareConfigGenerate } = await import('./firmware-command');
      exitCode = firmwareConfigGenerate(loadContext(), opts);
    });

  program
    .command('user')
    .description('sign-in accounts')
    .command('add')
    .description('create an account; the password is read from SAFEKEEP_NEW_PASSWORD or standard input')
    .requiredOption('--username <name>')
    .option('--role <role>', 'reception | staff | manager | admin', 'staff')
    .option('--kiosk', 'the reception kiosk account (it can only do what the kiosk needs)')
    .action(async (opts: { username: string; role: string; kiosk?: boolean }) => {
      const { userAdd } = await import('./user-command');
      exitCode = await userAdd(loadContext(), opts);
    });

  const broker = program.command('broker').description('MQTT accounts and topic access of the office\'s boards');
  broker
    .command('mosquitto-config')
    .description('write a Mosquitto 2.0 password file, ACL and listener config for the configured boards and the server')
    .requiredOption('--out <dir>', 'output directory for passwd, acl and mosquitto.conf')
    .option('--port <port>', 'listener port (default: MQTT_URL\'s port, else 1883)')
    .option('--bind <address>', 'listen address (default: all interfaces)')
    .action(async (opts: { out: string; port?: string; bind?: string }) => {
      const { brokerMosquittoConfig } = await import('./broker-command');
      exitCode = brokerMosquittoConfig(loadContext(), opts);
    });
  broker
    .command('forget')
    .description('drop a board\'s MQTT password; the next firmware-config generate issues a new one')
    .argument('<board>', 'board name, as in credentials.csv')
    .action(async (board: string) => {
      const { brokerForget } = await import('./broker-command');
      exitCode = brokerForget(loadContext(), board);
    });

  const log = program.command('log').description('the custody log');
  log
    .command('verify')
    .description('re-derive the whole log and check it against every signed checkpoint')
    .option('--key <verifier-key>', 'verifier key to trust (default: this office key); any key of the key history will do')
    .option('--key-history <file>', 'key history to check retired keys with (default: this office\'s)')
    .action(async (opts: { key?: string; keyHistory?: string }) => {
      exitCode = await logVerify(loadContext(), opts);
    });
  log.command('checkpoint').description('sign a checkpoint now and print it').action(run(() => logCheckpoint(loadContext())));
  log
    .command('bundle')
    .description("write one record's custody bundle")
    .argument('<barcode>')
    .requiredOption('--out <file>', 'where to write the bundle')
    .action(async (barcode: string, opts: { out: string }) => {
      exitCode = await logBundle(loadContext(), barcode, opts.out);
    });
  log
    .command('verify-bundle')
    .description('verify a custody bundle offline, without the database')
    .argument('<file>')
    .option('--key <verifier-key>', 'the verifier key you trust')
    .option('--key-history <file>', 'the office\'s key history, for a bundle signed by a key other than the one you trust')
    .action((file: string, opts: { key?: string; keyHistory?: string }) => {
      exitCode = logVerifyBundle(file, opts);
    });
  log
    .command('verifier-key')
    .description('print the verifier key string')
    .option('--all', 'also list retired keys, with the checkpoint sizes each one signed')
    .action(async (opts: { all?: boolean }) => {
      exitCode = await logVerifierKey(loadContext(), opts);
    });
  log
    .command('key-history')
    .description('write the key history auditors need to check checkpoints signed by retired keys')
    .requiredOption('--out <file>', 'where to write it')
    .action(async (opts: { out: string }) => {
      exitCode = await logKeyHistory(loadContext(), opts.out);
    });
  log
    .command('rotate-key')
    .description('replace the checkpoint signing key; the rotation is logged and signed by the old and the new key')
    .action(run(() => logRotateKey(loadContext())));

  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 2;
    const failure = describeFailure(err);
    console.error(failure.message);
    return failure.exitCode;
  }
}
