import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/failures/errors.js';
import { normalizeTarget, type NormalizeOptions } from '../../src/input/normalize.js';
import type { RequestSpec } from '../../src/model/plan.js';

const OPENAI_URL = 'http://127.0.0.1:8000/v1/chat/completions';
const none: NormalizeOptions = { api: undefined, model: undefined, stream: undefined, timeoutS: undefined, idleTimeoutS: 60 };

function spec(extra: Partial<RequestSpec>): RequestSpec {
  return { source: 'flags', url: OPENAI_URL, method: 'POST', headers: [], cookies: [], body: undefined, insecure: false, warnings: [], ...extra };
}

describe('normalizeTarget', () => {
  it('the flags win over the body: model and stream, each change said', () => {
    const target = normalizeTarget(spec({ body: '{"model":"a","messages":[],"stream":true,"stream_options":{"include_usage":true}}' }), { ...none, model: 'b', stream: false });
    expect([target.model, target.stream]).toEqual(['b', false]);
    expect(target.body).toEqual({ model: 'b', messages: [], stream: false });
    expect(target.notes).toEqual(['model set to "b" (was "a")', 'stream set to false (was true)', 'removed stream_options: it is only valid with stream: true', 'added header Content-Type: application/json']);
  });

  it('stream comes from the body when no flag says', () => {
    expect(normalizeTarget(spec({ body: '{"model":"a","messages":[],"stream":false}' }), none).stream).toBe(false);
    expect(normalizeTarget(spec({ body: '{"model":"a","messages":[],"stream":"yes"}' }), none).stream).toBe(true);
  });

  it('an empty model in the body is no model', () => {
    let caught: unknown;
    try {
      normalizeTarget(spec({ body: '{"model":"","messages":[]}' }), none);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(AppError);
    expect((caught as AppError).message).toBe('no model: the body\'s "model" is "" and --model was not given');
  });

  it('drops connection and encoding headers with a note, keeps the rest, warns about method and content type', () => {
    const target = normalizeTarget(
      spec({
        method: 'PUT',
        body: '{"model":"a","messages":[],"stream":false}',
        headers: [
          { name: 'Content-Length', value: '999' },
          { name: 'Accept-Encoding', value: 'gzip' },
          { name: 'content-type', value: 'text/plain' },
          { name: 'X-Tenant', value: 't1' },
        ],
      }),
      none,
    );
    expect(target.headers).toEqual({ 'content-type': 'text/plain', 'X-Tenant': 't1' });
    expect(target.notes).toEqual(['removed Content-Length, Accept-Encoding: the HTTP client manages connection and encoding headers itself']);
    expect(target.warnings).toEqual(['method PUT is sent as given; LLM APIs take POST', 'Content-Type is "text/plain", but the body is JSON']);
  });

  it('--api anthropic-messages on an OpenAI path: the Anthropic adapter normalises', () => {
    const target = normalizeTarget(spec({ body: '{"model":"c","messages":[{"role":"user","content":"hi"}]}' }), { ...none, api: 'anthropic-messages' });
    expect(target.apiType).toBe('anthropic-messages');
    expect(target.headers['anthropic-version']).toBe('2023-06-01');
    expect(target.body['max_tokens']).toEqual(expect.any(Number));
    expect(target.body).not.toHaveProperty('stream_options');
    expect(target.warnings).toEqual(['the path /v1/chat/completions looks like openai-chat, but --api anthropic-messages was given: using anthropic-messages']);
  });

  it('timeouts: --timeout, else curl -m, else 600 s; connect from curl or 10 s', () => {
    expect(normalizeTarget(spec({ body: '{"model":"a"}', timeoutS: 30, connectTimeoutS: 2 }), none)).toMatchObject({ timeoutMs: 30000, connectTimeoutMs: 2000, idleTimeoutMs: 60000 });
    expect(normalizeTarget(spec({ body: '{"model":"a"}', timeoutS: 30 }), { ...none, timeoutS: 5, idleTimeoutS: 1.5 })).toMatchObject({ timeoutMs: 5000, connectTimeoutMs: 10000, idleTimeoutMs: 1500 });
    expect(normalizeTarget(spec({ body: '{"model":"a"}' }), none).timeoutMs).toBe(600000);
  });
});

describe('credentials in the URL', () => {
  it('become Basic auth, as curl sends them, and leave the URL', () => {
    const target = normalizeTarget(spec({ url: 'http://bob:s%40cret@127.0.0.1:8000/v1/chat/completions', body: '{"model":"a"}' }), none);
    expect(target.url).toBe('http://127.0.0.1:8000/v1/chat/completions');
    expect(target.targetHost).toBe('http://127.0.0.1:8000/v1');
    expect(target.headers['Authorization']).toBe(`Basic ${Buffer.from('bob:s@cret').toString('base64')}`);
    expect(target.notes).toContain('the user:password in the URL is sent as Authorization: Basic (as curl does)');
  });

  it('an explicit Authorization header wins', () => {
    const target = normalizeTarget(spec({ url: 'http://bob:pw@127.0.0.1:8000/v1/chat/completions', body: '{"model":"a"}', headers: [{ name: 'Authorization', value: 'Bearer t' }] }), none);
    expect([target.url, target.headers['Authorization']]).toEqual(['http://127.0.0.1:8000/v1/chat/completions', 'Bearer t']);
  });
});
