/**
 * Every error code, its category and its exit code: the stable ids of the error JSON. A row changes only
 * when the contract does.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES, type CategoryOf, type ErrorCode } from '../../src/failures/error-codes.js';
import { AppError } from '../../src/failures/errors.js';

type Category = CategoryOf<ErrorCode>;

/** PRECHECK_FAILED carries the category of the target's failure. */
const TARGET: Category[] = [
  'auth',
  'forbidden',
  'not_found',
  'method_not_allowed',
  'rate_limited',
  'client_error',
  'server_error',
  'overloaded',
  'quota_exceeded',
  'dns',
  'connection_refused',
  'connection_reset',
  'timeout',
  'tls',
  'invalid_response',
  'empty_response',
  'unknown',
];

const ROWS: Array<[ErrorCode, Category | Category[], number]> = [
  ['USAGE', 'input', 2],
  ['OPTION_INVALID', 'input', 2],
  ['INVALID_FLAG_VALUE', 'input', 2],
  ['OPTION_LOCAL_ONLY', 'input', 2],
  ['SLO_INVALID', 'input', 2],
  ['MODEL_MISSING', 'input', 2],
  ['ENV_VAR_NOT_SET', 'input', 2],
  ['CURL_EMPTY', 'input', 2],
  ['CURL_STDIN_MISSING', 'input', 2],
  ['CURL_NOT_CURL', 'input', 2],
  ['CURL_UNSUPPORTED_SHELL', 'input', 2],
  ['CURL_SHELL_OPERATOR', 'input', 2],
  ['CURL_UNPARSEABLE', 'input', 2],
  ['CURL_OPTION_MISSING_VALUE', 'input', 2],
  ['CURL_OPTION_INVALID', 'input', 2],
  ['CURL_NO_URL', 'input', 2],
  ['URL_INVALID', 'input', 2],
  ['HEADER_INVALID', 'input', 2],
  ['COOKIE_INVALID', 'input', 2],
  ['TARGETS_FILE_INVALID', 'input', 2],
  ['BODY_FILE_INVALID', 'input', 2],
  ['FILE_NOT_FOUND', 'input', 2],
  ['BODY_INVALID_JSON', 'input', 2],
  ['BODY_NOT_OBJECT', 'input', 2],
  ['TARGET_NOT_LLM', 'input', 2],
  ['TARGET_API_UNSUPPORTED', 'input', 2],
  ['TEST_DATA_UNREADABLE', 'input', 2],
  ['TEST_DATA_INVALID', 'input', 2],
  ['TEST_DATA_EMPTY', 'input', 2],
  ['PROFILE_UNREADABLE', 'input', 2],
  ['PROFILE_INVALID', 'input', 2],
  ['TRACE_INVALID', 'input', 2],
  ['TRACE_EMPTY', 'input', 2],
  ['OUT_DIR_HAS_RUN', 'input', 2],
  ['OUT_DIR_UNWRITABLE', 'input', 2],
  ['OUT_WRITE_FAILED', 'input', 2],
  ['RUN_NOT_FOUND', 'input', 2],
  ['RUN_UNREADABLE', 'input', 2],
  ['NOT_A_RUN_DIR', 'input', 2],
  ['NO_RECORDS', 'input', 2],
  ['NOT_A_SUMMARY', 'input', 2],
  ['RECORDS_INVALID', 'input', 2],
  ['MOCK_OPTION_INVALID', 'input', 2],
  ['MOCK_LISTEN_FAILED', 'input', 2],
  ['RUNS_NOT_MERGEABLE', 'input', 2],
  ['SERVE_TOKEN_MISSING', 'input', 2],
  ['SERVE_BIND_REFUSED', 'input', 2],
  ['SERVE_LISTEN_FAILED', 'input', 2],
  ['PRECHECK_FAILED', TARGET, 3],
  ['PLATFORM_URL_MISSING', 'input', 2],
  ['PLATFORM_URL_INVALID', 'input', 2],
  ['TASK_ID_INVALID', 'input', 2],
  ['PLATFORM_LIMIT', 'input', 2],
  ['PLATFORM_STEP_MISSING', 'input', 2],
  ['PLATFORM_API_UNSUPPORTED', 'input', 2],
  ['PLATFORM_PAYLOAD_INVALID', 'input', 2],
  ['PLATFORM_UNREACHABLE', 'platform_unreachable', 4],
  ['PLATFORM_TOKEN_MISSING', 'platform_auth', 4],
  ['PLATFORM_AUTH', 'platform_auth', 4],
  ['PLATFORM_FORBIDDEN', 'platform_auth', 4],
  ['PLATFORM_REJECTED', 'platform_rejected', 4],
  ['PLATFORM_TASK_NOT_FOUND', 'platform_rejected', 4],
  ['PLATFORM_SERVER_ERROR', 'platform_error', 4],
  ['PLATFORM_HTTP_ERROR', ['platform_rejected', 'platform_error'], 4],
  ['PLATFORM_REDIRECT', 'platform_error', 4],
  ['PLATFORM_BAD_RESPONSE', 'platform_error', 4],
  ['PLATFORM_TASK_FAILED', 'platform_error', 4],
  ['PLATFORM_TASK_STOPPED', 'platform_error', 4],
  ['PLATFORM_STOP_FAILED', 'platform_error', 4],
  ['INTERRUPTED', 'interrupted', 130],
  ['WORKERS_NEED_BUILD', 'internal', 1],
  ['WORKER_FAILED', 'internal', 1],
  ['REPORT_WRITE_FAILED', 'internal', 1],
  ['HISTOGRAM_DECODE_FAILED', 'internal', 1],
  ['UNKNOWN_API_TYPE', 'internal', 1],
  ['ADAPTER_DUPLICATE', 'internal', 1],
  ['INTERNAL', 'internal', 1],
];

