import { join } from 'node:path';
import { inputError } from '../failures/errors.js';
import type { CapabilityReport } from '../model/capability.js';
import type { HeatmapCell, HeatmapSummary } from '../model/experiment.js';
import type { RunPlan, TargetSpec } from '../model/plan.js';
import type { Summary } from '../model/summary.js';
import type { WorkloadOptions } from '../model/workload.js';
import { defaultWorkload, newRunId } from '../input/workload-options.js';
import { getAdapter } from '../protocol/registry.js';
import { maskUrl } from '../text/mask.js';
import { TOOL_VERSION } from '../version.js';
import { POINT_OVERHEAD_S } from '../metrics/sweep-budget.js';
import { precheckOnce } from './experiment-precheck.js';
import { refuseSeveralTargets, startPoint, type PointRun } from './point-run.js';

export const HEATMAP_DEFAULTS = { users: 1, settleS: 1, cellDurationS: 10 } as const;

export const HEATMAP_METHOD =
  "input: synthetic prompts exact to the token in the model's encoding, each starting with a tag unique to its request (no prefix-cache reuse); output: the API's cap (max_tokens or its own field) set to the size";

export interface HeatmapOptions {
  /** The target, timeouts and SLOs; each cell sends its own sized body. */
  plan: RunPlan;
  cwd: string;
  /** Prompt sizes in tokens (rows). */
  inputSizes: readonly number[];
  /** Answer sizes in tokens, as max_tokens (columns). */
  outputSizes: readonly number[];
  /** Users of every cell (default 1: latency as one user sees it). */
  users?: number;
  settleS?: number;
  cellDurationS?: number;
  onEvent?: (event: HeatmapEvent) => void;
}

export type HeatmapEvent =
  | { type: 'precheck-start'; url: string; timeoutMs: number }
  | { type: 'precheck'; capability: CapabilityReport }
  | { type: 'plan'; cells: number; plannedS: number; outDir: string }
  | { type: 'cell-start'; index: number; inputTokens: number; outputTokens: number }
  | { type: 'cell'; index: number; cell: HeatmapCell }
  | { type: 'done'; summary: HeatmapSummary; outDir: string };

export interface HeatmapRun {
  readonly done: Promise<{ summary: HeatmapSummary; outDir: string }>;
  /** Ends the cell under way (what it measured is kept) and skips the rest. */
  stop(): void;
}

/**
 * A heatmap: one pre-check, then one short local run per input × output size (each its own run folder
 * under `cells/`), then summary.json, heatmap.csv and report.html. Throws AppError.
 */
export function runHeatmap(options: HeatmapOptions): HeatmapRun {
  let current: PointRun | null = null;
  let stopped = false;
  const done = heatmap(options, (cell) => (current = cell), () => stopped);
  return {
    done,
    stop: () => {
      stopped = true;
      current?.stop('interrupted');
    },
  };
}

/**
 * The workload of one cell: synthetic prompts exact to the token in the model's encoding, each starting
 * with a tag unique to its request in the whole heatmap (so no request reads another's prompt from a prefix
 * cache), and the answer
 * asked at the output size through the API's own cap.
 */
export function cellWorkload(base: WorkloadOptions | null | undefined, inputTokens: number, outputTokens: number): WorkloadOptions {
  return {
    ...(base ?? defaultWorkload()),
    // Each cell a run id of its own: conversations are numbered from 0 in every cell, so the tags differ by it.
    runId: newRunId(),
    preset: null,
    inputTokens: { mean: inputTokens, stddev: 0 },
    outputTokens: { mean: outputTokens, stddev: 0 },
    ignoreEos: false,
    cacheBust: true,
    sharedPrefixTokens: 0,
    trace: null,
  };
}

/** A heatmap sizes answers: an API that generates no text (embeddings) is refused before any network. */
function checkOutputSize(target: TargetSpec): void {
  const adapter = getAdapter(target.apiType);
  if (adapter.applyOutputLength === undefined) {
    throw inputError('USAGE', `heatmap: ${adapter.label} generates no text, so it has no output size`, 'point the heatmap at an API that generates text (chat, completions, messages, responses)');
  }
}

