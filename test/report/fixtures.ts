import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { RequestRecord, Summary } from '../../src/model/summary.js';

/** The hand-made small run: 48 records (8 warmup), 37 ok, 2 failed, 1 incomplete, and its summary. */
export const SMALL_RUN_DIR = fileURLToPath(new URL('../fixtures/runs/small', import.meta.url));

export function loadSmallRun(): { summary: Summary; records: RequestRecord[] } {
  const summary = JSON.parse(readFileSync(`${SMALL_RUN_DIR}/summary.json`, 'utf8')) as Summary;
  const records = readFileSync(`${SMALL_RUN_DIR}/results.jsonl`, 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as RequestRecord);
  return { summary, records };
}
