import type { RouteDef } from './route';
import { healthRoutes } from './routes/health';
import { recordRoutes } from './routes/records';
import { logRoutes } from './routes/log';
import { deviceRoutes } from './routes/devices';
import { alertRoutes } from './routes/alerts';
import { fileRoutes } from './routes/files';
import { reportRoutes } from './routes/reports';
import { adminRoutes } from './routes/admin';
import { authRoutes } from './routes/auth';
import { disposalRoutes } from './routes/disposal';
import { visitorRoutes } from './routes/visitors';
import { cabinetRoutes } from './routes/cabinets';

/** Every HTTP route of the server. A route exists only if it is here, with its access rule. */
export const ROUTES: readonly RouteDef[] = [...healthRoutes, ...authRoutes, ...recordRoutes, ...logRoutes, ...deviceRoutes, ...alertRoutes, ...fileRoutes, ...reportRoutes, ...adminRoutes, ...disposalRoutes, ...visitorRoutes, ...cabinetRoutes];
