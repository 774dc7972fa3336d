import type { OfficeConfig } from '../../server/config/office-schema';
import { transportIp } from '../commands/device-commander';
import { BoardError, boardsOf, type Board } from './boards';
import type { BrokerAddress } from './broker';
import { formatCredentials, isValidMqttUsername, mergeCredentials, parseCredentials, randomPassword } from './credentials';
import { espRfidConfigText } from './esp-rfid';
import { esphomeSecretsTemplate, esphomeYaml } from './esphome';
import { safekeepConfigText } from './safekeep';
import { tasmotaConfigText } from './tasmota';

/**
 * Everything `safekeep firmware-config generate` writes, computed without touching the disk:
 * the CLI writes the files, the tests read them from memory.
 */

export interface GeneratedFile {
  /** Relative to the output directory, with forward slashes. */
  path: string;
  content: string;
  /** 0o600 for anything holding a password. */
  mode: number;
  /** Left alone when the file already exists (filled-in secrets). */
  keepIfExists?: boolean;
}

export interface GenerateOptions {
  broker: BrokerAddress;
  /** The current DIR/credentials.csv, if any: its passwords are kept. */
  existingCredentials?: string;
  /** Injected for tests; defaults to crypto-random passwords. */
  newPassword?: () => string;
  /** ESPHome's PlatformIO board id. */
  esphomeBoard?: string;
}

export interface GenerateResult {
  files: GeneratedFile[];
  boards: Board[];
  created: string[];
  removed: string[];
  /** Things the installer must fix or know; the CLI prints them. */
  warnings: string[];
}

export const CREDENTIALS_FILE = 'credentials.csv';

const FOLDER: Record<Board['firmware'], string> = { esphome: 'esphome', tasmota: 'tasmota', 'esp-rfid': 'esp-rfid', safekeep: 'safekeep' };
const EXTENSION: Record<Board['firmware'], string> = { esphome: 'yaml', tasmota: 'txt', 'esp-rfid': 'json', safekeep: 'json' };

export function boardFilePath(board: Board): string {
  return `${FOLDER[board.firmware]}/${board.name}.${EXTENSION[board.firmware]}`;
}

export function generateFirmwareConfigs(office: OfficeConfig, options: GenerateOptions): GenerateResult {
  const boards = boardsOf(office);
  for (const b of boards) {
    if (!isValidMqttUsername(b.username)) throw new BoardError(`board "${b.name}": MQTT username "${b.username}" may only use letters, digits and . _ @ -`);
  }
  const existing = options.existingCredentials === undefined ? [] : parseCredentials(options.existingCredentials);
  const merged = mergeCredentials(boards, existing, options.newPassword ?? (() => randomPassword()));
  const passwords = new Map(merged.credentials.map((c) => [c.board, c.password]));

  const files: GeneratedFile[] = [{ path: CREDENTIALS_FILE, content: formatCredentials(merged.credentials), mode: 0o600 }];
  for (const board of boards) {
    const password = passwords.get(board.name) ?? '';
    const content = configText(board, options, password);
    files.push({ path: boardFilePath(board), content, mode: 0o600 });
  }
  if (boards.some((b) => b.firmware === 'esphome')) {
    files.push({ path: 'esphome/secrets.yaml', content: esphomeSecretsTemplate(), mode: 0o600, keepIfExists: true });
  }
  return { files, boards, created: merged.created, removed: merged.removed, warnings: warningsFor(office, boards) };
}

function configText(board: Board, options: GenerateOptions, password: string): string {
  switch (board.firmware) {
    case 'esphome':
      return esphomeYaml(board, { broker: options.broker, password, ...(options.esphomeBoard ? { board: options.esphomeBoard } : {}) });
    case 'tasmota':
      return tasmotaConfigText(board, options.broker, password);
    case 'esp-rfid':
      return espRfidConfigText(board, options.broker, password);
    case 'safekeep':
      return safekeepConfigText(board, options.broker, password);
  }
}

function warningsFor(office: OfficeConfig, boards: readonly Board[]): string[] {
  const warnings: string[] = [];
  for (const board of boards) {
    if (board.scanner && board.firmware !== 'safekeep') {
      warnings.push(`${board.scanner.id}: ${board.firmware} boards have no barcode scanner support; no config was generated for it`);
    }
    if (board.firmware === 'esp-rfid' && board.lock && !transportIp(board.lock)) {
      warnings.push(`${board.lock.id}: the server cannot open an esp-rfid lock without the controller's IP (transport ip in the office file)`);
    }
    const extra = board.devices.filter((d) => d !== board.reader?.device && d !== board.contact?.device && d !== board.lock && d !== board.scanner);
    for (const d of extra) warnings.push(`${d.id}: a second ${d.role} on board ${board.name}; the generated config wires only the first`);
  }
  const local = office.devices.filter((d) => d.transport.type !== 'mqtt').length;
  if (local > 0) warnings.push(`${local} serial/USB device(s) need no firmware config: see the udev rules in firmware-config/INSTALL.md`);
  return warnings;
}
