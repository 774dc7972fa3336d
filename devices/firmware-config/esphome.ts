import { createHash } from 'node:crypto';
import { esphomeLockTopics } from '../commands/firmware-commands';
import { MAX_UNLOCK_SECONDS } from '../commands/lock-command';
import type { Board } from './boards';
import { Lambda, Secret, toEsphomeYaml } from './esphome-yaml';
import type { BrokerAddress } from './broker';

/**
 * ESPHome node YAML for one board. Every topic here is one the server's esphome decoder reads
 * (devices/decoders/firmware/esphome.ts), pinned explicitly rather than left to ESPHome's
 * name-derived object ids, which have changed between ESPHome releases.
 */

/** ESP32 pins that are free on an esp32dev board and are not boot-strapping pins. */
export const ESPHOME_PINS = {
  rdm6300Rx: 'GPIO16', // UART2 RX ← RDM6300 TX
  wiegandD0: 'GPIO25',
  wiegandD1: 'GPIO26',
  i2cSda: 'GPIO21', // PN532 in I2C mode
  i2cScl: 'GPIO22',
  contact: 'GPIO27', // reed switch to GND, internal pull-up
  relay: 'GPIO23', // lock relay module input
} as const;

export interface EsphomeOptions {
  broker: BrokerAddress;
  password: string;
  /** PlatformIO board id; esp32dev fits most ESP32 DevKit boards. */
  board?: string;
}

/** The topics the YAML publishes on and listens to: the tests feed these to the real decoders. */
export function esphomeTopics(board: Board): { status: string; tag?: string; contact?: string; lock?: ReturnType<typeof esphomeLockTopics> } {
  const prefix = board.topic;
  return {
    status: `${prefix}/status`,
    ...(board.reader ? { tag: `${prefix}/${board.reader.kind === 'wiegand' ? 'wiegand' : 'rfid'}` } : {}),
    // The decoder takes binary sensors whose object id contains "door" as door contacts.
    ...(board.contact ? { contact: `${prefix}/binary_sensor/${board.contact.role === 'lid' ? 'lid_door' : 'door'}/state` } : {}),
    ...(board.lock ? { lock: esphomeLockTopics(prefix) } : {}),
  };
}

/** ESPHome node names are hostnames: at most 31 characters here, so they fit every platform. */
export function esphomeNodeName(board: Board): string {
  if (board.name.length <= 31) return board.name;
  const hash = createHash('sha256').update(board.name).digest('hex').slice(0, 6);
  return `${board.name.slice(0, 24).replace(/-+$/, '')}-${hash}`;
}

export function esphomeDocument(board: Board, options: EsphomeOptions): Record<string, unknown> {
  const topics = esphomeTopics(board);
  const doc: Record<string, unknown> = {
    esphome: {
      name: esphomeNodeName(board),
      comment: `Safekeep: ${board.devices.map((d) => d.id).join(', ')}`,
      // A board that reboots comes up locked and says so, rather than leaving its state unknown.
      ...(board.lock ? { on_boot: { priority: -100, then: [{ 'lock.template.publish': { id: 'cabinet_lock', state: 'LOCKED' } }] } } : {}),
    },
    esp32: { board: options.board ?? 'esp32dev' },
    // INFO, not DEBUG: debug logs print every badge number on the serial console.
    logger: { level: 'INFO' },
    ota: [{ platform: 'esphome', password: new Secret('ota_password') }],
    wifi: { ssid: new Secret('wifi_ssid'), password: new Secret('wifi_password') },
    mqtt: mqttBlock(board, options, topics.lock?.pulse),
  };
  Object.assign(doc, readerBlocks(board, topics.tag));
  if (board.contact && topics.contact) {
    doc.binary_sensor = [
      {
        platform: 'gpio',
        id: 'door_contact',
        name: board.contact.role === 'lid' ? 'Lid door' : 'Door',
        device_class: 'door',
        // Reed switch closed (to GND) while the door is shut, so the pin reads high = open = ON.
        pin: { number: ESPHOME_PINS.contact, mode: { input: true, pullup: true } },
        filters: [{ delayed_on_off: '50ms' }],
        state_topic: topics.contact,
      },
    ];
  }
  if (board.lock && topics.lock) Object.assign(doc, lockBlocks(topics.lock));
  return doc;
}

function mqttBlock(board: Board, options: EsphomeOptions, pulseTopic: string | undefined): Record<string, unknown> {
  const status = `${board.topic}/status`;
  return {
    broker: options.broker.host,
    port: options.broker.port,
    username: board.username,
    password: options.password,
    client_id: esphomeNodeName(board),
    topic_prefix: board.topic,
    discovery: false,
    // No persistent session: the broker must not hold a pulse for an offline board and replay
    // it when the board returns, opening a cabinet nobody is standing at.
    clean_session: true,
    // Logs would go to <prefix>/debug and carry badge numbers: not over the network.
    log_topic: null,
    birth_message: { topic: status, payload: 'online', retain: true },
    will_message: { topic: status, payload: 'offline', retain: true },
    ...(pulseTopic
      ? {
          on_message: [
            {
              topic: pulseTopic,
              qos: 1,
              then: [
                {
                  'script.execute': {
                    id: 'pulse_unlock',
                    seconds: new Lambda(`int s = atoi(x.c_str());\nreturn s < 1 ? 1 : (s > ${MAX_UNLOCK_SECONDS} ? ${MAX_UNLOCK_SECONDS} : s);`),
                  },
                },
              ],
            },
          ],
        }
      : {}),
  };
}

