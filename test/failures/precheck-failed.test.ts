import { describe, expect, it } from 'vitest';
import { renderError } from '../../src/cli/render-error.js';
import { FAILURE_CATEGORIES } from '../../src/failures/categories.js';
import { FAILURE_HINTS } from '../../src/failures/hints.js';
import { PrecheckFailedError, type PrecheckFailure } from '../../src/failures/precheck-failed.js';
import { createFakeIo } from '../helpers/fake-io.js';

const rateLimited: PrecheckFailure = {
  apiType: 'openai-chat',
  category: 'rate_limited',
  status: 429,
  message: 'HTTP 429: Rate limit reached for requests (rate_limit_exceeded)',
  hint: FAILURE_HINTS.rate_limited,
  retryAfterS: 20,
  latencyMs: 12.5,
};

describe('PrecheckFailedError', () => {
  it('is exit 3, stage precheck, code PRECHECK_FAILED, with the category and hint', () => {
    const error = new PrecheckFailedError(rateLimited);
    expect(error).toMatchObject({ code: 'PRECHECK_FAILED', stage: 'precheck', category: 'rate_limited', exitCode: 3 });
    expect(error.hint).toBe(FAILURE_HINTS.rate_limited);
    expect(error.message).toBe(
      'pre-check failed (rate_limited, HTTP 429): HTTP 429: Rate limit reached for requests (rate_limit_exceeded) (retry after 20 s)',
    );
  });

  it('serialises to exactly the pre-check failure JSON of docs/cli.md (+ retryAfterS when known)', () => {
    expect(new PrecheckFailedError(rateLimited).toJSON()).toEqual({
      ok: false,
      stage: 'precheck',
      apiType: 'openai-chat',
      category: 'rate_limited',
      status: 429,
      message: 'HTTP 429: Rate limit reached for requests (rate_limit_exceeded)',
      hint: FAILURE_HINTS.rate_limited,
      retryAfterS: 20,
    });
    const { retryAfterS: _dropped, ...noRetry } = rateLimited;
    expect(Object.keys(new PrecheckFailedError({ ...noRetry, status: null }).toJSON())).toEqual([
      'ok',
      'stage',
      'apiType',
      'category',
      'status',
      'message',
      'hint',
    ]);
  });

  it('through renderError with --json: the JSON alone on stdout, Error/Hint on stderr, exit 3', () => {
    const io = createFakeIo();
    const exitCode = renderError(new PrecheckFailedError(rateLimited), { io, json: true });
    expect(exitCode).toBe(3);
    expect(JSON.parse(io.out())).toEqual(new PrecheckFailedError(rateLimited).toJSON());
    expect(io.out().trim().split('\n')).toHaveLength(1);
    expect(io.err()).toBe(
      `Error: ${new PrecheckFailedError(rateLimited).message}\nHint: ${FAILURE_HINTS.rate_limited}\n`,
    );
  });

  it('without --json: nothing on stdout, exit 3', () => {
    const io = createFakeIo();
    expect(renderError(new PrecheckFailedError(rateLimited), { io, json: false })).toBe(3);
    expect(io.out()).toBe('');
    expect(io.err()).toBe(`Error: ${new PrecheckFailedError(rateLimited).message}\nHint: ${FAILURE_HINTS.rate_limited}\n`);
  });
});

describe('FAILURE_HINTS', () => {
  it('has one line for every category, with the words the issue asks for', () => {
    for (const category of FAILURE_CATEGORIES) expect(FAILURE_HINTS[category]).toMatch(/^[^\n]{20,}$/);
    expect(FAILURE_HINTS.auth).toBe('the target needs a valid key: check the Authorization / x-api-key header');
    expect(FAILURE_HINTS.not_found).toContain('check the path; many servers need /v1');
    expect(FAILURE_HINTS.tls).toContain('use --insecure for a self-signed certificate');
    expect(FAILURE_HINTS.timeout).toContain('the target may be overloaded');
  });
});
