import { transportIp } from '../commands/device-commander';
import { espRfidCommandTopic } from '../commands/firmware-commands';
import type { Board } from './boards';
import type { BrokerAddress } from './broker';

/**
 * esp-rfid is configured in its web UI (or by restoring a config.json backup). The `mqtt` object
 * below uses the key names esp-rfid's src/config.esp reads (enabled, host, port, topic, user,
 * pswd), so it can be pasted over that section of a backup; `safekeep` explains the settings
 * that have no key we could confirm across esp-rfid versions.
 */
export function espRfidConfig(board: Board, broker: BrokerAddress, password: string): Record<string, unknown> {
  const ips = [...new Set(board.devices.map(transportIp).filter((ip): ip is string => ip !== undefined))];
  return {
    mqtt: { enabled: 1, host: broker.host, port: broker.port, topic: board.topic, user: board.username, pswd: password },
    safekeep: {
      board: board.name,
      devices: board.devices.map((d) => ({ id: d.id, role: d.role, ...(d.credential_format ? { credential_format: d.credential_format } : {}) })),
      commandTopic: espRfidCommandTopic(board.topic),
      ...(ips.length > 0 ? { controllerIp: ips[0] } : {}),
      ...(board.doors.length > 0 ? { doors: board.doors } : {}),
      webUi: [
        'Settings → MQTT: enable, and enter the values of the "mqtt" object above.',
        'Turn "auto topic" off: it appends the MAC address to TOPIC, and the server listens on TOPIC exactly.',
        'Turn "Home Assistant" mode off (commands are then only accepted with this controller\'s IP as doorip) and turn "send logs/events over MQTT" on: door open/close events arrive only that way.',
        'Give the controller a fixed address (a DHCP reservation); the server sends it as "doorip" with every opendoor command.',
        'Set the relay activation time to how long the lock may stay released after a badge or an opendoor command.',
      ],
      ...(board.lock && ips.length === 0
        ? { warning: `lock ${board.lock.id} cannot be opened by the server until its transport has an ip in the office file` }
        : {}),
    },
  };
}

export function espRfidConfigText(board: Board, broker: BrokerAddress, password: string): string {
  return `${JSON.stringify(espRfidConfig(board, broker, password), null, 2)}\n`;
}
