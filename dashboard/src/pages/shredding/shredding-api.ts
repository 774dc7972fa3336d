/** The disposal API as the shredding page uses it (server/api/routes/disposal.ts). */
import type { z } from 'zod';
import { apiJson, apiUrl } from '../../api/client';
import type { batchSchema, certificationSchema, reconciliationRowSchema } from '../../../../server/api/routes/disposal';

export type Batch = z.infer<typeof batchSchema>;
export type Certification = z.infer<typeof certificationSchema>;
export type ReconciliationRow = z.infer<typeof reconciliationRowSchema>;
export interface Eligible {
  total: number;
  records: { id: string; barcode: string; client: string; matter: string; location_id: string | null; retention_class: string; due: string }[];
}
export interface ShredBinJson {
  id: string;
  name: string;
  awaiting_pickup: number;
  held: number;
}

/** The certificate's fields as the form holds them; `barcodes` is what the certificate lists, if anything. */
export interface CertificateForm {
  serial_number: string;
  destroyed_on: string;
  place: string;
  method: string;
  operator_name: string;
  barcodes: string;
}

const enc = encodeURIComponent;

export const shreddingApi = {
  eligible: (signal?: AbortSignal) => apiJson<Eligible>('/api/v1/disposal/eligible', { query: { limit: 200 }, signal }),
  bins: (signal?: AbortSignal) => apiJson<{ bins: ShredBinJson[] }>('/api/v1/disposal/bins', { signal }),
  batches: (signal?: AbortSignal) => apiJson<{ batches: Batch[] }>('/api/v1/disposal/batches', { signal }),
  startBatch: (bin: string, sealNumber: string) => apiJson<Batch>('/api/v1/disposal/batches', { method: 'POST', body: { bin, seal_number: sealNumber } }),
  /** Multipart, so a scanned certificate of any size up to the server's cap goes as it is. */
  recordCertificate: (batch: string, fields: CertificateForm, file: File | null) => {
    const form = new FormData();
    for (const [key, value] of Object.entries(fields)) if (value.trim()) form.append(key, value.trim());
    if (file) form.append('file', file, file.name);
    return apiJson<Certification>(`/api/v1/disposal/batches/${enc(batch)}/certificate/upload`, { method: 'POST', form });
  },
  reconciliation: (signal?: AbortSignal) => apiJson<{ batches: ReconciliationRow[] }>('/api/v1/disposal/reconciliation', { signal }),
  reconciliationCsvUrl: () => apiUrl('/api/v1/disposal/reconciliation', { format: 'csv' }),
  certificateFileUrl: (id: string) => `/api/v1/disposal/certificates/${enc(id)}/file`,
};
