/**
 * The human report printed at the end of a local run (stdout, or stderr under --json): compact and aligned
 * like k6's and vLLM bench's end-of-test summaries, with the verdicts (thresholds, generator) a user has to
 * believe or doubt the numbers by. Returns a string, coloured by the style the caller passes (cli/ picks it
 * for the stream it writes to; plain by default).
 */
import { join } from 'node:path';
import { LATENCY_METRICS } from '../model/metric-catalog.js';
import * as format from '../text/format.js';
import { PLAIN_STYLE, type TextStyle } from '../text/style.js';
import type { Summary, SummaryConfig, ThresholdCheck } from '../model/summary.js';
import { escapeControl } from '../text/escape.js';
import { maskUrlOnce } from './mask-once.js';
import { buildStepsTable } from './steps-table.js';
import { buildScenariosTable } from './scenarios-table.js';
import { renderServerMetricsLines } from './server-metrics-console.js';
import { renderComparisonLines } from './comparison-console.js';

export interface ConsoleReportOptions {
  style?: TextStyle;
  /** Where the run's files are; the "Files:" block lists them. */
  outDir?: string;
}

export const RUN_FILES = ['summary.json', 'results.jsonl', 'report.html', 'report.csv', 'metrics.prom'] as const;

const LABEL_WIDTH = 12;
const COLUMN_WIDTH = 9;
const LATENCY_COLUMNS = ['mean', 'p50', 'p90', 'p95', 'p99', 'max'] as const;

