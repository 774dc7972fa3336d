/**
 * HOOK: decode throughput per device decoder, from devices/decoders/bench.ts (owned by the devices
 * side). Imported dynamically by URL, so this bench neither fails to typecheck nor to run when that
 * module is missing or changes shape: it then reports 'decoders: not available'.
 * Expected export: measureDecoderThroughput({ minMs }) => { decoder, readsPerSecond }[].
 */

export interface DecoderFigure {
  decoder: string;
  readsPerSecond: number;
}

export type DecoderFigures = { available: true; figures: DecoderFigure[] } | { available: false; reason: string };

const MODULE = new URL('../../devices/decoders/bench.ts', import.meta.url).href;

export async function measureDecoders(minMs: number): Promise<DecoderFigures> {
  let mod: Record<string, unknown>;
  try {
    mod = (await import(MODULE)) as Record<string, unknown>;
  } catch (err) {
    return { available: false, reason: `devices/decoders/bench.ts did not load: ${(err as Error).message.split('\n')[0]}` };
  }
  const measure = mod.measureDecoderThroughput;
  if (typeof measure !== 'function') return { available: false, reason: 'devices/decoders/bench.ts exports no measureDecoderThroughput' };
  const rows: unknown = await (measure as (options: { minMs: number }) => unknown)({ minMs });
  if (!Array.isArray(rows)) return { available: false, reason: 'measureDecoderThroughput returned no list' };
  const figures = rows
    .map((row: { decoder?: unknown; readsPerSecond?: unknown }) => ({ decoder: String(row.decoder), readsPerSecond: Number(row.readsPerSecond) }))
    .filter((row) => Number.isFinite(row.readsPerSecond));
  return { available: true, figures };
}
