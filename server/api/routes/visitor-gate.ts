import type { Response } from 'express';
import type { Services } from '../../services';
import { visitorsOf, type VisitorsModule } from '../../visitors/visitors-module';
import { VisitorError } from '../../visitors/visitor-service';
import { HttpError, type AccessRole } from '../route';

/** The reception desk and the kiosk: sign-in, sign-out, the NDA, the loaner pool. */
export const DESK: readonly AccessRole[] = ['kiosk', 'reception', 'manager', 'admin'];
export const MANAGERS: readonly AccessRole[] = ['manager', 'admin'];
/** Staff pre-register their own visitors; everyone on staff can pull the roll call in an emergency. */
export const HOSTS: readonly AccessRole[] = ['staff', 'reception', 'manager', 'admin'];

export function visitorModule(s: Services): VisitorsModule {
  const m = visitorsOf(s);
  if (!m) throw new HttpError(503, 'the visitor module is not running');
  return m;
}

/** Visitor refusals carry a machine-readable reason (and, for the NDA, the text to show). */
export async function answer<T>(res: Response, work: () => Promise<T>): Promise<T | undefined> {
  try {
    return await work();
  } catch (err) {
    if (!(err instanceof VisitorError)) throw err;
    res.status(err.status).json({
      error: err.message,
      reason: err.reason,
      ...(err.field ? { fields: [{ field: `body.${err.field}`, message: err.message }] } : {}),
      ...(err.details ?? {}),
    });
    return undefined;
  }
}
