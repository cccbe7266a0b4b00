/**
 * Figures re-computed from results.jsonl alone (the `report` command, and any later look at a run): the
 * records are replayed into a Recorder, so the numbers follow the same definitions as the live summary.
 * What the records do not hold is said, not invented: chunk gaps (count 0, or the live figures when given),
 * generator health, and the user count, taken as the users with a request in flight in each second.
 */
import { z } from 'zod';
import { RECORD_CATEGORIES } from '../failures/categories.js';
import { judgeGenerator, type GeneratorHealth } from './generator-verdict.js';
import { maxOf, minOf } from './math.js';
import { Recorder } from './recorder.js';
import { PERCENTILE_METHOD, summarize, type SummaryContext } from './summarize.js';
import type { RequestRecord, Summary } from '../model/summary.js';

/**
 * Bounds of what a record can hold, so a crafted or damaged file cannot make the figures (or their
 * allocations) absurd: a time is at most a day (the longest --timeout, docs/cli.md "Load"), a count
 * at most a billion.
 */
const MAX_RECORD_MS = 86_400_000;
const MAX_COUNT = 1_000_000_000;
const durationMs = z.number().min(0).max(MAX_RECORD_MS).nullable().default(null);
const count = z.number().int().min(0).max(MAX_COUNT);

// Loose: fields a later version adds are kept (the HTML report may use them); the ones we read are checked.
const requestRecordSchema = z.looseObject({
  ts: z.string().max(40),
  phase: z.enum(['warmup', 'measure']),
  user: count,
  seq: count,
  ok: z.boolean(),
  status: z.number().int().min(100).max(999).nullable().default(null),
  errorCategory: z.enum(RECORD_CATEGORIES).nullable().default(null),
  error: z.string().max(10_000).nullable().default(null),
  ttftMs: durationMs,
  ttfoMs: durationMs,
  e2eMs: durationMs,
  itlMs: durationMs,
  chunks: count.default(0),
  inputTokens: count.nullable().default(null),
  outputTokens: count.nullable().default(null),
  reasoningTokens: count.nullable().default(null),
  tokenSource: z.enum(['usage', 'tokenizer']).nullable().default(null),
  inputTokenSource: z.enum(['usage', 'tokenizer']).nullable().default(null),
  countedOutputTokens: count.nullable().default(null),
  queueMs: durationMs,
  scenario: z.string().max(1000).nullable().default(null),
  turn: count.nullable().default(null),
});

/**
 * The longest span a run's records can have: a week of load, a day of warmup, a day for the last
 * request (docs/cli.md "Load"). Records spread wider are not one run (and would size the timeline).
 */
const MAX_RUN_SPAN_MS = (604_800 + 86_400 + 86_400) * 1000;

/** The first and last start time of the records, and whether they fit in one run. */
export function recordsSpan(records: readonly RequestRecord[]): { firstMs: number; lastMs: number; fits: boolean } {
  let firstMs = Infinity;
  let lastMs = -Infinity;
  for (const record of records) {
    const at = Date.parse(record.ts);
    if (at < firstMs) firstMs = at;
    if (at > lastMs) lastMs = at;
  }
  return { firstMs, lastMs, fits: records.length === 0 || lastMs - firstMs <= MAX_RUN_SPAN_MS };
}

export interface ReadRecordsResult {
  records: RequestRecord[];
  /** Lines that were not a record: a truncated last line after a crash, or foreign text. */
  skipped: number;
}

/** Parse results.jsonl text; blank lines are ignored, lines that are not a record are counted in `skipped`. */
export function readRecords(text: string): ReadRecordsResult {
  const records: RequestRecord[] = [];
  let skipped = 0;
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const record = parseRecordLine(line);
    if (record === null || Number.isNaN(Date.parse(record.ts))) skipped += 1;
    else records.push(record);
  }
  return { records, skipped };
}

function parseRecordLine(line: string): RequestRecord | null {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return null;
  }
  const parsed = requestRecordSchema.safeParse(value);
  return parsed.success ? parsed.data : null;
}

/** What summarizeRecords needs beyond the records; times and health default to what the records show. */
export type RecordsContext = Omit<SummaryContext, 'startedAt' | 'endedAt' | 'generator'> &
  Partial<Pick<SummaryContext, 'startedAt' | 'endedAt' | 'generator'>>;