export function renderConsoleReport(summary: Summary, options: ConsoleReportOptions): string {
  const style = options.style ?? PLAIN_STYLE;
  const lines: string[] = [];
  const row = (label: string, value: string): void => {
    lines.push(`${style.dim(label.padEnd(LABEL_WIDTH))}${value}`);
  };
  const section = (title: string): void => {
    lines.push('', style.bold(title));
  };

  lines.push(style.bold(`${summary.tool} ${summary.version} · local run · ${summary.startedAt} → ${summary.endedAt}`));
  const stop = summary.stop;
  if (summary.verdict === 'interrupted' || stop?.reason === 'interrupted') {
    const when = stop?.at === null || stop?.at === undefined ? '' : ` at ${stop.at}${stop.atS === null ? '' : ` (${formatNumber(stop.atS, 1)} s in)`}`;
    lines.push(style.red(`INTERRUPTED${when}: ${escapeControl(stop?.detail ?? 'stopped from outside')}; the figures cover the part of the run before the stop`));
  }
  // Masked again if need be: `report` may read a summary.json that another tool wrote, as html and prom do.
  // Strings that came from the server or a file are escaped: the terminal shows them, never obeys them.
  row('Target', escapeControl(maskUrlOnce(summary.target.url)));
  row('Model', `${escapeControl(summary.target.model)} · ${summary.target.apiType} · ${summary.target.stream ? 'streaming' : 'not streaming'}`);
  const load = describeLoad(summary.config);
  if (load !== null) row('Load', load);
  if (summary.comparison !== undefined) lines.push('', ...renderComparisonLines(summary.comparison, summary.targets ?? [], style));

  section('Requests');
  const { ok, failed, incomplete, successRate } = summary.requests;
  const failedText = failed > 0 ? style.red(`${formatCount(failed)} failed`) : '0 failed';
  const incompleteText = incomplete > 0 ? ` · ${formatCount(incomplete)} incomplete (in flight at the stop)` : '';
  row('Finished', `${formatCount(ok)} ok · ${failedText}${incompleteText}`);
  row('Success', successRate === null ? 'n/a (no measured request finished)' : format.formatPct(successRate));
  const drain = summary.drainSeconds === undefined || summary.drainSeconds === 0 ? '' : ` · then ${formatNumber(summary.drainSeconds, 1)} s drain (not in the window)`;
  row('Window', `${formatNumber(summary.measuredSeconds, 1)} s measured${describeWarmup(summary)}${drain}`);

  section('Throughput');
  const rates = summary.rates;
  if (rates !== undefined) {
    const offered = rates.offered === null ? '' : `offered ${formatNumber(rates.offered, 2)} · `;
    row('Sending', `${offered}sent ${formatNumber(rates.sent, 2)} req/s`);
    row('Completed', `${formatNumber(rates.completed, 2)} req/s total (ok + failed)`);
  }
  row('Requests', `${formatNumber(summary.rps, 2)} req/s successful`);
  if (summary.vectors === undefined) {
    row('Output', `${formatNumber(summary.tokens.outputPerSecond, 1)} tok/s`);
    row('Total', `${formatNumber(summary.tokens.totalPerSecond, 1)} tok/s (input + output)`);
  } else {
    // Embeddings generate no tokens: their throughput is vectors and input tokens.
    row('Vectors', `${formatNumber(summary.vectors.perSecond, 1)} vectors/s · ${formatCount(summary.vectors.total)} vectors`);
    row('Input', `${formatNumber(summary.tokens.totalPerSecond, 1)} tok/s`);
  }
  if (summary.goodput !== null) row('Goodput', `${formatNumber(summary.goodput, 2)} req/s meeting every SLO`);
  const inputEstimated = summary.tokens.inputSource === 'tokenizer' || summary.tokens.inputSource === 'mixed';
  row(
    'Tokens',
    `${formatCount(summary.tokens.input)} in${inputEstimated ? ' (estimated from the prompt text)' : ''} · ${formatCount(summary.tokens.output)} out · ${describeTokenSource(summary.tokens.source)}`,
  );
  const cached = summary.tokens.cached;
  if (cached !== undefined) {
    row('Cached', `${formatCount(cached.input)} input tokens read from the server's prompt cache${cached.sharePct === null ? '' : ` (${formatNumber(cached.sharePct, 1)}% of input)`}`);
  }
  const reconciliation = summary.tokens.reconciliation ?? null;
  if (reconciliation !== null && reconciliation.driftPct !== null) {
    const drift = `usage ${reconciliation.driftPct > 0 ? '+' : ''}${formatNumber(reconciliation.driftPct, 1)}% vs our count over ${formatCount(reconciliation.requests)} requests (tolerance ±${reconciliation.tolerancePct}%)`;
    row('Usage drift', reconciliation.flagged ? style.red(`${drift}: FLAGGED`) : drift);
  }

  section('Latency (ms)');
  lines.push(style.dim(`${''.padEnd(LABEL_WIDTH)}${[...LATENCY_COLUMNS, 'count'].map((c) => c.padStart(COLUMN_WIDTH)).join('')}`));
  for (const { key, label } of LATENCY_METRICS) {
    const stats = summary.latency[key];
    if (stats === undefined) continue;
    if (stats.notMeasured !== undefined) {
      lines.push(`${label.padEnd(LABEL_WIDTH)}${style.dim('not measured (no streaming)')}`);
      continue;
    }
    const cells = LATENCY_COLUMNS.map((column) => formatMsCell(stats[column]).padStart(COLUMN_WIDTH));
    lines.push(`${label.padEnd(LABEL_WIDTH)}${cells.join('')}${formatCount(stats.count).padStart(COLUMN_WIDTH)}`);
  }
  lines.push(style.dim(describeLegend(summary)));
  lines.push(...renderServerMetricsLines(summary.serverMetrics, style));

  if (summary.steps !== undefined && summary.steps.length > 0) {
    section(summary.config.stages ? 'Per stage' : 'Per step');
    const table = buildStepsTable(summary.steps);
    const widths = table.heads.map((head, i) => Math.max(head.length, ...table.rows.map((cells) => (cells[i] as string).length)));
    const line = (cells: readonly string[]): string => `  ${cells.map((cell, i) => (i < 3 ? cell.padEnd(widths[i] as number) : cell.padStart(widths[i] as number))).join('  ')}`;
    lines.push(style.dim(line(table.heads)));
    for (const cells of table.rows) lines.push(line(cells));
    lines.push(style.dim(`  ${table.settleNote}`));
  }

  if (summary.scenarios !== undefined && summary.scenarios.length > 0) {
    section('Per scenario');
    const table = buildScenariosTable(summary.scenarios);
    const widths = table.heads.map((head, i) => Math.max(head.length, ...table.rows.map((cells) => (cells[i] as string).length)));
    const line = (cells: readonly string[]): string => `  ${cells.map((cell, i) => (i < 1 ? cell.padEnd(widths[i] as number) : cell.padStart(widths[i] as number))).join('  ')}`;
    lines.push(style.dim(line(table.heads)));
    for (const cells of table.rows) lines.push(line(cells));
    lines.push(style.dim(`  ${table.note}`));
  }

  const categories = Object.entries(summary.errors.byCategory).sort((a, b) => b[1] - a[1]);
  if (categories.length > 0) {
    section('Errors');
    const width = Math.max(...categories.map(([category]) => category.length)) + 2;
    for (const [category, count] of categories) {
      const sample = summary.errors.samples[category];
      const label = category === 'generator' ? `${category} (ours, not the server's)` : category;
      lines.push(`  ${style.red(label.padEnd(width))}${formatCount(count).padStart(6)}${sample === undefined ? '' : `  ${style.dim(escapeControl(quote(sample)))}`}`);
    }
    const statuses = Object.entries(summary.errors.byStatus).sort((a, b) => b[1] - a[1]);
    if (statuses.length > 0) lines.push(`  ${style.dim('by status:')} ${statuses.map(([status, count]) => `${status} ×${formatCount(count)}`).join(', ')}`);
  }

  section(`Thresholds: ${summary.thresholds.passed ? style.green('passed') : style.red('FAILED')}`);
  for (const check of summary.thresholds.checks) lines.push(`  ${describeCheck(check, style)}`);

  // The interruption has its own line at the top; notes may come from a file `report` read: escaped.
  const notes = (summary.notes ?? []).filter((note) => !note.startsWith('interrupted: '));
  if (notes.length > 0) {
    section('Notes');
    for (const note of notes) lines.push(`  - ${escapeControl(note)}`);
  }

  const generator = summary.generator;
  const verdictColor = generator.verdict === 'ok' ? style.green : generator.verdict === 'degraded' ? style.yellow : style.red;
  section(`Generator: ${verdictColor(generator.verdict)}`);
  lines.push(`  ${style.dim(describeGeneratorFigures(generator))}`);
  for (const reason of generator.reasons) lines.push(`  - ${reason}`);

  if (options.outDir !== undefined) {
    section('Files:');
    // Several targets: each target's records are in its own folder, not beside the run's summary.
    const files = summary.targets === undefined ? RUN_FILES : [...RUN_FILES.filter((file) => file !== 'results.jsonl'), ...summary.targets.map((target) => `${target.dir}/`)];
    for (const file of files) lines.push(`  ${join(options.outDir, file)}`);
    if (summary.serverMetrics !== undefined) lines.push(`  ${join(options.outDir, 'server-metrics.jsonl')}`);
  }
  return lines.join('\n');
}

