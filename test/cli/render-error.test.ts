import { describe, expect, it } from 'vitest';
import type { CliContext } from '../../src/cli/io.js';
import { renderError } from '../../src/cli/render-error.js';
import { inputError } from '../../src/failures/errors.js';
import { createFakeIo } from '../helpers/fake-io.js';

const BUG_HINT = 'this is a bug in llm-loadtest; rerun with LLM_LOADTEST_DEBUG=1 and report the output';

function render(error: unknown, options: { json?: boolean; env?: Record<string, string> } = {}) {
  const io = createFakeIo({ env: options.env ?? {} });
  const ctx: CliContext = { io, json: options.json === true };
  const code = renderError(error, ctx);
  return { code, out: io.out(), err: io.err() };
}

describe('renderError: the one place an error becomes text and an exit code', () => {
  it('an unexpected error is a bug: exit 1, one line and the hint, no stack', () => {
    const { code, out, err } = render(new TypeError('boom'));
    expect(code).toBe(1);
    expect(out).toBe('');
    expect(err).toBe(`Error: internal error: boom\nHint: ${BUG_HINT}\n`);
  });

  it('shows the stack of a bug only with LLM_LOADTEST_DEBUG=1', () => {
    const { code, err } = render(new TypeError('boom'), { env: { LLM_LOADTEST_DEBUG: '1' } });
    expect(code).toBe(1);
    expect(err.split('\n').slice(0, 3)).toEqual(['Error: internal error: boom', `Hint: ${BUG_HINT}`, 'TypeError: boom']);
  });

  it('a thrown non-Error is still one line', () => {
    expect(render('plain string').err).toBe(`Error: internal error: plain string\nHint: ${BUG_HINT}\n`);
  });

  it('with --json a bug is the error object of docs/cli.md on stdout too', () => {
    const { code, out } = render(new Error('boom'), { json: true });
    expect(code).toBe(1);
    expect(JSON.parse(out)).toEqual({ ok: false, stage: 'internal', code: 'INTERNAL', category: 'internal', message: 'internal error: boom', hint: BUG_HINT });
  });

  it('bad input: exit 2, message and hint, never a stack even in debug mode', () => {
    const { code, err } = render(inputError('URL_INVALID', '--url "x" is not a valid URL', 'write it as https://host/path'), { env: { LLM_LOADTEST_DEBUG: '1' } });
    expect(code).toBe(2);
    expect(err).toBe('Error: --url "x" is not a valid URL\nHint: write it as https://host/path\n');
  });
});
