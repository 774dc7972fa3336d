import { z } from 'zod';
import { barcodeSchema } from '../../domain/schemas';
import { exportBundle, UnknownRecordError } from '../../custody-log/bundle-export';
import { defineRoute, HttpError } from '../route';
import { findVisible } from './records';

export const logRoutes = [
  defineRoute({
    method: 'get',
    path: '/api/v1/log/checkpoint',
    summary: 'The latest signed checkpoint (C2SP signed note) and the verifier key',
    tags: ['custody log'],
    access: { roles: ['staff', 'manager', 'admin'] },
    response: z.object({ size: z.number().int(), note: z.string().nullable(), verifier_key: z.string() }),
    async handler(s) {
      const cp = await s.store.latestCheckpoint();
      return { size: cp?.tree_size ?? 0, note: cp?.note ?? null, verifier_key: s.key.verifierKey };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/records/:barcode/bundle',
    summary: "Download the file's custody bundle, verifiable offline with `safekeep log verify-bundle`",
    tags: ['records', 'custody log'],
    access: { roles: ['manager', 'admin'] },
    params: z.strictObject({ barcode: barcodeSchema }),
    async handler(s, { params, res, actor, principal }) {
      await findVisible(s, principal, params.barcode);
      try {
        const bundle = await exportBundle(s, params.barcode, actor);
        res
          .type('application/json')
          .attachment(`custody-${params.barcode}.json`)
          .send(bundle.text);
      } catch (err) {
        if (err instanceof UnknownRecordError) throw new HttpError(404, err.message);
        throw err;
      }
    },
  }),
];