/** on_tag publishes exactly what the esphome decoder reads on <prefix>/wiegand or <prefix>/rfid. */
function readerBlocks(board: Board, tagTopic: string | undefined): Record<string, unknown> {
  if (!board.reader || !tagTopic) return {};
  const publish = (src: string) => [
    { 'mqtt.publish_json': { topic: tagTopic, qos: 1, retain: false, payload: `root["uid"] = x;\nroot["src"] = "${src}";` } },
  ];
  switch (board.reader.kind) {
    case 'wiegand':
      // x is the card number as a decimal string: the decoder reads it as w26/w34 by the reader's format.
      return {
        wiegand: [
          {
            id: 'badge_reader',
            d0: ESPHOME_PINS.wiegandD0,
            d1: ESPHOME_PINS.wiegandD1,
            on_tag: [{ 'mqtt.publish': { topic: tagTopic, qos: 1, retain: false, payload: new Lambda('return x;') } }],
          },
        ],
      };
    case 'pn532':
      // x is "74-10-37-94"; src tells the decoder these are UID bytes.
      return {
        i2c: { sda: ESPHOME_PINS.i2cSda, scl: ESPHOME_PINS.i2cScl },
        pn532_i2c: { id: 'badge_reader', update_interval: '1s', on_tag: publish('pn532') },
      };
    case 'rdm6300':
      // x is the tag as a uint32 (no version byte); src lets the decoder read it as dec10.
      return {
        uart: { id: 'rfid_uart', rx_pin: ESPHOME_PINS.rdm6300Rx, baud_rate: 9600 },
        rdm6300: { id: 'badge_reader', uart_id: 'rfid_uart', on_tag: publish('rdm6300') },
      };
  }
}

/**
 * Relay on = unlocked (energise-to-open, fail-secure). A plain UNLOCK still relocks after
 * MAX_UNLOCK_SECONDS; the pulse topic runs a script that relocks after the asked seconds. LOCK
 * and UNLOCK stop a running pulse, and the template lock stops a pending relock on LOCK.
 */
function lockBlocks(topics: ReturnType<typeof esphomeLockTopics>): Record<string, unknown> {
  const publish = (state: string) => ({ 'lock.template.publish': { id: 'cabinet_lock', state } });
  return {
    output: [{ platform: 'gpio', id: 'lock_relay', pin: ESPHOME_PINS.relay }],
    lock: [
      {
        platform: 'template',
        id: 'cabinet_lock',
        name: 'Lock',
        optimistic: true,
        state_topic: topics.state,
        command_topic: topics.command,
        lock_action: [{ 'script.stop': 'pulse_unlock' }, { 'output.turn_off': 'lock_relay' }],
        unlock_action: [
          { 'script.stop': 'pulse_unlock' },
          { 'output.turn_on': 'lock_relay' },
          { delay: `${MAX_UNLOCK_SECONDS}s` },
          { 'lock.lock': 'cabinet_lock' },
        ],
      },
    ],
    script: [
      {
        id: 'pulse_unlock',
        mode: 'restart',
        parameters: { seconds: 'int' },
        then: [
          { 'output.turn_on': 'lock_relay' },
          publish('UNLOCKED'),
          { delay: new Lambda('return seconds * 1000;') },
          { 'output.turn_off': 'lock_relay' },
          publish('LOCKED'),
        ],
      },
    ],
  };
}

export function esphomeYaml(board: Board, options: EsphomeOptions): string {
  const header = [
    `Safekeep ESPHome node for board "${board.name}" (MQTT topic prefix ${board.topic}).`,
    'Generated by `npx safekeep firmware-config generate`; regenerate rather than edit.',
    'Contains this board\'s MQTT password: keep the file private.',
    'Wi-Fi and OTA passwords come from secrets.yaml next to this file (`!secret`).',
    'Flash: esphome run <this file>. Wiring: firmware-config/INSTALL.md.',
  ];
  return toEsphomeYaml(esphomeDocument(board, options), header);
}

/** secrets.yaml for the esphome folder; written only when missing, so filled-in values survive. */
export function esphomeSecretsTemplate(): string {
  return [
    '# ESPHome secrets for every Safekeep node in this folder. Fill in, keep private.',
    'wifi_ssid: "office-iot"',
    'wifi_password: "change-me"',
    'ota_password: "change-me-too"',
    '',
  ].join('\n');
}