function describeLoad(config: SummaryConfig): string | null {
  const users = config.concurrentUsers ?? null;
  const { durationS, warmupS, rate, step, workers, maxRequests, burst, stages } = config;
  const trace = config.workload?.trace ?? null;
  // A burst, a trace and a profile's stages shape the load themselves: their plan's users, duration and
  // request cap are the engine's means to run them, not what the user asked for.
  if (burst !== undefined && burst !== null) {
    const rounds = burst.rounds > 1 ? ` × ${formatCount(burst.rounds)} rounds${burst.pauseS > 0 ? `, ${formatNumber(burst.pauseS, 1)} s apart` : ''}` : '';
    return `burst of ${formatCount(burst.users)} requests at once (one per user)${rounds}`;
  }
  const parts: string[] = [];
  if (trace !== null) {
    parts.push(`trace replay of ${formatCount(trace.requests)} requests (${trace.path}${trace.speedup === 1 ? '' : `, ${formatNumber(trace.speedup, 2)}× as fast`})${users === null ? '' : `, at most ${users} in flight`}`);
    if (durationS !== undefined) parts.push(`at most ${formatNumber(durationS, 0)} s`);
    if (workers !== undefined && workers > 1) parts.push(`${workers} threads`);
    return parts.join(' · ');
  }
  if (stages !== undefined && stages !== null && stages.length > 0) {
    const rates = stages.every((stage) => stage.rate !== null);
    const levels = stages.map((stage) => (rates ? `${formatNumber(stage.rate ?? 0, 2)}` : `${stage.users ?? 0}`)).join(' → ');
    parts.push(`${stages.length} stage${stages.length === 1 ? '' : 's'}: ${levels} ${rates ? `req/s${users === null ? '' : `, at most ${users} in flight`}` : 'users'}`);
  } else if (rate !== undefined && rate !== null) {
    const arrival = config.arrival === undefined || config.arrival === null ? '' : `${config.arrival} `;
    parts.push(`open loop ${formatNumber(rate, 2)} req/s ${arrival}arrivals${users === null ? '' : `, at most ${users} in flight`}`);
  } else if (config.loadMode === 'stepped' && step !== undefined && step !== null) {
    parts.push(`stepped ${step.startUsers} → ${step.maxUsers} users (+${step.increment} every ${step.durationS} s)`);
  } else if (users !== null) {
    parts.push(`${users} user${users === 1 ? '' : 's'} (closed loop)`);
  }
  if (durationS !== undefined) parts.push(`${formatNumber(durationS, 0)} s${warmupS !== undefined && warmupS > 0 ? ` + ${formatNumber(warmupS, 0)} s warmup` : ''}`);
  if (maxRequests !== undefined && maxRequests !== null) parts.push(`at most ${formatCount(maxRequests)} requests`);
  if (workers !== undefined && workers > 1) parts.push(`${workers} threads`);
  return parts.length === 0 ? null : parts.join(' · ');
}

