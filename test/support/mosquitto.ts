import net from 'node:net';
import { missingComponent } from './requirements';

export const MOSQUITTO_URL = process.env.SAFEKEEP_TEST_MOSQUITTO_URL ?? 'mqtt://127.0.0.1:1883';

/** True when the machine's Mosquitto answers; in CI its absence fails the suite. */
export async function mosquittoAvailable(): Promise<boolean> {
  const { hostname, port } = new URL(MOSQUITTO_URL);
  const up = await new Promise<boolean>((resolve) => {
    const socket = net.connect({ host: hostname, port: Number(port || 1883) });
    socket.setTimeout(2000);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
  if (!up) missingComponent('Mosquitto', `nothing listens at ${MOSQUITTO_URL} (start it with: mosquitto -d -c /etc/mosquitto/mosquitto.conf)`);
  return up;
}
