import http from 'node:http';
import { startTestServer } from '../support/server';
const f = await startTestServer();
const seq = f.server.services.db.sequelize;
const [rows] = await seq.query("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name");
console.log((rows as {name:string}[]).map(r=>r.name).join(' '));
const admin = await f.as('admin');
console.log('size', f.server.services.writer.size, admin.cookie.slice(0,30));
const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
const u = new URL(f.url);
function req(path: string, method: string, headers: Record<string,string>, body?: string) {
  return new Promise<{status:number; body:string}>((resolve, reject) => {
    const r = http.request({ host: u.hostname, port: u.port, path, method, headers, agent }, (res) => { let b=''; res.setEncoding('utf8'); res.on('data', (c)=> b+=c); res.on('end', ()=> resolve({status: res.statusCode!, body: b})); });
    r.on('error', reject); if (body !== undefined) r.end(body); else r.end();
  });
}
const t0 = Date.now(); let n = 0; const hist: Record<number, number> = {};
await Promise.all(Array.from({length: 16}, async () => { for (let i=0;i<300;i++) { const r = await req('/api/v1/records/bad%20barcode', 'GET', { cookie: admin.cookie }); hist[r.status]=(hist[r.status]??0)+1; n++; } }));
console.log('GET', n, (n/((Date.now()-t0)/1000)).toFixed(0), 'req/s', hist);
const t1 = Date.now(); n=0;
await Promise.all(Array.from({length: 16}, async () => { for (let i=0;i<300;i++) { const r = await req('/api/v1/people', 'POST', { cookie: admin.cookie, 'x-csrf-token': admin.csrf, origin: admin.origin, 'content-type': 'application/json' }, '{"name":1}'); hist[r.status]=(hist[r.status]??0)+1; n++; } }));
console.log('POST', n, (n/((Date.now()-t1)/1000)).toFixed(0), 'req/s', hist);
console.log('size', f.server.services.writer.size);
const r = await req('/api/v1/people', 'POST', { cookie: admin.cookie, 'x-csrf-token': admin.csrf, origin: admin.origin, 'content-type': 'application/json' }, '{"name":1}'); console.log(r);
agent.destroy(); await f.close();
