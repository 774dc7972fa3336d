import { startTestServer } from '../support/server';
import { rawExchange } from './support/driver';
const f = await startTestServer({ checkpointIntervalMs: 3_600_000 });
const h = 'Host: localhost\r\n';
const cases: Record<string, string[]> = {
  'http/9.9': [`GET /api/health HTTP/9.9\r\n${h}\r\n`],
  'http/2.0': [`GET /api/health HTTP/2.0\r\n${h}\r\n`],
  'http/1.0 nohost': [`GET /api/v1/records/x HTTP/1.0\r\n\r\n`],
  'method FOO': [`FOO /api/health HTTP/1.1\r\n${h}\r\n`],
  'method PROPFIND': [`PROPFIND /api/health HTTP/1.1\r\n${h}\r\n`],
  'TE gzip,chunked': [`POST /api/v1/people HTTP/1.1\r\n${h}Transfer-Encoding: gzip, chunked\r\nContent-Type: application/json\r\n\r\n0\r\n\r\n`],
  'TE chunked,identity': [`POST /api/v1/people HTTP/1.1\r\n${h}Transfer-Encoding: chunked, identity\r\nContent-Type: application/json\r\n\r\n0\r\n\r\n`],
  'TE bogus': [`POST /api/v1/people HTTP/1.1\r\n${h}Transfer-Encoding: bogus\r\nContent-Type: application/json\r\n\r\n{}`],
  'CL+TE': [`POST /api/v1/people HTTP/1.1\r\n${h}Content-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`],
  'CL neg': [`POST /api/v1/people HTTP/1.1\r\n${h}Content-Length: -1\r\n\r\n`],
  'huge header': [`GET /api/health HTTP/1.1\r\n${h}Cookie: ${'a'.repeat(20000)}\r\n\r\n`],
  'huge url': [`GET /api/v1/records/${'A'.repeat(20000)} HTTP/1.1\r\n${h}\r\n`],
  'expect': [`POST /api/v1/people HTTP/1.1\r\n${h}Expect: 100-continue\r\nContent-Length: 1000000\r\nContent-Type: application/json\r\n\r\n`],
  'expect bogus': [`POST /api/v1/people HTTP/1.1\r\n${h}Expect: 200-ok\r\nContent-Length: 2\r\nContent-Type: application/json\r\n\r\n{}`],
  'no CL body': [`POST /api/v1/people HTTP/1.1\r\n${h}Content-Type: application/json\r\n\r\n{"name":1}`],
  'absolute': [`POST http://evil.example/api/v1/people HTTP/1.1\r\n${h}Content-Type: application/json\r\nContent-Length: 2\r\n\r\n{}`],
  'star': [`OPTIONS * HTTP/1.1\r\n${h}\r\n`],
  'CONNECT': [`CONNECT evil.example:443 HTTP/1.1\r\n${h}\r\n`],
  'upgrade': [`GET /api/v1/records HTTP/1.1\r\n${h}Connection: Upgrade\r\nUpgrade: websocket\r\n\r\n`],
  'nul header': [`GET /api/health HTTP/1.1\r\n${h}X-A: a\u0000b\r\n\r\n`],
};
for (const [name, chunks] of Object.entries(cases)) {
  const r = await rawExchange(f.url, chunks, { waitMs: 1200 });
  console.log(name.padEnd(22), r.statuses, r.closedByServer, JSON.stringify(r.text.slice(0, 160)));
}
await f.close();
