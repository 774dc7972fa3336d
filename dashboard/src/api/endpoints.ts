import { apiJson, apiText } from './client';
import type { AlertList, AlertStatus, CabinetList, CheckpointResponse, CustodyResponse, DeviceList, FileRecordJson, Health, RecordSearchResult, RecordStatus } from './types';

const enc = encodeURIComponent;

export const api = {
  health: (signal?: AbortSignal) => apiJson<Health>('/api/health', { signal }),
  devices: (signal?: AbortSignal) => apiJson<DeviceList>('/api/v1/devices', { signal }),
  alerts: (status: AlertStatus, signal?: AbortSignal) => apiJson<AlertList>('/api/v1/alerts', { query: { status }, signal }),
  searchRecords: (params: { q?: string; status?: RecordStatus; limit?: number; offset?: number }, signal?: AbortSignal) =>
    apiJson<RecordSearchResult>('/api/v1/records', { query: params, signal }),
  record: (barcode: string, signal?: AbortSignal) => apiJson<FileRecordJson>(`/api/v1/records/${enc(barcode)}`, { signal }),
  custody: (barcode: string, signal?: AbortSignal) => apiJson<CustodyResponse>(`/api/v1/records/${enc(barcode)}/custody`, { signal }),
  /** The bundle's exact bytes: verification insists on its one canonical form. */
  bundleText: (barcode: string, signal?: AbortSignal) => apiText(`/api/v1/records/${enc(barcode)}/bundle`, { signal }),
  checkpoint: (signal?: AbortSignal) => apiJson<CheckpointResponse>('/api/v1/log/checkpoint', { signal }),
  cabinets: (signal?: AbortSignal) => apiJson<CabinetList>('/api/v1/cabinets', { signal }),
};
