import express, { type ErrorRequestHandler, type Request, type Response } from 'express';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Services } from '../services';
import { buildOpenApi } from './openapi';
import { HttpError, type RouteDef } from './route';
import { validatePart } from './validate';
import { ROUTES } from './route-table';
import { authorize } from './access-control';
import { loadPrincipal } from './principal';

export interface HttpAppOptions {
  /** Built dashboard (vite output); served when present. */
  dashboardDir?: string;
  version: string;
  /** Behind TLS: tell browsers to use HTTPS only from now on. */
  hsts?: boolean;
}

export function createHttpApp(services: Services, options: HttpAppOptions, routes: readonly RouteDef[] = ROUTES): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.use(express.json({ limit: '256kb', strict: true }));

  const openapi = buildOpenApi(routes, options.version);
  app.get('/api/openapi.json', (_req, res) => void res.json(openapi));

  app.use((_req, res, next) => {
    res.set({ 'X-Content-Type-Options': 'nosniff', 'X-Frame-Options': 'DENY', 'Referrer-Policy': 'same-origin', 'Cache-Control': 'no-store' });
    if (options.hsts) res.set('Strict-Transport-Security', 'max-age=31536000');
    next();
  });
  for (const route of routes) {
    app[route.method](route.path, async (req: Request, res: Response) => {
      const principal = await loadPrincipal(services.auth, req, res);
      await authorize(services, route, req, principal);
      const params = validatePart(route.params, req.params, 'params');
      const query = validatePart(route.query, req.query, 'query');
      const body = validatePart(route.body, req.body, 'body');
      const actor = principal?.actor ?? 'anonymous';
      const result = await route.handler(services, { params, query, body, req, res, principal, actor });
      if (!res.headersSent) res.status(route.status ?? 200).json(result);
    });
  }
  app.use('/api', (req, res) => void res.status(404).json({ error: `no route ${req.method} ${req.baseUrl}${req.path}` }));

  if (options.dashboardDir && existsSync(path.join(options.dashboardDir, 'index.html'))) {
    const dir = options.dashboardDir;
    app.use(express.static(dir, { index: 'index.html', maxAge: '1h' }));
    app.get(/^\/(?!api\/).*/, (_req, res) => res.sendFile(path.join(dir, 'index.html')));
  } else {
    app.get('/', (_req, res) => void res.type('html').send(STATUS_PAGE));
  }

  app.use(errorHandler(services));
  return app;
}

/** Shown at / when the dashboard has not been built. */
const STATUS_PAGE = `<!doctype html><html lang="en"><meta charset="utf-8"><title>Safekeep</title>
<body style="font-family:system-ui;max-width:40rem;margin:3rem auto;line-height:1.5">
<h1>Safekeep is running</h1><p>Custody log entries: <strong id="size">…</strong></p>
<p><a href="/api/health">Health</a> · <a href="/api/openapi.json">API (OpenAPI)</a></p>
<script>async function r(){try{const h=await (await fetch('/api/health')).json();document.getElementById('size').textContent=h.log.size}catch(e){}}r();setInterval(r,2000)</script>
</body></html>`;

function errorHandler(services: Services): ErrorRequestHandler {
  const log = services.logger.child({ component: 'http' });
  return (err, req, res, _next) => {
    if (err instanceof HttpError) {
      res.status(err.status).json({ error: err.message, ...(err.fields ? { fields: err.fields } : {}) });
      return;
    }
    // A domain refusal names its field, so a form can show it there: checked before the generic
    // 4xx branch below, which would answer with the message alone.
    if ((err as { field?: string; status?: number }).field !== undefined && err instanceof Error) {
      const domain = err as Error & { field: string; status?: number };
      res.status(domain.status ?? 400).json({ error: domain.message, fields: [{ field: `body.${domain.field}`, message: domain.message }] });
      return;
    }
    // body-parser's own errors (malformed JSON, too large, wrong charset) carry a 4xx status.
    const status = (err as { status?: number; statusCode?: number }).status ?? (err as { statusCode?: number }).statusCode;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      res.status(status).json({ error: (err as Error).message || 'bad request' });
      return;
    }
    if ((err as { name?: string }).name === 'SequelizeUniqueConstraintError') {
      res.status(409).json({ error: 'conflicts with an existing entry' });
      return;
    }
    log.error({ err: String(err), method: req.method, path: req.path }, 'request failed');
    res.status(500).json({ error: 'internal error' });
  };
}
