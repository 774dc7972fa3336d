/**
 * Leaves name files by record id; people search by barcode. Every record the dashboard loads is
 * remembered here so the feed can say "File SK-000042" and link to it.
 */
const barcodes = new Map<string, string>();
const LIMIT = 5000;

export function rememberRecords(records: readonly { id: string; barcode: string }[]): void {
  for (const r of records) {
    if (barcodes.size >= LIMIT && !barcodes.has(r.id)) barcodes.delete(barcodes.keys().next().value as string);
    barcodes.set(r.id, r.barcode);
  }
}

export function barcodeOf(recordId: string): string | undefined {
  return barcodes.get(recordId);
}