describe('ERROR_CODES', () => {
  it.each(ROWS)('%s: %j, exit %i', (code, category, exitCode) => {
    const entry = ERROR_CODES[code];
    expect(entry.category).toEqual(category);
    expect(entry.exitCode).toBe(exitCode);
    expect(entry.meaning).not.toBe('');
  });

  it('has a row above for every code, and no other', () => {
    expect(Object.keys(ERROR_CODES).sort()).toEqual(ROWS.map(([code]) => code).sort());
  });

  it.each(ROWS)('an AppError %s of each of its categories exits with the stated code', (code, category, exitCode) => {
    for (const one of Array.isArray(category) ? category : [category]) {
      const error = new AppError<ErrorCode>(code, 'm', { category: one });
      expect(error.exitCode).toBe(exitCode);
    }
  });
});

/**
 * The type already makes a code outside the table a compile error (AppError and inputError take an
 * ErrorCode); this scan adds the other direction: every row is still thrown somewhere in src.
 */
describe('codes in src', () => {
  const srcDir = fileURLToPath(new URL('../../src', import.meta.url));
  const sources = (readdirSync(srcDir, { recursive: true }) as string[])
    .filter((file) => file.endsWith('.ts') && file !== join('failures', 'error-codes.ts'))
    .map((file) => readFileSync(join(srcDir, file), 'utf8'));
  const quoted = new Set(sources.flatMap((text) => [...text.matchAll(/'([A-Z][A-Z0-9_]+)'/g)].map((m) => m[1])));

  it.each(Object.keys(ERROR_CODES))('%s is used in src', (code) => {
    expect(quoted.has(code)).toBe(true);
  });

  it('every code thrown with a literal is in the table', () => {
    const thrown = sources.flatMap((text) =>
      [...text.matchAll(/(?:new AppError|inputError|super)\(\s*'([A-Z][A-Z0-9_]+)'/g)].map((m) => m[1]),
    );
    expect(thrown.length).toBeGreaterThan(50);
    expect(thrown.filter((code) => code === undefined || !(code in ERROR_CODES))).toEqual([]);
  });
});