function describeWarmup(summary: Summary): string {
  const warmupS = summary.measureStartS ?? 0;
  return warmupS > 0 ? ` (after ${formatNumber(warmupS, 1)} s of warmup, not counted)` : '';
}

function describeTokenSource(source: Summary['tokens']['source']): string {
  switch (source) {
    case 'usage':
      return 'counts from the server’s usage';
    case 'tokenizer':
      return 'counted with a tokenizer (the server reported no usage): estimates';
    case 'mixed':
      return 'mixed: server usage where reported, a tokenizer elsewhere';
    case 'none':
      return 'none counted';
  }
}

function describeLegend(summary: Summary): string {
  const lines = [
    'TTFT: first generated content (incl. reasoning) · TTFO: first non-reasoning output · E2E: whole response',
    'ITL: (E2E − TTFT) / (output tokens − 1) per request (vLLM TPOT, AIPerf ITL) · chunk gap: between content chunks (vLLM ITL)',
    'Rates: per second of the measured window (start of measurement → end of sending); requests finishing in the drain count, its time does not',
  ];
  if (summary.latency.queue !== undefined) lines.push('Queue: scheduled send → sent · E2E sched.: E2E from the scheduled time (no coordinated omission)');
  lines.push(`Percentiles: ${summary.percentileMethod}`);
  return lines.map((line) => `  ${line}`).join('\n');
}

function describeCheck(check: ThresholdCheck, style: TextStyle): string {
  const mark = check.result === 'not_checked' ? style.yellow('–') : check.passed ? style.green('✓') : style.red('✗');
  const isRate = check.name === 'success_rate';
  const show = (value: number): string => (isRate ? format.formatPct(value) : `${formatMsCell(value)} ms`);
  const value = check.value === null ? 'no value' : show(check.value);
  const note = check.note === undefined ? '' : style.dim(` (${check.note})`);
  return `${mark} ${check.name.padEnd(22)} ${value} ${check.op} ${show(check.limit)}${note}`;
}

function describeGeneratorFigures(generator: Summary['generator']): string {
  const busy = generator.eventLoopUtilization ?? null;
  const parts = [
    `event loop p99 ${generator.eventLoopDelayP99Ms === null ? 'n/a' : `${formatNumber(generator.eventLoopDelayP99Ms, 1)} ms`}`,
    `max ${generator.maxMs === null ? 'n/a' : `${formatNumber(generator.maxMs, 1)} ms`}`,
    `CPU ${generator.cpuPct === null ? 'n/a' : format.formatPercentage(generator.cpuPct, { digits: 0, round: 'nearest', grouping: false })}`,
    ...(busy === null ? [] : [`loop busy ${format.formatPct(busy, { digits: 0, round: 'nearest' })}`]),
    ...(generator.scheduleLagP99Ms === undefined ? [] : [`schedule lag p99 ${describeLag(generator.scheduleLagP99Ms)}, max ${describeLag(generator.scheduleLagMaxMs ?? null)}`]),
    `open files ${generator.openFileLimit === null ? 'n/a' : formatCount(generator.openFileLimit)}`,
    `generator errors ${formatCount(generator.generatorErrors)}`,
  ];
  return parts.join(' · ');
}

/** Schedule lag is sub-millisecond when the pacer keeps up: two decimals. */
function describeLag(ms: number | null): string {
  return ms === null ? 'n/a' : `${formatNumber(ms, 2)} ms`;
}

/** The console rounds numbers as they are written (394.95 → 395.0), as `toLocaleString` did here. */
const WRITTEN: format.NumberStyle = { rounding: 'written' };

function formatMsCell(ms: number | null): string {
  return ms === null ? '-' : format.formatMs(ms, 'column', WRITTEN);
}

function formatNumber(value: number, digits: number): string {
  return format.formatNumber(value, digits, WRITTEN);
}

function formatCount(value: number): string {
  return format.formatCount(value, WRITTEN);
}

function quote(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return `"${oneLine.length > 100 ? `${oneLine.slice(0, 99)}…` : oneLine}"`;
}
