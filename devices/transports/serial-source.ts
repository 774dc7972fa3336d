import { stat } from 'node:fs/promises';
import net from 'node:net';
import type { Readable } from 'node:stream';
import { SerialPort } from 'serialport';

/**
 * The byte stream behind one serial device: a local port through serialport, or a network serial
 * bridge (ser2net, ESP-Link, a Moxa NPort) at `tcp://host:port`, which carries the same bytes over
 * a socket. Everything above this file is the same for both.
 */
export interface ByteSource {
  stream: Readable;
  /** Resolves once the source is closed; safe to call twice. */
  close(): Promise<void>;
}

/**
 * serialport's hardware access: @serialport/bindings-cpp by default, injectable for other
 * platforms. Typed structurally: serialport's own types tie it to the auto-detected binding.
 */
export interface SerialBinding {
  list(): Promise<unknown[]>;
  open(options: never): Promise<unknown>;
}

export interface SourceOptions {
  path: string;
  baudRate: number;
  binding?: SerialBinding;
  /** How long a network bridge may take to accept the connection. */
  connectTimeoutMs?: number;
}

export function isNetworkPath(path: string): boolean {
  return path.startsWith('tcp://');
}

/**
 * Whether a local port is there to be opened. A `by-id` name or a socat link that outlived its
 * process is a dangling symlink, so this follows links. Network paths are always "present": only
 * connecting tells.
 */
export async function sourcePresent(path: string): Promise<boolean> {
  if (isNetworkPath(path)) return true;
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

export function openSource(options: SourceOptions): Promise<ByteSource> {
  return isNetworkPath(options.path) ? openNetwork(options) : openPort(options);
}

function openPort({ path, baudRate, binding }: SourceOptions): Promise<ByteSource> {
  return new Promise((resolve, reject) => {
    // The options object is typed for the auto-detected binding; an injected one replaces it.
    const port = new SerialPort({ path, baudRate, autoOpen: false, ...(binding ? { binding } : {}) } as ConstructorParameters<typeof SerialPort>[0]);
    port.open((err) => {
      if (err) {
        reject(err);
        return;
      }
      resolve({
        stream: port,
        close: () =>
          new Promise<void>((done) => {
            if (!port.isOpen) {
              done();
              return;
            }
            port.close(() => done());
          }),
      });
    });
  });
}

function openNetwork({ path, connectTimeoutMs = 5000 }: SourceOptions): Promise<ByteSource> {
  const url = new URL(path);
  const port = Number(url.port);
  if (!url.hostname || !Number.isInteger(port) || port <= 0) return Promise.reject(new Error(`not a tcp://host:port address: ${path}`));
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: url.hostname, port });
    const timer = setTimeout(() => socket.destroy(new Error(`no connection to ${url.host} within ${connectTimeoutMs} ms`)), connectTimeoutMs);
    socket.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.removeAllListeners('error');
      // Bridges vanish without a FIN when their power or Wi-Fi drops: keepalive notices.
      socket.setKeepAlive(true, 10_000);
      socket.setNoDelay(true);
      resolve({
        stream: socket,
        close: () =>
          new Promise<void>((done) => {
            if (socket.destroyed) {
              done();
              return;
            }
            socket.once('close', () => done());
            socket.destroy();
          }),
      });
    });
  });
}
