import { parseDurationS } from '../protocol/duration.js';
import { LOCAL_LIMITS } from '../model/local-limits.js';
import type { Stage } from '../model/scenarios.js';

export const STAGE_HELP = '"<users>:<duration>" (e.g. 10:30s, closed loop) or "@<rate>:<duration>" (e.g. "@5:1m", requests per second, open loop)';

/** One stage of a profile: `users:duration` or `@rate:duration`; the problem in words otherwise. */
export function parseStage(text: string): Stage | string {
  const match = /^\s*(@?)([^:]+):(.+)$/.exec(text);
  if (match === null) return `"${text}" is invalid: expected ${STAGE_HELP}`;
  const [, at, amountText = '', durationText = ''] = match;
  const durationS = parseDurationS(durationText);
  if (durationS === null || !Number.isFinite(durationS) || durationS <= 0 || durationS > LOCAL_LIMITS.durationS) {
    return `"${text}" is invalid: the duration "${durationText.trim()}" must be > 0 and ≤ ${LOCAL_LIMITS.durationS} s (seconds or 90s, 5m, 1h)`;
  }
  const amount = /^\s*\d+(\.\d+)?\s*$/.test(amountText) ? Number(amountText) : Number.NaN;
  if (at === '@') {
    if (!(amount > 0 && amount <= LOCAL_LIMITS.rate)) return `"${text}" is invalid: the rate must be a number > 0 and ≤ ${LOCAL_LIMITS.rate} requests per second`;
    return { users: null, rate: amount, durationS };
  }
  if (!(Number.isInteger(amount) && amount >= 1 && amount <= LOCAL_LIMITS.users)) {
    return `"${text}" is invalid: the users must be a whole number from 1 to ${LOCAL_LIMITS.users}`;
  }
  return { users: amount, rate: null, durationS };
}