export const RECOMPUTED_NOTE = 're-computed from results.jsonl, which keeps no chunk gaps (chunk gap count 0)';
export const RECOMPUTED_LIVE_GAPS_NOTE = 're-computed from results.jsonl; chunk gaps as measured live (results.jsonl keeps none)';

export function summarizeRecords(records: readonly RequestRecord[], context: RecordsContext): Summary {
  const startsMs = records.map((record) => Date.parse(record.ts));
  const runStartMs = minOf(startsMs) ?? 0;
  const endsMs = records.map((record, i) => (startsMs[i] as number) + (record.e2eMs ?? 0));
  const recorder = new Recorder({ runStartMs, slo: context.slo });

  recorder.startMeasuring(minOf(startsMs.filter((_, i) => records[i]?.phase === 'measure')) ?? runStartMs);
  for (const [second, users] of usersPerSecond(records, startsMs, endsMs, runStartMs).entries()) {
    recorder.setUsers(users, runStartMs + second * 1000);
  }
  records.forEach((record, i) => {
    recorder.recordStart(startsMs[i] as number, record.phase);
    recorder.recordRequest(record, endsMs[i] as number, startsMs[i] as number);
  });
  const sendEndMs = findSendEndMs(records, startsMs, endsMs, context);
  if (sendEndMs !== null) recorder.stopSending(sendEndMs);

  const summary = summarize(recorder.snapshot(), {
    ...context,
    startedAt: context.startedAt ?? new Date(runStartMs).toISOString(),
    endedAt: context.endedAt ?? new Date(maxOf(endsMs) ?? runStartMs).toISOString(),
    generator: context.generator ?? unmeasuredHealth(),
  });
  summary.percentileMethod = `${PERCENTILE_METHOD}; ${context.liveChunkGap === undefined ? RECOMPUTED_NOTE : RECOMPUTED_LIVE_GAPS_NOTE}`;
  return summary;
}

/**
 * When sending stopped (the end of the measured window): the stop the live run recorded, else the end
 * of --duration after the first measured send; null after --max-requests (the last completion ends it).
 */
function findSendEndMs(
  records: readonly RequestRecord[],
  startsMs: readonly number[],
  endsMs: readonly number[],
  context: RecordsContext,
): number | null {
  const stop = context.stop;
  if (stop?.reason === 'max-requests') return null;
  const stopAt = stop?.at ?? null;
  const stopAtMs = stopAt === null ? Number.NaN : Date.parse(stopAt);
  if (Number.isFinite(stopAtMs)) return stopAtMs;
  const durationS = context.config.durationS;
  const measureStartMs = minOf(startsMs.filter((_, i) => records[i]?.phase === 'measure'));
  const maxRequests = context.config.maxRequests ?? null;
  if (durationS === undefined || measureStartMs === null || maxRequests !== null) return null;
  // A run stopped early (without a recorded stop) ends with its last completion at the latest; and
  // records sent after the planned end (settings that do not fit the records) are believed over them.
  const lastStartMs = maxOf(startsMs.filter((_, i) => records[i]?.phase === 'measure')) ?? measureStartMs;
  return Math.max(lastStartMs, Math.min(measureStartMs + durationS * 1000, maxOf([...endsMs]) ?? Number.POSITIVE_INFINITY));
}

/** Distinct users with a request in flight during each second since the run's start. */
function usersPerSecond(
  records: readonly RequestRecord[],
  startsMs: readonly number[],
  endsMs: readonly number[],
  runStartMs: number,
): number[] {
  const active: Set<number>[] = [];
  records.forEach((record, i) => {
    const first = Math.floor(((startsMs[i] as number) - runStartMs) / 1000);
    const last = Math.floor(((endsMs[i] as number) - runStartMs) / 1000);
    for (let second = first; second <= last; second++) (active[second] ??= new Set()).add(record.user);
  });
  return Array.from(active, (users) => users?.size ?? 0);
}

function unmeasuredHealth(): GeneratorHealth {
  return judgeGenerator({
    eventLoopDelayP99Ms: null,
    maxMs: null,
    cpuPct: null,
    openFileLimit: null,
    generatorErrors: 0,
    finishedRequests: null,
    maxUsers: null,
    notes: ['generator health was not measured here: figures re-computed from results.jsonl'],
  });
}
