import http from 'node:http';
import net from 'node:net';
import { performance } from 'node:perf_hooks';

/**
 * Sends many requests over a few kept-alive connections (node:http, so headers and framing are
 * ours to get wrong: duplicate headers, chunked bodies, GET with a body) and reads each answer.
 */

export interface WireRequest {
  method: string;
  /** Path and query, already percent-encoded; only characters 0x21-0x7e. */
  path: string;
  headers: Record<string, string | string[]>;
  body?: Buffer;
  /** Send the body in pieces with Transfer-Encoding: chunked instead of Content-Length. */
  chunked?: boolean;
}

export interface WireResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** The body as text, cut at `maxBody` bytes. */
  body: string;
  /** The whole body's size, and whether `body` was cut. */
  bytes: number;
  truncated: boolean;
  ms: number;
}

export class HttpDriver {
  readonly agent: http.Agent;
  private readonly host: string;
  private readonly port: number;

  constructor(
    baseUrl: string,
    readonly connections = 16,
    private readonly timeoutMs = 20_000,
    private readonly maxBody = 64 * 1024,
  ) {
    const u = new URL(baseUrl);
    this.host = u.hostname;
    this.port = Number(u.port);
    this.agent = new http.Agent({ keepAlive: true, maxSockets: connections, maxFreeSockets: connections });
  }

  send(req: WireRequest): Promise<WireResponse> {
    const started = performance.now();
    return new Promise((resolve, reject) => {
      const headers: Record<string, string | string[]> = { ...req.headers };
      if (req.body !== undefined) {
        if (req.chunked) headers['transfer-encoding'] = 'chunked';
        else headers['content-length'] = String(req.body.length);
      }
      const r = http.request({ host: this.host, port: this.port, method: req.method, path: req.path, headers, agent: this.agent, timeout: this.timeoutMs }, (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          if (size < this.maxBody) chunks.push(c);
          size += c.length;
        });
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).subarray(0, this.maxBody).toString('utf8'), bytes: size, truncated: size > this.maxBody, ms: performance.now() - started }),
        );
        res.on('error', reject);
      });
      r.on('timeout', () => r.destroy(new Error(`no answer within ${this.timeoutMs} ms`)));
      r.on('error', reject);
      if (req.body === undefined) r.end();
      else if (req.chunked) {
        const body = req.body;
        const pieces = Math.min(5, Math.max(1, body.length));
        const step = Math.ceil(body.length / pieces);
        for (let at = 0; at < body.length; at += step) r.write(body.subarray(at, at + step));
        r.end();
      } else r.end(req.body);
    });
  }

  /** Runs `work` over the items with as many in flight as there are connections. */
  async pool<T>(items: readonly T[], work: (item: T, index: number) => Promise<void>): Promise<void> {
    let next = 0;
    const worker = async () => {
      while (next < items.length) {
        const i = next++;
        await work(items[i]!, i);
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.connections, items.length) }, worker));
  }

  close(): void {
    this.agent.destroy();
  }
}

export interface RawExchange {
  /** Status codes of the responses read, in order. */
  statuses: number[];
  /** Whether the server closed the connection (rather than us, at the deadline). */
  closedByServer: boolean;
  /** Everything the server sent, cut at 8 kB. */
  text: string;
}

/** Writes bytes on a fresh TCP connection, half-closes or not, and reads until the server closes or `waitMs` pass. */
export function rawExchange(baseUrl: string, chunks: (string | Buffer)[], options: { waitMs?: number; endWrite?: boolean; gapMs?: number } = {}): Promise<RawExchange> {
  const u = new URL(baseUrl);
  const waitMs = options.waitMs ?? 1500;
  return new Promise((resolve) => {
    const socket = net.connect({ host: u.hostname, port: Number(u.port) });
    const received: Buffer[] = [];
    let closedByServer = false;
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      const text = Buffer.concat(received).toString('latin1');
      const statuses = [...text.matchAll(/HTTP\/1\.[01] (\d{3})/g)].map((m) => Number(m[1]));
      resolve({ statuses, closedByServer, text: text.slice(0, 8192) });
    };
    const timer = setTimeout(finish, waitMs);
    socket.on('data', (c) => received.push(c));
    socket.on('end', () => {
      closedByServer = true;
      finish();
    });
    socket.on('close', () => {
      closedByServer = true;
      finish();
    });
    socket.on('error', () => finish());
    socket.on('connect', async () => {
      for (const c of chunks) {
        if (socket.destroyed) break;
        socket.write(c);
        if (options.gapMs) await new Promise((r) => setTimeout(r, options.gapMs));
      }
      if (options.endWrite) socket.end();
    });
  });
}
