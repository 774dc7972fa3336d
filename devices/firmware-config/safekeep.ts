import { safekeepTopics } from '../decoders/firmware/safekeep';
import { safekeepBoardOf, safekeepCommandTopic } from '../commands/firmware-commands';
import { MAX_UNLOCK_SECONDS } from '../commands/lock-command';
import type { Board } from './boards';
import type { BrokerAddress } from './broker';

/**
 * The JSON a board running Safekeep's own firmware loads at boot. The scheme itself (read, status,
 * ack) is documented in devices/decoders/firmware/safekeep.ts; commands in
 * devices/commands/firmware-commands.ts.
 */
export function safekeepConfig(board: Board, broker: BrokerAddress, password: string): Record<string, unknown> {
  const id = safekeepBoardOf(board.topic);
  return {
    // /2: acks name several reads ({"boot","seqs"}); /1 acked one read per message.
    scheme: 'safekeep-mqtt/2',
    board: id,
    mqtt: {
      host: broker.host,
      port: broker.port,
      username: board.username,
      password,
      clientId: `safekeep-board-${id}`,
      // A clean session: a persistent one would have the broker hold an unlock sent while the
      // board was offline and deliver it later, to a cabinet nobody is standing at. Missed acks
      // need no session either: the board resends un-acked reads after reconnecting.
      cleanSession: true,
      keepAliveSeconds: 30,
    },
    topics: { ...safekeepTopics(id), command: safekeepCommandTopic(id) },
    qos: 1,
    // Read: QoS 1, not retained; status "online" retained, will "offline" retained.
    devices: board.devices.map((d) => ({ id: d.id, role: d.role, ...(d.credential_format ? { format: d.credential_format } : {}) })),
    ...(board.lock ? { lock: { id: board.lock.id, relayOnMeans: 'unlocked', maxUnlockSeconds: MAX_UNLOCK_SECONDS, powerOnState: 'locked' } } : {}),
  };
}

export function safekeepConfigText(board: Board, broker: BrokerAddress, password: string): string {
  return `${JSON.stringify(safekeepConfig(board, broker, password), null, 2)}\n`;
}
