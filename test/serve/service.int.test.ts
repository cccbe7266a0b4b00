import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { RequestRecord, Summary } from '../../src/model/summary.js';
import { startMockServer, type MockServer } from '../../src/mock/server.js';
import { LOOPBACK_PATTERNS, parseTargetPattern } from '../../src/serve/allow-target.js';
import { startService, type Service } from '../../src/serve/service.js';
import { call, TOKEN, waitForRun } from './helpers.js';

const SECRET = 'sk-servetest0123456789abcd';

let mock: MockServer;
let service: Service;
let runsDir: string;
let target: string;

beforeAll(async () => {
  mock = await startMockServer({ ttftMs: 5, itlMs: 1, outputTokens: 8 });
  runsDir = mkdtempSync(join(tmpdir(), 'serve-'));
  service = await startService({ host: '127.0.0.1', port: 0, token: TOKEN, allowTargets: LOOPBACK_PATTERNS.map(parseTargetPattern), maxRuns: 1, runsDir, tickMs: 100, gracefulStopMs: 2000, heartbeatMs: 50 });
  target = `${mock.url}/v1/chat/completions`;
});
afterAll(async () => {
  await service.close('test over');
  await mock.close();
});

describe('serve: the token', () => {
  test.each([
    ['no Authorization header', null],
    ['a wrong token of the same length', `Bearer ${TOKEN.replace(/.$/, 'X')}`],
    ['a token of a different length', `Bearer ${TOKEN}extra`],
    ['a short token', 'Bearer x'],
    ['another scheme', `Basic ${TOKEN}`],
  ])('%s: 401, and nothing is started', async (_what, auth) => {
    const before = mock.stats().requests;
    const answer = await call(service.url, 'POST', '/runs', { auth, body: { url: target, model: 'm', maxRequests: 1 } });
    expect(answer.status).toBe(401);
    expect(answer.headers['www-authenticate']).toBe('Bearer');
    expect((answer.json() as { error: { code: string } }).error.code).toBe('UNAUTHORIZED');
    expect(service.runs.size).toBe(0);
    expect(mock.stats().requests).toBe(before);
    expect((await call(service.url, 'GET', '/runs', { auth })).status).toBe(401);
  });
});

