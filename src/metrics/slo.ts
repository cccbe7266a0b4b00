import { inputError } from '../failures/errors.js';
import { SLO_METRICS, SLO_STATS } from '../model/metric-catalog.js';
import type { SloCheck } from '../model/plan.js';

const SLO_PATTERN = new RegExp(`^([a-z0-9_]+?)_(${SLO_STATS.join('|')})\\s*(<=|<)\\s*(\\d+(?:\\.\\d+)?)\\s*(ms|s)?$`, 'i');

/** `--slo "ttft_p95<=2000,e2e_p99<30s"` → checks; limits in ms (a `s` suffix means seconds). */
export function parseSlo(text: string): SloCheck[] {
  const checks: SloCheck[] = [];
  for (const part of text.split(',')) {
    const raw = part.trim();
    if (raw === '') continue;
    const match = SLO_PATTERN.exec(raw);
    const metric = SLO_METRICS.find((m) => m === match?.[1]?.toLowerCase());
    const stat = SLO_STATS.find((s) => s === match?.[2]?.toLowerCase());
    if (match === null || metric === undefined || stat === undefined) {
      throw inputError(
        'SLO_INVALID',
        `--slo "${raw}" is invalid: expected <metric>_<stat><=<ms>, with metric ${SLO_METRICS.join('|')} and stat ${SLO_STATS.join('|')}`,
        'e.g. --slo "ttft_p95<=2000,e2e_p99<=30000" (milliseconds; 2s also works)',
      );
    }
    const limit = Number(match[4]) * (match[5]?.toLowerCase() === 's' ? 1000 : 1);
    checks.push({ raw, metric, stat, op: match[3] === '<' ? '<' : '<=', limit });
  }
  if (checks.length === 0) {
    throw inputError('SLO_INVALID', '--slo is empty', 'e.g. --slo "ttft_p95<=2000,e2e_p99<=30000"');
  }
  return checks;
}