async function heatmap(options: HeatmapOptions, onCell: (cell: PointRun | null) => void, isStopped: () => boolean): Promise<{ summary: HeatmapSummary; outDir: string }> {
  const { plan, cwd, inputSizes, outputSizes } = options;
  refuseSeveralTargets(plan, 'heatmap');
  const emit = options.onEvent ?? (() => undefined);
  const users = options.users ?? HEATMAP_DEFAULTS.users;
  const settleS = options.settleS ?? HEATMAP_DEFAULTS.settleS;
  const durationS = options.cellDurationS ?? HEATMAP_DEFAULTS.cellDurationS;
  if (plan.load.testData !== '') {
    throw inputError('USAGE', 'heatmap makes its own prompts of each input size: --test-data does not apply', 'leave out --test-data');
  }
  checkOutputSize(plan.target);
  const targets = inputSizes.flatMap((input) => outputSizes.map((output) => ({ input, output, workload: cellWorkload(plan.load.workload, input, output) })));

  const writer = await import('../engine/results-writer.js');
  const outDir = writer.resolveRunDir({ outDir: plan.output.outDir, name: `heatmap-${plan.load.name}`, cwd });
  const capability = plan.skipPrecheck ? undefined : await precheckOnce(plan.target, plan.precheckTimeoutMs, emit);
  writer.createRunDir(outDir);
  const plannedS = targets.length * (settleS + durationS + POINT_OVERHEAD_S);
  emit({ type: 'plan', cells: targets.length, plannedS, outDir });

  const startedAt = new Date();
  const cells: HeatmapCell[] = [];
  for (const [i, { input, output, workload }] of targets.entries()) {
    if (isStopped()) break;
    emit({ type: 'cell-start', index: i + 1, inputTokens: input, outputTokens: output });
    const run = startPoint(
      plan,
      { users, rate: null, settleS, durationS, outDir: join(outDir, 'cells', `in${input}-out${output}`), name: `${plan.load.name} in ${input} out ${output}`, workload },
      cwd,
      capability,
    );
    onCell(run);
    const summary = await run.done;
    onCell(null);
    const cell = cellOf(summary, input, output);
    cells.push(cell);
    emit({ type: 'cell', index: i + 1, cell });
  }
  const summary: HeatmapSummary = {
    tool: 'llm-loadtest',
    version: TOOL_VERSION,
    kind: 'heatmap',
    target: { url: maskUrl(plan.target.url), apiType: plan.target.apiType, model: plan.target.model },
    startedAt: startedAt.toISOString(),
    endedAt: new Date().toISOString(),
    inputSizes: [...inputSizes],
    outputSizes: [...outputSizes],
    users,
    cells,
    method: HEATMAP_METHOD,
    budget: { plannedS, spentS: Math.round((Date.now() - startedAt.getTime()) / 100) / 10 },
  };
  const { writeHeatmapFiles } = await import('./experiment-files.js');
  await writeHeatmapFiles(outDir, summary);
  emit({ type: 'done', summary, outDir });
  return { summary, outDir };
}

function cellOf(summary: Summary, inputTokens: number, outputTokens: number): HeatmapCell {
  const { ok, failed } = summary.requests;
  const { ttft, e2e } = summary.latency;
  const mean = (total: number): number | null => (ok === 0 ? null : Math.round((total / ok) * 10) / 10);
  return {
    inputTokens,
    outputTokens,
    measuredInputTokens: mean(summary.tokens.input),
    measuredOutputTokens: mean(summary.tokens.output),
    requests: { ok, failed },
    rps: summary.rps,
    outputTokensPerSecond: summary.tokens.outputPerSecond,
    ttftMs: { p50: ttft.p50, p95: ttft.p95 },
    e2eMs: { p50: e2e.p50, p95: e2e.p95 },
    outDir: summary.outDir ?? '',
  };
}
