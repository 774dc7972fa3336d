import { z } from 'zod';
import { signOutByBadge } from '../../visitors/badge-sign-out';
import { hostChoices } from '../../visitors/host-directory';
import { defineRoute, type AccessRole, type RouteDef } from '../route';
import { answer, visitorModule } from './visitor-gate';

/** What the lobby may do without a person signed in: only the kiosk account and reception. */
const LOBBY: readonly AccessRole[] = ['kiosk', 'reception'];

export const visitorKioskRoutes: RouteDef[] = [
  defineRoute({
    method: 'post',
    path: '/api/v1/visitors/sign-out',
    summary: "Sign a visitor out by the QR code of their own badge (kiosk, reception); answers their first name for the goodbye",
    tags: ['visitors'],
    access: { roles: LOBBY },
    body: z.strictObject({ token: z.string().trim().min(1, 'scan the badge').max(64, 'must be at most 64 characters') }),
    response: z.object({ visit_id: z.string(), signed_out_at: z.string(), first_name: z.string().optional() }),
    async handler(s, { body, res, actor }) {
      return answer(res, async () => {
        const r = await signOutByBadge(visitorModule(s).service.deps, body.token, actor);
        return { visit_id: r.visitId, signed_out_at: r.signedOutAt.toISOString(), ...(r.firstName ? { first_name: r.firstName } : {}) };
      });
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/visitors/hosts',
    summary: 'Whom a walk-in can visit: id and name of current staff, nothing else (kiosk, reception)',
    tags: ['visitors'],
    access: { roles: LOBBY },
    response: z.object({ hosts: z.array(z.object({ id: z.string(), name: z.string() })) }),
    async handler(s) {
      return { hosts: await hostChoices(s.db.sequelize, s.clock.now()) };
    },
  }),
];
