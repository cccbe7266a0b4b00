import { readFile, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { z } from 'zod';
import { AppError, inputError } from '../failures/errors.js';
import { parseSlo } from '../metrics/slo.js';
import { DEFAULT_API_TYPE } from '../protocol/registry.js';
import type { SloCheck } from '../model/plan.js';
import { readRecords, recordsSpan, summarizeRecords } from '../metrics/from-records.js';
import { summarizeScenarios } from '../metrics/scenarios.js';
import { stepsOfRun } from '../metrics/steps.js';
import { isDerivedNote } from '../metrics/summarize.js';
import type { LatencyStats, RequestRecord, Summary } from '../model/summary.js';

/** A run found on disk: its records (the source of truth) and the summary.json written with them, if any. */
export interface RunOnDisk {
  /** The run's folder. */
  dir: string;
  recordsPath: string | null;
  records: RequestRecord[] | null;
  /** Lines of results.jsonl that were not a record (a last line cut off by a crash). */
  skipped: number;
  summaryPath: string | null;
  summary: Summary | null;
  /** Why the summary.json found beside the records was not used (damaged, unreadable); null when it was or there is none. */
  summaryIgnored: string | null;
}

const SUMMARY_FILE = 'summary.json';
const RECORDS_FILE = 'results.jsonl';
const ARG_HINT = 'give a run folder (with results.jsonl or summary.json), a summary.json or a results.jsonl';

// Checked loosely: only what the reports read must be there; a later version's extra fields pass. What
// is read is bounded: a count is a whole number, a latency is not negative, a rate is a rate.
const ms = z.number().min(0).max(1e9);
const statsSchema = z.looseObject({ count: z.number().int().min(0), p50: ms.nullable(), p95: ms.nullable(), p99: ms.nullable() });
// The settings the readers use, typed; a field of another type would be misread, so the file is refused.
const configSchema = z.looseObject({
  name: z.string().optional(),
  concurrentUsers: z.number().optional(),
  durationS: z.number().optional(),
  warmupS: z.number().optional(),
  rate: z.number().nullable().optional(),
  maxRequests: z.number().nullable().optional(),
  workers: z.number().optional(),
  successThreshold: z.number().optional(),
  loadMode: z.string().optional(),
  arrival: z.string().nullable().optional(),
  step: z.looseObject({ startUsers: z.number(), maxUsers: z.number(), increment: z.number(), durationS: z.number() }).nullable().optional(),
  slo: z.array(z.string()).optional(),
});
const summarySchema = z.looseObject({
  target: z.looseObject({ url: z.string(), model: z.string(), apiType: z.string() }),
  config: configSchema,
  requests: z
    .looseObject({ total: z.number().int().min(0), ok: z.number().int().min(0), failed: z.number().int().min(0), successRate: z.number().min(0).max(1).nullable() })
    .refine((requests) => requests.ok <= requests.total && requests.failed <= requests.total, { message: 'more ok or failed requests than requests' }),
  rps: z.number().min(0),
  tokens: z.looseObject({ outputPerSecond: z.number().min(0) }),
  latency: z.looseObject({ ttft: statsSchema, itl: statsSchema, e2e: statsSchema, chunkGap: statsSchema.optional() }),
  generator: z.looseObject({ verdict: z.string(), reasons: z.array(z.string()) }),
});

/**
 * Resolve `path` (a run folder, a summary.json or a results.jsonl) and read what is there. `needRecords`:
 * the caller cannot work without results.jsonl (the report command).
 */
export async function readRunOnDisk(path: string, cwd: string, options: { needRecords: boolean }): Promise<RunOnDisk> {
  const full = resolve(cwd, path);
  const kind = await statKind(full);
  if (kind === null) throw inputError('RUN_NOT_FOUND', `${path}: no such file or folder`, ARG_HINT);

  let dir = full;
  let recordsPath: string | null = null;
  let summaryPath: string | null = null;
  if (kind === 'dir') {
    recordsPath = (await statKind(join(full, RECORDS_FILE))) === 'file' ? join(full, RECORDS_FILE) : null;
    summaryPath = (await statKind(join(full, SUMMARY_FILE))) === 'file' ? join(full, SUMMARY_FILE) : null;
    if (recordsPath === null && summaryPath === null) {
      throw inputError('NOT_A_RUN_DIR', `${path}: not a run folder (no ${RECORDS_FILE} or ${SUMMARY_FILE} in it)`, ARG_HINT);
    }
  } else {
    dir = dirname(full);
    if (full.endsWith('.jsonl')) {
      recordsPath = full;
      // The summary beside the records gives the target and settings the records do not hold.
      const beside = join(dir, SUMMARY_FILE);
      summaryPath = (await statKind(beside)) === 'file' ? beside : null;
    } else {
      summaryPath = full;
    }
  }
  if (options.needRecords && recordsPath === null) {
    // A run with several targets keeps each target's records in its own folder.
    const targets = kind === 'dir' && (await statKind(join(full, 'targets'))) === 'dir';
    throw inputError(
      'NO_RECORDS',
      `${path}: no ${RECORDS_FILE} to read${targets ? ' (a run with several targets: each target has its own folder under targets/)' : ''}`,
      // report and merge both land here: the hint names the folder, not the command.
      targets ? `give one target's folder instead: ${join(path, 'targets', '<name>')}` : `give the run folder that holds ${RECORDS_FILE}, or the file itself`,
    );
  }

  let summary: Summary | null = null;
  let summaryIgnored: string | null = null;
  if (summaryPath !== null) {
    try {
      summary = parseSummary(await readText(summaryPath), summaryPath);
    } catch (error) {
      // Found beside the records, the summary only adds settings: a damaged one (a crash while it was being
      // written) must not stop a report from the records, which are the source of truth.
      if (summaryPath === full || recordsPath === null || !(error instanceof AppError)) throw error;
      summaryIgnored = error.message;
      summaryPath = null;
    }
  }
  let records: RequestRecord[] | null = null;
  let skipped = 0;
  if (recordsPath !== null) {
    const read = readRecords(await readText(recordsPath));
    if (read.records.length === 0) {
      throw inputError(
        'NO_RECORDS',
        `${recordsPath}: no request records in it${read.skipped > 0 ? ` (${read.skipped} lines are not records)` : ''}`,
        `give the results.jsonl of an llm-loadtest run`,
      );
    }
    const span = recordsSpan(read.records);
    if (!span.fits) {
      throw inputError(
        'RECORDS_INVALID',
        `${recordsPath}: the records start from ${new Date(span.firstMs).toISOString()} to ${new Date(span.lastMs).toISOString()}, longer than any run can last (9 days)`,
        'give the results.jsonl of one llm-loadtest run; a file edited or joined from several runs is refused',
      );
    }
    records = read.records;
    skipped = read.skipped;
  }
  return { dir, recordsPath, records, skipped, summaryPath, summary, summaryIgnored };
}

/**
 * The summary re-computed from the records, with what records do not hold (target, settings, pre-check,
 * the generator health and chunk gaps measured live) taken from the run's summary.json when there is one,
 * so a `chunk_gap` SLO is judged again on its live figures instead of failing for want of data.
 */
export function recomputeSummary(records: readonly RequestRecord[], previous: Summary | null): Summary {
  const config = previous?.config ?? { name: 'unknown (no summary.json: the run did not finish)' };
  const successThreshold = config.successThreshold ?? 0.9;
  // Optional on disk: a summary written by hand or by an older version may lack it (the schema allows that).
  const liveChunkGap = previous?.latency.chunkGap as LatencyStats | undefined;
  const slo = readSloFromConfig(config.slo);
  const summary = summarizeRecords(records, {
    target: previous?.target ?? { url: 'unknown (no summary.json)', apiType: DEFAULT_API_TYPE, model: 'unknown', stream: true, headers: {} },
    config,
    successThreshold,
    slo,
    ...(previous === null ? {} : { generator: previous.generator }),
    ...(previous?.precheck === undefined ? {} : { precheck: previous.precheck }),
    ...(liveChunkGap === undefined || liveChunkGap.count === 0 ? {} : { liveChunkGap }),
    // How the run ended and what it said: the records alone do not tell (notes the figures give are re-made).
    ...(previous?.stop === undefined ? {} : { stop: previous.stop }),
    ...(previous?.notes === undefined ? {} : { notes: previous.notes.filter((note) => !isDerivedNote(note)) }),
  });
  // The steps are timed from the run's start and measurement start, which the run's own summary knows exactly.
  const steps = stepsOfRun(previous ?? summary, records, slo);
  // The server's side is not in the records: kept from the run's summary when it has the shape we wrote.
  const server = serverMetricsSchema.safeParse(previous?.serverMetrics);
  const withServer = server.success && previous?.serverMetrics !== undefined ? { ...summary, serverMetrics: previous.serverMetrics } : summary;
  const scenarios = scenariosOfRun(summary, previous, records, slo);
  // Which round a record belongs to is not in the records: a burst's per-round figures are kept as measured.
  const burst = burstSchema.safeParse(previous?.burst).success ? previous?.burst : undefined;
  return {
    ...withServer,
    ...(steps === undefined ? {} : { steps }),
    ...(scenarios === undefined ? {} : { scenarios }),
    ...(burst === undefined ? {} : { burst }),
  };
}

/**
 * The per-scenario figures again from the records, in the order and weights the run's summary names its
 * scenarios (a run without scenarios: undefined).
 */
export function scenariosOfRun(summary: Summary, named: Summary | null, records: readonly RequestRecord[], slo: readonly SloCheck[]): Summary['scenarios'] {
  const scenarios = scenarioNamesSchema.safeParse(named?.scenarios);
  if (!scenarios.success) return undefined;
  return summarizeScenarios(records, { scenarios: scenarios.data.map((entry) => ({ name: entry.scenario, weight: entry.weightShare })), measuredSeconds: summary.measuredSeconds, slo });
}

const scenarioNamesSchema = z.array(z.looseObject({ scenario: z.string(), weightShare: z.number().positive() })).min(1);
const burstSchema = z.looseObject({ users: z.number(), rounds: z.number(), perRound: z.array(z.looseObject({ requests: z.number() })), total: z.looseObject({ requests: z.number() }) });

const serverLatencySchema = z.looseObject({ count: z.number(), mean: z.number().nullable(), p50: z.number().nullable(), p95: z.number().nullable(), p99: z.number().nullable() }).nullable();
const serverMetricsSchema = z.looseObject({
  intervalS: z.number(),
  timeoutMs: z.number(),
  endpoints: z.array(z.looseObject({ url: z.string(), server: z.string(), scrapes: z.number(), failed: z.number(), lastError: z.string().nullable() })),
  ttft: serverLatencySchema,
  e2e: serverLatencySchema,
  queueTime: serverLatencySchema,
  running: z.looseObject({ mean: z.number(), max: z.number() }).nullable(),
  waiting: z.looseObject({ mean: z.number(), max: z.number() }).nullable(),
  kvCacheUsage: z.looseObject({ mean: z.number(), max: z.number() }).nullable(),
  comparison: z.looseObject({ difference: z.looseObject({ mean: z.number().nullable() }), explanation: z.string() }).nullable(),
  saturation: z.looseObject({ state: z.string(), verdict: z.string() }),
  timeline: z.array(z.looseObject({ t: z.number() })),
  percentileMethod: z.string(),
});

/** summary.json keeps the `--slo` checks as written; read them back so goodput and checks are redone. */
function readSloFromConfig(raw: readonly string[] | undefined): SloCheck[] {
  return raw === undefined || raw.length === 0 ? [] : parseSlo(raw.join(','));
}

function parseSummary(text: string, path: string): Summary {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw inputError('NOT_A_SUMMARY', `${path}: not valid JSON`, ARG_HINT);
  }
  const parsed = summarySchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw inputError(
      'NOT_A_SUMMARY',
      `${path}: not an llm-loadtest summary (${issue === undefined ? 'unexpected shape' : `${issue.path.join('.') || basename(path)}: ${issue.message}`})`,
      ARG_HINT,
    );
  }
  // The schema checked what compare and the reports read; the rest is the contract's shape as written.
  return parsed.data as unknown as Summary;
}

async function statKind(path: string): Promise<'file' | 'dir' | null> {
  try {
    const s = await stat(path);
    return s.isDirectory() ? 'dir' : 'file';
  } catch {
    return null;
  }
}

async function readText(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw inputError('RUN_UNREADABLE', `${path}: cannot read (${(error as NodeJS.ErrnoException).code ?? 'error'})`, 'check the path and its permissions');
  }
}