describe('serve: a plan the service refuses', () => {
  test.each([
    ['a number that is not one', { url: 'T', model: 'm', concurrentUsers: 'lots' }, 400, 'concurrentUsers'],
    ['a negative duration', { url: 'T', model: 'm', duration: -5 }, 400, 'duration'],
    ['a field of the wrong type', { url: 'T', model: 'm', stream: 'yes' }, 400, 'stream'],
    ['an unknown field', { url: 'T', model: 'm', out: '/etc' }, 400, 'out'],
    ['an @file body', { url: 'T', model: 'm', body: '@/etc/passwd' }, 400, 'body'],
    ['a test-data file', { url: 'T', model: 'm', testData: '/etc/passwd' }, 400, 'testData'],
    ['a curl command reading a file', { curl: "curl http://127.0.0.1:1/v1/chat/completions -d @/etc/passwd" }, 400, 'curl'],
    ['a curl command reading the environment', { curl: 'curl http://127.0.0.1:1/v1/chat/completions -H "Authorization: Bearer $HOME"' }, 400, 'curl'],
    ['no target', { model: 'm' }, 400, 'url'],
    ['a target off the allow-list', { url: 'http://example.com/v1/chat/completions', model: 'm' }, 403, 'url'],
    ['a second target off the allow-list', { target: ['a=T', 'b=http://example.com/v1/chat/completions'], model: 'm' }, 403, 'target'],
    ['a server-metrics endpoint off the allow-list', { url: 'T', model: 'm', serverMetrics: 'http://example.com/metrics' }, 403, 'serverMetrics'],
    ['a profile (a file of the service)', { url: 'T', model: 'm', profile: '/etc/passwd' }, 400, 'profile'],
    ['a trace (a file of the service)', { url: 'T', model: 'm', trace: '/etc/passwd' }, 400, 'trace'],
    ['a bad workload value', { url: 'T', model: 'm', inputTokens: 0 }, 400, 'inputTokens'],
  ])('%s: %s naming the field', async (_what, plan, status, field) => {
    const body = JSON.parse(JSON.stringify(plan).replace('"T"', JSON.stringify(target)).replace('"a=T"', JSON.stringify(`a=${target}`))) as unknown;
    const answer = await call(service.url, 'POST', '/runs', { body });
    expect(answer.status).toBe(status);
    expect((answer.json() as { error: { field: string | null } }).error.field).toBe(field);
    expect(service.runs.size).toBe(0);
  });

  test('a 400 that quotes a posted secret masks it', async () => {
    const answer = await call(service.url, 'POST', '/runs', { body: { url: target, model: 'm', header: [`Authorization Bearer ${SECRET}`] } });
    expect(answer.status).toBe(400);
    expect((answer.json() as { error: { code: string; field: string } }).error).toMatchObject({ code: 'HEADER_INVALID', field: 'header' });
    expect(answer.text).not.toContain(SECRET);
  });

  test('a plan over 1 MiB: 413', async () => {
    const answer = await call(service.url, 'POST', '/runs', { body: { url: target, model: 'm', body: { pad: 'x'.repeat(1_100_000) } } });
    expect(answer.status).toBe(413);
    expect(service.runs.size).toBe(0);
  });

  test('sized prompts, conversations and the server metrics of an allowed host: the run sends them', async () => {
    const started = await call(service.url, 'POST', '/runs', {
      body: { url: target, model: 'mock-model', concurrentUsers: 1, maxRequests: 4, duration: 60, inputTokens: 40, outputTokens: 3, serverMetrics: `${new URL(target).origin}/metrics`, serverMetricsInterval: 1 },
    });
    expect(started.status).toBe(201);
    const { id } = started.json() as { id: string };
    await waitForRun(service.url, id, 'state finished', (status) => status.state === 'finished');
    const summary = (await call(service.url, 'GET', `/runs/${id}/summary`)).json() as Summary;
    expect(summary.requests.ok).toBe(4);
    expect(summary.tokens.output).toBe(12);
    expect(summary.serverMetrics?.endpoints[0]?.server).toBe('vllm');
  }, 60_000);

  test('several targets: each target\'s files are listed and served as targets/<name>/<file>', async () => {
    const started = await call(service.url, 'POST', '/runs', { body: { target: [`a=${target}`, `b=${target}`], model: 'mock-model', concurrentUsers: 1, maxRequests: 3, duration: 60 } });
    expect(started.status).toBe(201);
    const { id } = started.json() as { id: string };
    await waitForRun(service.url, id, 'state finished', (status) => status.state === 'finished');
    const files = (await call(service.url, 'GET', `/runs/${id}/files`)).json() as { files: Array<{ name: string }> };
    const names = files.files.map((file) => file.name);
    for (const name of ['a', 'b']) expect(names).toEqual(expect.arrayContaining([`targets/${name}/results.jsonl`, `targets/${name}/summary.json`, `targets/${name}/report.html`]));
    const results = await call(service.url, 'GET', `/runs/${id}/files/${encodeURIComponent('targets/b/results.jsonl')}`);
    expect(results.status).toBe(200);
    expect(results.text.trim().split('\n').filter((line) => (JSON.parse(line) as RequestRecord).ok)).toHaveLength(3);
    for (const path of ['targets%2F..%2Fsummary.json', 'targets%2Fb%2F..%2F..%2Fsummary.json', 'targets%2Fb']) {
      expect((await call(service.url, 'GET', `/runs/${id}/files/${path}`)).status, path).toBe(404);
    }
  }, 60_000);

  test('a body that is not JSON: 400', async () => {
    const answer = await call(service.url, 'POST', '/runs', { body: '{"url":' });
    expect(answer.status).toBe(400);
    expect((answer.json() as { error: { code: string } }).error.code).toBe('BODY_INVALID_JSON');
  });
});

