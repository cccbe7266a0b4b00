import { parseDurationS } from '../protocol/duration.js';
import type { ThinkTime } from '../model/scenarios.js';

/** The longest think time taken (an hour): longer is a typo, not a user's pause. */
export const MAX_THINK_S = 3600;

export const THINK_TIME_HELP = 'a duration (2s, 500ms: fixed), a range (1s..3s: uniform) or exp:2s (exponential with that mean), at most 1h';

/**
 * `--think-time` and a profile's `think_time`: a fixed pause, a uniform range `min..max` or an
 * exponential mean `exp:mean`; the problem in words when the text is none of them (nothing is clamped).
 */
export function parseThinkTime(text: string): ThinkTime | string {
  const trimmed = text.trim();
  const range = /^(.+?)\.\.(.+)$/.exec(trimmed);
  if (range !== null) {
    const minS = duration(range[1] ?? '');
    const maxS = duration(range[2] ?? '');
    if (minS === null || maxS === null) return `"${text}" is invalid: expected ${THINK_TIME_HELP}`;
    if (minS > maxS) return `"${text}" is invalid: the range starts above its end`;
    return { kind: 'uniform', minMs: minS * 1000, maxMs: maxS * 1000 };
  }
  const exponential = /^exp:(.+)$/i.exec(trimmed);
  if (exponential !== null) {
    const meanS = duration(exponential[1] ?? '');
    if (meanS === null || meanS <= 0) return `"${text}" is invalid: expected exp:<mean> with a mean > 0, e.g. exp:2s`;
    return { kind: 'exponential', meanMs: meanS * 1000 };
  }
  const fixedS = duration(trimmed);
  if (fixedS === null) return `"${text}" is invalid: expected ${THINK_TIME_HELP}`;
  return { kind: 'fixed', ms: fixedS * 1000 };
}

function duration(text: string): number | null {
  const seconds = parseDurationS(text);
  return seconds === null || !Number.isFinite(seconds) || seconds < 0 || seconds > MAX_THINK_S ? null : seconds;
}

/** A think time in words for the plan: "2 s", "1–3 s uniform", "exponential, mean 2 s". */
export function describeThinkTime(think: ThinkTime): string {
  const s = (ms: number): string => `${Number((ms / 1000).toFixed(3))} s`;
  switch (think.kind) {
    case 'fixed':
      return s(think.ms);
    case 'uniform':
      return `${s(think.minMs)}–${s(think.maxMs)} uniform`;
    case 'exponential':
      return `exponential, mean ${s(think.meanMs)}`;
  }
}
