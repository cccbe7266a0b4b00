import { inputError } from '../failures/errors.js';
import { MAX_SYNTHETIC_TOKENS, type TraceRequest } from '../model/workload.js';

const HINT =
  'give a JSONL file with one {"timestamp": <ms>, "input_length": <tokens>, "output_length": <tokens>, "hash_ids": [<int>, ...]} per line (hash_ids optional), timestamps in milliseconds, not decreasing';

/** Requests of one trace, at most: each is a planned arrival held in memory until it is sent. */
export const MAX_TRACE_REQUESTS = 10_000_000;

/**
 * A Mooncake-style trace (docs/cli.md "Trace replay"): one JSON object per line with `timestamp` (ms),
 * `input_length`, `output_length` and optional `hash_ids`; blank lines skipped, other fields ignored.
 * Times become offsets from the first request. Every error names the file and the line.
 */
export function parseTrace(text: string, label: string): TraceRequest[] {
  const requests: TraceRequest[] = [];
  const lines = text.split('\n');
  let firstMs: number | null = null;
  let previousMs = -Infinity;
  for (let index = 0; index < lines.length; index += 1) {
    const content = (lines[index] as string).trim();
    if (content === '') continue;
    const where = `--trace ${label} line ${index + 1}`;
    let value: unknown;
    try {
      value = JSON.parse(content);
    } catch {
      throw inputError('TRACE_INVALID', `${where}: not valid JSON`, HINT);
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw inputError('TRACE_INVALID', `${where}: expected a JSON object`, HINT);
    const item = value as Record<string, unknown>;
    const timestamp = item['timestamp'];
    if (typeof timestamp !== 'number' || !Number.isFinite(timestamp) || timestamp < 0) {
      throw inputError('TRACE_INVALID', `${where}: "timestamp" must be a number of milliseconds ≥ 0, got ${describe(timestamp)}`, HINT);
    }
    if (timestamp < previousMs) {
      throw inputError('TRACE_INVALID', `${where}: "timestamp" ${timestamp} is before the previous line's ${previousMs}`, 'sort the trace by timestamp');
    }
    previousMs = timestamp;
    const inputTokens = tokenCount(item['input_length'], 'input_length', where, 1);
    const outputTokens = tokenCount(item['output_length'], 'output_length', where, 1);
    const hashIds = item['hash_ids'] === undefined || item['hash_ids'] === null ? [] : readHashIds(item['hash_ids'], where);
    firstMs ??= timestamp;
    if (requests.length >= MAX_TRACE_REQUESTS) {
      throw inputError('TRACE_INVALID', `--trace ${label}: more than ${MAX_TRACE_REQUESTS} requests`, 'split the trace, or replay a part of it');
    }
    requests.push({ atMs: timestamp - firstMs, inputTokens, outputTokens, hashIds });
  }
  if (requests.length === 0) throw inputError('TRACE_EMPTY', `--trace ${label}: no requests found`, HINT);
  return requests;
}

function tokenCount(value: unknown, field: string, where: string, min: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > MAX_SYNTHETIC_TOKENS) {
    throw inputError('TRACE_INVALID', `${where}: "${field}" must be a whole number from ${min} to ${MAX_SYNTHETIC_TOKENS}, got ${describe(value)}`, HINT);
  }
  return value;
}

function readHashIds(value: unknown, where: string): number[] {
  if (!Array.isArray(value) || !value.every((id) => typeof id === 'number' && Number.isSafeInteger(id) && id >= 0)) {
    throw inputError('TRACE_INVALID', `${where}: "hash_ids" must be a list of whole numbers ≥ 0`, HINT);
  }
  return value as number[];
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing (the field is missing)';
  const text = JSON.stringify(value);
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}
