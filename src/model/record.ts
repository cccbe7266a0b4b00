import type { RecordCategory } from '../failures/categories.js';
import type { TokenSource } from './api.js';

export type { RecordCategory };

/** One line of results.jsonl (docs/cli.md "Local run files"). */
export interface RequestRecord {
  ts: string;
  phase: 'warmup' | 'measure';
  user: number;
  seq: number;
  ok: boolean;
  status: number | null;
  errorCategory: RecordCategory | null;
  error: string | null;
  ttftMs: number | null;
  ttfoMs: number | null;
  e2eMs: number | null;
  itlMs: number | null;
  chunks: number;
  inputTokens: number | null;
  outputTokens: number | null;
  reasoningTokens: number | null;
  tokenSource: TokenSource | null;
  queueMs: number | null;
  scenario: string | null;
  turn: number | null;
}
