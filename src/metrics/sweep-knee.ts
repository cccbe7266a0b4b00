/**
 * The knee of a sweep's throughput curve (docs/experiments.md "The knee"): the last point before each
 * added user (or request per second offered) stops paying. Pure.
 */
import type { SweepKnee, SweepPoint } from '../model/experiment.js';

/** The share of the first point's throughput per unit of load a later step must still gain. */
export const KNEE_GAIN_SHARE = 0.5;

export const KNEE_METHOD =
  'marginal gain: the last point whose throughput gain per added unit of load (from the point before) is at least 50% of the first point\'s throughput per unit';

/** The knee over the ladder's points (bisection points are too close together for a stable slope). */
export function findKnee(points: readonly SweepPoint[]): SweepKnee {
  const ladder = points.filter((point) => point.source === 'ladder').sort((a, b) => a.load - b.load);
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
