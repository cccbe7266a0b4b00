import type { ScenarioResult, StepPercentiles } from '../model/summary.js';
import * as format from '../text/format.js';

/**
 * The per-scenario table the console and the page share: one row per scenario and a total row (the
 * scenarios' counts sum to it). A latency cell is "p50/p95/p99" in ms.
 */
export interface ScenariosTable {
  heads: string[];
  rows: string[][];
  note: string;
}

const WRITTEN: format.NumberStyle = { rounding: 'written' };

export function buildScenariosTable(scenarios: readonly ScenarioResult[]): ScenariosTable {
  const heads = ['scenario', 'weight', 'conv.', 'ok', 'failed', 'req/s', 'out tok/s', 'in/out tok', 'TTFT p50/95/99', 'ITL p50/95/99', 'E2E p50/95/99'];
  const rows = scenarios.map((s) => [
    s.scenario,
    `${format.formatNumber(s.weightShare * 100, 0, WRITTEN)}%${s.conversationShare === null ? '' : ` (${format.formatNumber(s.conversationShare * 100, 0, WRITTEN)}%)`}`,
    format.formatCount(s.conversations, WRITTEN),
    format.formatCount(s.requests.ok, WRITTEN),
    format.formatCount(s.requests.failed, WRITTEN),
    format.formatNumber(s.rps, 2, WRITTEN),
    format.formatNumber(s.outputTokensPerSecond, 1, WRITTEN),
    `${s.meanInputTokens === null ? '-' : format.formatNumber(s.meanInputTokens, 0, WRITTEN)}/${s.meanOutputTokens === null ? '-' : format.formatNumber(s.meanOutputTokens, 0, WRITTEN)}`,
    formatTriple(s.ttft),
    formatTriple(s.itl),
    formatTriple(s.e2e),
  ]);
  const sum = (pick: (s: ScenarioResult) => number): number => scenarios.reduce((total, s) => total + pick(s), 0);
  rows.push([
    'total',
    '100%',
    format.formatCount(sum((s) => s.conversations), WRITTEN),
    format.formatCount(sum((s) => s.requests.ok), WRITTEN),
    format.formatCount(sum((s) => s.requests.failed), WRITTEN),
    format.formatNumber(sum((s) => s.rps), 2, WRITTEN),
    format.formatNumber(sum((s) => s.outputTokensPerSecond), 1, WRITTEN),
    '',
    '',
    '',
    '',
  ]);
  return {
    heads,
    rows,
    note: 'weight: the share asked for (the share of conversations started); conv.: conversations whose first turn was measured; in/out tok: mean tokens of successful requests; latencies of successful requests, exact (nearest rank)',
  };
}

function formatTriple(p: StepPercentiles): string {
  return [p.p50, p.p95, p.p99].map((ms) => (ms === null ? '-' : format.formatMs(ms, 'brief', WRITTEN))).join('/');
}
