import type { ComparisonSummary, TargetOutcome } from '../model/comparison.js';
import { escapeControl } from '../text/escape.js';
import { formatBySize, formatCount, formatNumber } from '../text/format.js';
import { PLAIN_STYLE, type TextStyle } from '../text/style.js';
import { formatDeltaValue, formatSignedDelta } from './comparison-text.js';

const LABEL_WIDTH = 14;
const VALUE_WIDTH = 13;

/**
 * The console block of a run with several targets: the delta table (value, difference in the metric's
 * unit and in percent, ± the 95% interval over the rounds), each target's outcome, and the fairness notes.
 * Lines without a trailing newline; strings from the servers are escaped.
 */
export function renderComparisonLines(comparison: ComparisonSummary, targets: readonly TargetOutcome[], style: TextStyle = PLAIN_STYLE): string[] {
  const lines: string[] = [];
  const names = comparison.rows[0]?.cells.map((cell) => cell.target) ?? [];
  const overlap = comparison.overlap === null ? '' : ` · windows overlap ${formatNumber(comparison.overlap * 100, 1)}%`;
  lines.push(style.bold(`Targets compared with ${escapeControl(comparison.baseline)}`) + style.dim(` (${comparison.rounds} rounds of ${formatNumber(comparison.roundSeconds, 1)} s${overlap}; the figures further down are the baseline's)`));
  lines.push(`  ${style.dim('metric'.padEnd(LABEL_WIDTH))}${names.map((name) => escapeControl(name === comparison.baseline ? `${name} (base)` : name).padEnd(VALUE_WIDTH)).join('  ')}`);
  for (const row of comparison.rows) {
    const cells = row.cells.map((cell) => formatDeltaValue(cell.value, row.unit).padEnd(VALUE_WIDTH));
    lines.push(`  ${style.dim(row.label.padEnd(LABEL_WIDTH))}${cells.join('  ')}`);
    for (const cell of row.cells) {
      if (cell.target === comparison.baseline) continue;
      const worse = cell.diff !== null && cell.diff !== 0 && (row.better === 'lower' ? cell.diff > 0 : cell.diff < 0);
      const delta = formatSignedDelta(cell.diff, cell.pct, row.unit);
      const spread = cell.interval?.halfWidth === null || cell.interval === null ? '' : style.dim(` ±${formatBySize(cell.interval.halfWidth)} (95%, ${cell.interval.rounds} rounds)`);
      lines.push(`  ${''.padEnd(LABEL_WIDTH)}${style.dim(`${escapeControl(cell.target)}: `)}${worse ? style.red(delta) : style.green(delta)}${spread}`);
    }
  }
  for (const target of targets) lines.push(`  ${describeTarget(target, style)}`);
  for (const note of comparison.notes) lines.push(`  ${style.yellow('!')} ${escapeControl(note)}`);
  return lines;
}

function describeTarget(target: TargetOutcome, style: TextStyle): string {
  const name = style.bold(escapeControl(target.name));
  if (target.requests === null) return `${name}: ${style.red('dropped')} · ${escapeControl(target.precheckFailure?.message ?? 'its pre-check failed')}`;
  const parts = [`${formatCount(target.requests.ok)} ok`, `${formatCount(target.requests.failed)} failed`];
  const layers = target.failuresByLayer;
  if (layers !== null && layers.gateway + layers.upstream > 0) parts.push(`failures: gateway ${layers.gateway}, upstream ${layers.upstream}, unknown ${layers.unknown}`);
  const gateway = target.gateway;
  if (gateway !== null) {
    for (const duration of gateway.durations) parts.push(`${duration.source} p50 ${formatBySize(duration.p50Ms)} ms`);
    if (gateway.retries > 0) parts.push(`retries ${gateway.retries} (${gateway.retriedAnswers} answers)`);
    if (Object.keys(gateway.cacheStatus).length > 0) parts.push(`cache hits ${gateway.cacheHits}`);
  }
  parts.push(target.dir);
  return `${name}: ${parts.map((part) => escapeControl(part)).join(' · ')}`;
}
