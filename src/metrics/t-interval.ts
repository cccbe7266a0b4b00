import type { RoundInterval } from '../model/comparison.js';

/** Two-sided 95% quantiles of Student's t for 1..30 degrees of freedom. */
const T95 = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11, 2.101, 2.093, 2.086,
  2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042,
];

/** t(0.975, df): the table up to 30, then the usual steps toward the normal's 1.96. */
export function t95(df: number): number {
  if (df < 1) return Number.NaN;
  if (df <= 30) return T95[df - 1] as number;
  if (df <= 40) return 2.021;
  if (df <= 60) return 2.0;
  if (df <= 120) return 1.98;
  return 1.96;
}

/** Mean ± t·s/√n of paired per-round differences; rounds where either side had no value are left out. */
export function roundInterval(differences: ReadonlyArray<number | null>): RoundInterval | null {
  const values = differences.filter((value): value is number => value !== null && Number.isFinite(value));
  const n = values.length;
  if (n === 0) return null;
  const mean = values.reduce((sum, value) => sum + value, 0) / n;
  if (n < 2) return { rounds: n, mean, halfWidth: null, low: null, high: null, stdDev: null };
  const variance = values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / (n - 1);
  const stdDev = Math.sqrt(variance);
  const halfWidth = (t95(n - 1) * stdDev) / Math.sqrt(n);
  return { rounds: n, mean, halfWidth, low: mean - halfWidth, high: mean + halfWidth, stdDev };
}
