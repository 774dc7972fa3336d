import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type ErrorRequestHandler } from 'express';
import { HttpError, type RouteDef } from '../../server/api/route';
import { validatePart } from '../../server/api/validate';
import type { Services } from '../../server/services';

/**
 * Serves routes the way server/api/http-app.ts does (JSON body limit, zod validation, handler,
 * HttpError answers) but without the sign-in gate, so the disposal routes can be tested while
 * authentication is wired in elsewhere. A request may act as a signed-in person with the headers
 * `x-test-person` (people.id) and `x-test-actor` (pseudonym).
 */
export async function serveRoutes(services: Services, routes: readonly RouteDef[]): Promise<{ url: string; close(): Promise<void> }> {
  const app = express();
  app.set('query parser', 'simple');
  app.use(express.json({ limit: '256kb', strict: true }));
  for (const route of routes) {
    app[route.method](route.path, async (req, res) => {
      const person = req.header('x-test-person');
      const principal = person ? { user: { person_id: person }, actor: req.header('x-test-actor') ?? 'p_test' } : null;
      const params = validatePart(route.params, req.params, 'params');
      const query = validatePart(route.query, req.query, 'query');
      const body = validatePart(route.body, req.body, 'body');
      const input = { params, query, body, req, res, principal, actor: principal?.actor ?? 'anonymous' };
      const result = await route.handler(services, input as never);
      if (!res.headersSent) res.status(route.status ?? 200).json(result);
    });
  }
  const errors: ErrorRequestHandler = (err, _req, res, _next) => {
    if (err instanceof HttpError) return void res.status(err.status).json({ error: err.message, ...(err.fields ? { fields: err.fields } : {}) });
    const status = (err as { status?: number }).status;
    if (typeof status === 'number' && status >= 400 && status < 500) return void res.status(status).json({ error: (err as Error).message });
    res.status(500).json({ error: String(err) });
  };
  app.use(errors);
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
