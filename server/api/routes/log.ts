import { z } from 'zod';
import { barcodeSchema } from '../../domain/schemas';
import { exportBundle, UnknownRecordError } from '../../custody-log/bundle-export';
import { serializeKeyHistory } from '../../custody-log/key-history';
import { CheckpointRaceError, KeyRotationBusyError, rotateSigningKey } from '../../custody-log/key-rotation';
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
  defineRoute({
    method: 'get',
    path: '/api/v1/log/keys',
    summary: 'Every checkpoint signing key with the tree sizes it signs, and the key history that lets auditors check checkpoints of retired keys',
    tags: ['custody log'],
    access: { roles: ['staff', 'manager', 'admin'] },
    response: z.object({
      current: z.string(),
      keys: z.array(
        z.object({ verifier_key: z.string(), from_size: z.number().int(), until_size: z.number().int().nullable(), since: z.string().nullable(), retired_at: z.string().nullable() }),
      ),
      key_history: z.string(),
    }),
    async handler(s) {
      await s.key.refresh();
      const { periods, history } = s.key.history;
      return {
        current: s.key.verifierKey,
        keys: periods.map((p) => ({ verifier_key: p.verifierKey, from_size: p.fromSize, until_size: p.untilSize, since: p.since, retired_at: p.retiredAt })),
        key_history: serializeKeyHistory(history),
      };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/log/key/rotate',
    summary: 'Rotate the checkpoint signing key: logged, with a transition checkpoint signed by the old and the new key',
    tags: ['custody log', 'administration'],
    access: { roles: ['admin'], reauth: true },
    response: z.object({ old_key: z.string(), new_key: z.string(), checkpoint: z.object({ size: z.number().int(), note: z.string() }) }),
    async handler(s, { actor }) {
      try {
        const rotation = await rotateSigningKey(s, actor);
        return { old_key: rotation.oldKey, new_key: rotation.newKey, checkpoint: { size: rotation.checkpoint.size, note: rotation.checkpoint.note } };
      } catch (err) {
        if (err instanceof KeyRotationBusyError || err instanceof CheckpointRaceError) throw new HttpError(409, err.message);
        throw err;
      }
    },
  }),
];
