import type { DeltaMetric, RoundInterval } from '../model/comparison.js';
import { formatBySize, formatChangePct, formatSigned, MISSING } from '../text/format.js';

/** The delta table's words and numbers, shared by the console and the page. */

export function deltaUnitText(unit: DeltaMetric['unit']): string {
  return unit === 'errors' ? 'count' : unit;
}

/** A value in its unit: "102 ms", "36.3 req/s", "3 errors". */
export function formatDeltaValue(value: number | null, unit: DeltaMetric['unit']): string {
  if (value === null) return MISSING;
  return unit === 'errors' ? String(value) : `${formatBySize(value)} ${unit}`;
}

/** "+50.2 ms (+49.3%)"; the percentage is left out when the baseline is 0. */
export function formatSignedDelta(diff: number | null, pct: number | null, unit: DeltaMetric['unit']): string {
  if (diff === null) return MISSING;
  const amount = `${formatSigned(diff)}${unit === 'errors' ? '' : ` ${unit}`}`;
  return pct === null ? amount : `${amount} (${formatChangePct(pct)})`;
}

/** "±1.8 over 5 rounds", or "1 round: no interval". */
export function formatInterval(interval: RoundInterval, unit: DeltaMetric['unit']): string {
  if (interval.halfWidth === null) return `${interval.rounds} round${interval.rounds === 1 ? '' : 's'}: no interval`;
  return `±${formatBySize(interval.halfWidth)}${unit === 'errors' ? '' : ` ${unit}`} (95%, ${interval.rounds} rounds)`;
}
