import type { FailureCategory } from '../failures/errors.js';
import type { TokenSource } from './api.js';

/**
 * Why a request did not succeed, as recorded: the pre-check ids, plus `incomplete` (still in flight
 * when the run stopped: counted apart, not a failure) and `generator` (our side ran out of sockets or
 * files: EMFILE, EADDRNOTAVAIL; kept apart from the server's errors).
 */
export type RecordCategory = FailureCategory | 'incomplete' | 'generator';

/** One line of results.jsonl (cli.md "Local run files"). */
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
