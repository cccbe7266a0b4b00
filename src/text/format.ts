/**
 * Numbers, durations and percentages as every renderer writes them: one place, one convention ("89.9%",
 * no space; "1,234" grouped). Each formatter returns `MISSING` for null or a non-finite value; callers that
 * print another placeholder ("n/a", "-") test for null first.
 */

export const MISSING = '–';

export interface NumberStyle {
  /** Thousands separators ("1,234"); default true. */
  grouping?: boolean;
  /**
   * Which way a value halfway between two roundings goes. `binary` (default) rounds the exact binary value,
   * as `toFixed` does: 394.95 is 394.9499… and prints 394.9. `written` rounds the number as it is written,
   * as `Intl` does: 394.95 prints 395.0 (the console report's convention).
   */
  rounding?: 'binary' | 'written';
}

/** `digits` decimals, grouped: 1,234.5. */
export function formatNumber(value: number | null, digits: number, style: NumberStyle = {}): string {
  if (value === null || !Number.isFinite(value)) return MISSING;
  const grouping = style.grouping ?? true;
  if (style.rounding === 'written') {
    return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits, useGrouping: grouping });
  }
  const fixed = value.toFixed(digits);
  if (!grouping) return fixed;
  const [int = '', frac] = fixed.split('.');
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return frac === undefined ? grouped : `${grouped}.${frac}`;
}

/** A whole number, grouped: 12,345. */
export function formatCount(value: number | null, style: NumberStyle = {}): string {
  return formatNumber(value, 0, style);
}

/** Decimals that suit the size: 0.42, 12.3, 1,234 (two under 10, one under 100, none above). */
export function formatBySize(value: number | null, style: NumberStyle = {}): string {
  if (value === null) return MISSING;
  const abs = Math.abs(value);
  return formatNumber(value, abs < 10 ? 2 : abs < 100 ? 1 : 0, style);
}

/**
 * How many decimals a millisecond figure gets: `by-size` as `formatBySize` (the report page); `column`
 * one under a second, none above (table columns); `brief` one under 10 ms, none above (a figure in a sentence).
 */
export type MsPrecision = 'by-size' | 'column' | 'brief';

/** Milliseconds, without the unit. */
export function formatMs(ms: number | null, precision: MsPrecision = 'by-size', style: NumberStyle = {}): string {
  if (ms === null) return MISSING;
  switch (precision) {
    case 'by-size':
      return formatBySize(ms, style);
    case 'column':
      return formatNumber(ms, ms >= 1000 ? 0 : 1, style);
    case 'brief':
      return formatNumber(ms, ms >= 10 ? 0 : 1, style);
  }
}

/** A duration with its unit, in ms up to 10 s and in seconds above: "842 ms", "12.3 s". */
export function formatDuration(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return MISSING;
  return ms >= 10_000 ? `${formatNumber(ms / 1000, 1, { grouping: false })} s` : `${formatNumber(ms, 0, { grouping: false })} ms`;
}

/** Elapsed time as a clock shows it: "42s", "1m 05s", "2h 03m 07s". */
export function formatElapsed(ms: number): string {
  const totalS = Math.max(0, Math.round(ms / 1000));
  const hours = Math.floor(totalS / 3600);
  const minutes = Math.floor((totalS % 3600) / 60);
  const seconds = totalS % 60;
  const pad = (n: number): string => String(n).padStart(2, '0');
  if (hours > 0) return `${hours}h ${pad(minutes)}m ${pad(seconds)}s`;
  return minutes > 0 ? `${minutes}m ${pad(seconds)}s` : `${seconds}s`;
}

export interface PercentStyle extends NumberStyle {
  /** Decimals (default 1), or `by-size`: none from 10% up, one below. */
  digits?: number | 'by-size';
  /**
   * `down` (default) for a rate judged against a limit: 89.96% must not show as a passing-looking 90.0%.
   * `nearest` for a figure no limit judges (CPU, a share of errors).
   */
  round?: 'down' | 'nearest';
}

/** A share (0–1) as a percentage: 0.8996 → "89.9%". */
export function formatPct(fraction: number | null, style: PercentStyle = {}): string {
  return formatPercentage(fraction === null ? null : fraction * 100, style);
}

/** A figure already in percent (process CPU, which may pass 100): 95.5 → "95.5%". */
export function formatPercentage(percent: number | null, style: PercentStyle = {}): string {
  if (percent === null || !Number.isFinite(percent)) return MISSING;
  const digits = style.digits === 'by-size' ? (percent >= 10 ? 0 : 1) : (style.digits ?? 1);
  const value = (style.round ?? 'down') === 'down' ? floorTo(percent, digits) : percent;
  return `${formatNumber(value, digits, style)}%`;
}

/** A change in percent, signed and ungrouped: "+12.3%", "-4.0%". */
export function formatChangePct(percent: number): string {
  return `${percent >= 0 ? '+' : ''}${formatNumber(percent, 1, { grouping: false })}%`;
}

/** Rounded down to `digits` decimals; the epsilon keeps 0.29 × 100 = 28.999999999999996 from flooring to 28.9. */
function floorTo(value: number, digits: number): number {
  const scale = 10 ** digits;
  return Math.floor(value * scale + 1e-9) / scale;
}

/** A difference, signed, decimals by size: "+50.2", "-3.00", "+1,234". */
export function formatSigned(value: number | null): string {
  if (value === null || !Number.isFinite(value)) return MISSING;
  return `${value > 0 ? '+' : ''}${formatBySize(value)}`;
}
