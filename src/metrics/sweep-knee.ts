/**
 * The knee of a sweep's throughput curve (docs/experiments.md "The knee"): the last point before each
 * added user (or request per second offered) stops paying. Pure.
 */
import type { SweepKind, SweepKnee, SweepPoint } from '../model/experiment.js';

/** The share of the first point's throughput per unit of load a later step must still gain. */
export const KNEE_GAIN_SHARE = 0.5;

export const KNEE_METHOD =
  'marginal gain: the last point whose throughput gain per added unit of load (from the point before) is at least 50% of the first point\'s throughput per unit';

/** The points the knee is judged on: the ladder and the knee's probes (SLO bisection points are left out). */
function curveOf(points: readonly SweepPoint[]): SweepPoint[] {
  return points.filter((point) => point.source !== 'bisect').sort((a, b) => a.load - b.load);
}

/** The knee over the ladder's points and the knee's probes (SLO bisection points are left out: too close together for a stable slope). */
export function findKnee(points: readonly SweepPoint[]): SweepKnee {
  const ladder = curveOf(points);
  const first = ladder[0];
  if (first === undefined || ladder.length < 2) return { load: null, method: KNEE_METHOD, detail: 'too few points to see a knee (two or more needed)' };
  const basePerUnit = first.rps / first.load;
  if (!(basePerUnit > 0)) return { load: null, method: KNEE_METHOD, detail: `no throughput at the first point (${first.load})` };
  for (let i = 1; i < ladder.length; i += 1) {
    const before = ladder[i - 1] as SweepPoint;
    const point = ladder[i] as SweepPoint;
    const gainPerUnit = (point.rps - before.rps) / (point.load - before.load);
    if (gainPerUnit < KNEE_GAIN_SHARE * basePerUnit) {
      const share = Math.round((gainPerUnit / basePerUnit) * 100);
      return {
        load: before.load,
        method: KNEE_METHOD,
        detail: `from ${before.load} to ${point.load} each added unit gained ${share}% of the first point's throughput per unit (below ${KNEE_GAIN_SHARE * 100}%)`,
      };
    }
  }
  const last = ladder.at(-1) as SweepPoint;
  return { load: null, method: KNEE_METHOD, detail: `throughput still scaled at the last point (${last.load}): the knee is beyond it` };
}

/**
 * The next load that narrows the knee (`--bisect`), or null: the midpoint of the gap below the knee, then
 * of the gap above it, while a gap is wider than max(1 user, half its lower end) (rates: half its lower
 * end). A doubling ladder sees a server of 6 slots flatten between 4 and 8; measuring 6 moves the knee there.
 */
export function nextKneeProbe(points: readonly SweepPoint[], kind: SweepKind): number | null {
  const knee = findKnee(points).load;
  if (knee === null) return null;
  const curve = curveOf(points);
  const at = curve.findIndex((point) => point.load === knee);
  const below = curve[at - 1];
  const above = curve[at + 1];
  const gaps: Array<[number, number]> = [];
  if (below !== undefined) gaps.push([below.load, knee]);
  if (above !== undefined) gaps.push([knee, above.load]);
  for (const [low, high] of gaps) {
    const wide = kind === 'users' ? high - low > Math.max(1, low / 2) : high - low > low / 2;
    if (!wide) continue;
    const mid = kind === 'users' ? Math.floor((low + high) / 2) : Math.round(((low + high) / 2) * 100) / 100;
    if (!points.some((point) => point.load === mid)) return mid;
  }
  return null;
}
