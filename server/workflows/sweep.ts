/** A file as the database has it, for comparing with what a sweep found. */
export interface SweepRecord {
  id: string;
  barcode: string;
  status: string;
  location: string | null;
  homeCabinetId: string | null;
}

export interface SweepResult {
  /** Recorded in this cabinet, not scanned. */
  missing: SweepRecord[];
  /** Scanned here, recorded elsewhere (or out): the record must be corrected. */
  unexpected: SweepRecord[];
  /** Scanned here and recorded here, but its home is another cabinet. */
  misplaced: SweepRecord[];
  /** Barcodes Safekeep does not know. */
  unknown: string[];
  /** Scanned and where they should be. */
  confirmed: SweepRecord[];
}

/**
 * An audit sweep: everything in one cabinet scanned, compared with the records. Pure: the caller
 * gives the records recorded in the cabinet and the records the scanned barcodes resolve to.
 */
export function compareSweep(input: {
  cabinetId: string;
  recordedHere: readonly SweepRecord[];
  scanned: readonly string[];
  resolve: (barcode: string) => SweepRecord | undefined;
}): SweepResult {
  const scanned = new Set(input.scanned);
  const result: SweepResult = { missing: [], unexpected: [], misplaced: [], unknown: [], confirmed: [] };
  for (const record of input.recordedHere) if (!scanned.has(record.barcode)) result.missing.push(record);
  for (const barcode of scanned) {
    const record = input.resolve(barcode);
    if (!record) result.unknown.push(barcode);
    else if (record.status !== 'in' || record.location !== input.cabinetId) result.unexpected.push(record);
    else if (record.homeCabinetId !== null && record.homeCabinetId !== input.cabinetId) result.misplaced.push(record);
    else result.confirmed.push(record);
  }
  return result;
}
