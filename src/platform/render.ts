import { getAdapter } from '../protocol/registry.js';
import type { ApiType } from '../protocol/types.js';
import type { PlatformFigures, PlatformLatency, PlatformThresholds } from './figures.js';
import type { PlatformPrecheck } from './verdict.js';
import { escapeControl } from '../text/escape.js';
import { formatDuration, formatPct } from '../text/format.js';
import { PLAIN_STYLE, type TextStyle } from '../text/style.js';

/**
 * Text of platform mode, as the agent presents it: API type, pre-check verdict, task ID, report URL,
 * then the final figures after --wait. Renderers return strings; the caller picks the stream and colour.
 */


/** The platform's own names for the two APIs, as its web UI shows them. */
function describeApiType(apiType: ApiType): string {
  const adapter = getAdapter(apiType);
  return adapter.platform?.label ?? adapter.label;
}

export function describePrecheck(precheck: PlatformPrecheck | null, style: TextStyle = PLAIN_STYLE): string {
  if (precheck === null) return style.yellow('skipped (--skip-precheck)');
  // The platform's and the target's words: escaped, the terminal never obeys them.
  const message = escapeControl(precheck.message);
  if (precheck.ok) return `${style.green('passed')} (${message}${precheck.warning === undefined ? '' : `; ${escapeControl(precheck.warning)}`})`;
  const status = precheck.status === null ? '' : `, HTTP ${precheck.status}`;
  return `${style.red('failed')} (${precheck.category ?? 'unknown'}${status}): ${message}`;
}

export function renderSubmitted(
  task: { apiType: ApiType; precheck: PlatformPrecheck | null; taskId: string; reportUrl: string },
  style: TextStyle = PLAIN_STYLE,
): string {
  return [
    `${style.bold('API type:')}   ${describeApiType(task.apiType)}`,
    `${style.bold('Pre-check:')}  ${describePrecheck(task.precheck, style)}`,
    `${style.bold('Task ID:')}    ${task.taskId}`,
    `${style.bold('Report:')}     ${task.reportUrl}`,
    '',
  ].join('\n');
}

export function renderFigures(
  status: string,
  figures: PlatformFigures,
  thresholds: PlatformThresholds | null,
  style: TextStyle = PLAIN_STYLE,
): string {
  const { requests } = figures;
  const lines = [
    `${style.bold('Status:')}     ${status}`,
    `${style.bold('Requests:')}   ${requests.total} total, ${requests.failed} failed, success rate ${formatPercent(requests.successRate)}`,
    `${style.bold('TTFT:')}       ${formatLatency(figures.ttftMs)}`,
    `${style.bold('Total time:')} ${formatLatency(figures.totalTimeMs)}`,
    `${style.bold('Tokens/s:')}   output ${formatNumber(figures.outputTokensPerSecond)}, total ${formatNumber(figures.totalTokensPerSecond)}`,
    `${style.bold('RPS:')}        ${formatNumber(figures.rps)}`,
  ];
  if (thresholds !== null) {
    for (const check of thresholds.checks) {
      const value = check.value === null ? 'n/a' : check.name === 'success_rate' ? formatPercent(check.value) : `${formatNumber(check.value)} ms`;
      const limit = check.name === 'success_rate' ? formatPercent(check.limit) : `${check.limit} ms`;
      const verdict = check.passed ? style.green('pass') : style.red('FAIL');
      lines.push(`${style.bold('Check:')}      ${verdict} ${check.name === 'success_rate' ? 'success rate' : check.name}: ${value} (${check.op} ${limit})`);
    }
    for (const note of thresholds.unchecked) lines.push(`${style.bold('Not checked:')} ${note}`);
  }
  return `${lines.join('\n')}\n`;
}

function formatLatency(latency: PlatformLatency | null): string {
  if (latency === null) return 'n/a (not reported: non-streamed requests have no TTFT)';
  return `mean ${formatMs(latency.mean)}, p50 ${formatMs(latency.p50)}, p95 ${formatMs(latency.p95)}, max ${formatMs(latency.max)}`;
}

function formatMs(ms: number | null): string {
  return ms === null ? 'n/a' : formatDuration(ms);
}

/** Two decimals, rounded down: 89.996% must not show as a passing-looking 90.00%. */
function formatPercent(fraction: number | null): string {
  return fraction === null ? 'n/a' : formatPct(fraction, { digits: 2 });
}

function formatNumber(value: number | null): string {
  if (value === null) return 'n/a';
  return Number.isInteger(value) ? String(value) : value.toFixed(2);
}