describe('serve: runs', () => {
  test('a run starts, finishes against the mock, and its summary and files are served, secrets masked', async () => {
    const before = mock.stats().requests;
    const started = await call(service.url, 'POST', '/runs', {
      body: { url: target, model: 'mock-model', concurrentUsers: 2, maxRequests: 12, duration: 60, header: [`Authorization: Bearer ${SECRET}`] },
    });
    expect(started.status).toBe(201);
    const { id } = started.json() as { id: string };
    expect(started.headers['location']).toBe(`/runs/${id}`);
    await waitForRun(service.url, id, 'state finished', (status) => status.state === 'finished');
    const summary = (await call(service.url, 'GET', `/runs/${id}/summary`)).json() as Summary;
    expect(summary.requests.ok).toBe(12);
    // The pre-check and the 12 measured requests, each seen by the mock.
    expect(mock.stats().requests - before).toBe(13);

    const files = (await call(service.url, 'GET', `/runs/${id}/files`)).json() as { files: Array<{ name: string }> };
    expect(files.files.map((file) => file.name)).toEqual(expect.arrayContaining(['metrics.prom', 'report.csv', 'report.html', 'results.jsonl', 'summary.json']));
    const results = await call(service.url, 'GET', `/runs/${id}/files/results.jsonl`);
    expect(results.status).toBe(200);
    const records = results.text.trim().split('\n').map((line) => JSON.parse(line) as RequestRecord);
    expect(records.filter((record) => record.ok)).toHaveLength(12);

    for (const path of ['/files/..%2F..%2Fetc%2Fpasswd', '/files/%2Fetc%2Fpasswd', '/files/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd', '/files/.%2Fsummary.json']) {
      expect((await call(service.url, 'GET', `/runs/${id}${path}`)).status).toBe(404);
    }
    const listing = (await call(service.url, 'GET', '/runs')).text + (await call(service.url, 'GET', `/runs/${id}`)).text + JSON.stringify(summary);
    expect(listing).not.toContain(SECRET);
    expect(listing).toContain('sk-…abcd');
    for (const name of ['summary.json', 'results.jsonl', 'report.html', 'report.csv', 'metrics.prom']) {
      expect(readFileSync(join(runsDir, id, name), 'utf8')).not.toContain(SECRET);
    }
  });

  test('one run at a time: a second start gets 429 with Retry-After; stop ends the first, whose files are written', async () => {
    const started = await call(service.url, 'POST', '/runs', { body: { url: target, model: 'mock-model', concurrentUsers: 2, duration: 60, skipPrecheck: true } });
    expect(started.status).toBe(201);
    const { id } = started.json() as { id: string };
    await waitForRun(service.url, id, '10 finished requests', (status) => (status.live?.finished ?? 0) >= 10);

    const second = await call(service.url, 'POST', '/runs', { body: { url: target, model: 'mock-model', maxRequests: 1 } });
    expect(second.status).toBe(429);
    expect(Number(second.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect((second.json() as { error: { code: string } }).error.code).toBe('TOO_MANY_RUNS');

    const stopped = await call(service.url, 'DELETE', `/runs/${id}`);
    expect(stopped.status).toBe(202);
    expect((stopped.json() as { state: string }).state).toBe('stopping');
    const final = await waitForRun(service.url, id, 'state finished after the stop', (status) => status.state === 'finished');
    expect(final['verdict']).toBe('interrupted');
    const summary = JSON.parse(readFileSync(join(runsDir, id, 'summary.json'), 'utf8')) as Summary;
    const lines = readFileSync(join(runsDir, id, 'results.jsonl'), 'utf8').trim().split('\n');
    expect(summary.requests.total).toBe(lines.length);
    expect(summary.stop?.detail).toBe('stopped through the service API');
  });

  test('events: the stream sends ticks with live figures and ends with done; the run outlives a client that leaves', async () => {
    const started = await call(service.url, 'POST', '/runs', { body: { url: target, model: 'mock-model', concurrentUsers: 1, maxRequests: 40, duration: 60, skipPrecheck: true, header: 'x-mock-ttft-ms: 20' } });
    const { id } = started.json() as { id: string };
    // A client that reads the first bytes and goes away.
    const gone = await fetch(`${service.url}/runs/${id}/events`, { headers: { authorization: `Bearer ${TOKEN}` } });
    const reader = gone.body?.getReader();
    await reader?.read();
    await reader?.cancel();
    const stream = await fetch(`${service.url}/runs/${id}/events`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(stream.headers.get('content-type')).toContain('text/event-stream');
    const text = await stream.text();
    const events = [...text.matchAll(/^event: (\w+)\ndata: (.*)$/gm)].map((m) => ({ event: m[1], data: JSON.parse(m[2] ?? 'null') as Record<string, unknown> }));
    expect(events[0]?.event).toBe('state');
    const ticks = events.filter((event) => event.event === 'tick');
    expect(ticks.length).toBeGreaterThanOrEqual(1);
    expect(typeof ticks[0]?.data['finished']).toBe('number');
    const done = events[events.length - 1];
    expect(done?.event).toBe('done');
    expect(done?.data['state']).toBe('finished');
    const summary = (await call(service.url, 'GET', `/runs/${id}/summary`)).json() as Summary;
    expect(summary.requests.ok).toBe(40);
  });

  test('a stream stays alive through a long pre-check (keep-alive comments); a stop then ends the run before its load: failed, INTERRUPTED', async () => {
    const started = await call(service.url, 'POST', '/runs', { body: { url: target, model: 'mock-model', maxRequests: 5, header: 'x-mock-ttft-ms: 3000' } });
    const { id } = started.json() as { id: string };
    const stream = await fetch(`${service.url}/runs/${id}/events`, { headers: { authorization: `Bearer ${TOKEN}` } });
    const reader = stream.body?.getReader();
    let text = '';
    while (!text.includes(': keep-alive')) {
      const chunk = await reader?.read();
      if (chunk === undefined || chunk.done) throw new Error(`the stream ended without a keep-alive: ${text}`);
      text += new TextDecoder().decode(chunk.value);
    }
    expect((await call(service.url, 'GET', `/runs/${id}`)).json()).toMatchObject({ state: 'starting', live: null });
    expect((await call(service.url, 'POST', `/runs/${id}/stop`)).status).toBe(202);
    const final = await waitForRun(service.url, id, 'state failed after a stop in the pre-check', (status) => status.state === 'failed');
    expect(final['error']).toMatchObject({ code: 'INTERRUPTED' });
    expect((await call(service.url, 'GET', `/runs/${id}/summary`)).status).toBe(409);
    await reader?.cancel();
  });

  test('unknown runs and endpoints: 404; a wrong method: 405', async () => {
    expect((await call(service.url, 'GET', '/runs/run-nope')).status).toBe(404);
    expect((await call(service.url, 'GET', '/nothing')).status).toBe(404);
    const wrong = await call(service.url, 'PUT', '/runs');
    expect(wrong.status).toBe(405);
    expect(wrong.headers['allow']).toBe('GET, POST');
  });
});

test('files stay where the service put them', () => {
  expect(existsSync(runsDir)).toBe(true);
});
