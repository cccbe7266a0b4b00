import { describe, expect, it } from 'vitest';
import { runCli } from '../../../src/cli/run-cli.js';
import { createFakeIo, type FakeIo } from '../../helpers/fake-io.js';

async function waitForUrl(io: FakeIo): Promise<string> {
  for (let i = 0; i < 200; i += 1) {
    const line = io.out().split('\n')[0] ?? '';
    if (line.startsWith('http://')) return line;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`no URL printed; stderr: ${io.err()}`);
}

describe('llm-loadtest mock', () => {
  it('prints the URL on stdout, serves the configured stream, and stops on SIGINT with exit 0', async () => {
    const io = createFakeIo();
    const done = runCli(['mock', '--output-tokens', '3', '--ttft', '5', '--model', 'a', 'b'], io);
    const url = await waitForUrl(io);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(io.out()).toBe(`${url}\n`);
    expect(io.err()).toContain(`${url}/v1/chat/completions`);

    const models = (await (await fetch(`${url}/v1/models`)).json()) as { data: Array<{ id: string }> };
    expect(models.data.map((m) => m.id)).toEqual(['a', 'b']);
    const response = await fetch(`${url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'a', messages: [{ role: 'user', content: 'hi' }] }),
    });
    const body = (await response.json()) as { choices: Array<{ message: { content: string } }> };
    expect(body.choices[0]?.message.content).toBe(' the of and');

    io.emit('SIGINT');
    expect(await done).toBe(0);
    expect(io.err()).toContain('stopped after 1 requests');
  });

  it('--max-concurrent 1: a second request waits for the first, and /mock/stats counts it as queued', async () => {
    const io = createFakeIo();
    const done = runCli(['mock', '--max-concurrent', '1', '--ttft', '100', '--output-tokens', '1'], io);
    const url = await waitForUrl(io);
    const ask = (): Promise<Response> =>
      fetch(`${url}/v1/chat/completions`, { method: 'POST', body: JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'hi' }] }) });
    await Promise.all([ask().then((r) => r.text()), ask().then((r) => r.text())]);
    const stats = (await (await fetch(`${url}/mock/stats`)).json()) as { queued: number; records: Array<{ startedAt: number; endAt: number; queuedMs: number }> };
    expect(stats.queued).toBe(1);
    const [first, second] = stats.records;
    expect(first?.queuedMs).toBe(0);
    expect(second?.startedAt).toBeGreaterThanOrEqual(first?.endAt as number);
    io.emit('SIGINT');
    expect(await done).toBe(0);
  });

  it.each([
    [['--ttft', 'abc'], '--ttft "abc": is not a number'],
    [['--ttft', '-5'], '--ttft "-5": must be between 0 and 3600000'],
    [['--output-tokens', '2.5'], '--output-tokens "2.5": must be a whole number'],
    [['--error-rate', '1.5'], '--error-rate "1.5": must be between 0 and 1'],
    [['--fail-status', '200'], '--fail-status "200": must be between 400 and 599'],
    [['--port', '70000'], '--port "70000": must be between 0 and 65535'],
    [['--max-concurrent', '0'], '--max-concurrent "0": must be between 1 and 100000'],
    [['--max-concurrent', 'two'], '--max-concurrent "two": is not a whole number'],
    [['--max-concurrent', '1.5'], '--max-concurrent "1.5": must be a whole number'],
  ])('rejects %j with exit 2 naming the flag', async (argv, message) => {
    const io = createFakeIo();
    expect(await runCli(['mock', ...argv], io)).toBe(2);
    expect(io.err()).toContain(message);
    expect(io.err()).toContain('Hint: give');
    expect(io.out()).toBe('');
  });

  it('--gateway-headers and --response-header: every answer, errors too, carries them ({id} is the request id)', async () => {
    const io = createFakeIo();
    const done = runCli(['mock', '--output-tokens', '1', '--gateway-headers', '--response-header', 'x-litellm-overhead-duration-ms: 7', '--response-header', 'X-Served-By: edge-{id}'], io);
    const url = await waitForUrl(io);
    const ask = (headers: Record<string, string> = {}): Promise<Response> =>
      fetch(`${url}/v1/chat/completions`, { method: 'POST', headers, body: JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'hi' }] }) });
    const ok = await ask();
    await ok.text();
    const id = ok.headers.get('x-mock-request-id');
    expect(ok.headers.get('x-litellm-overhead-duration-ms')).toBe('7');
    expect(ok.headers.get('server-timing')).toBe('gateway;dur=3.25, upstream;desc="mock";dur=12.5');
    expect(ok.headers.get('x-portkey-cache-status')).toBe('MISS');
    expect(ok.headers.get('x-request-id')).toBe(`req-${id}`);
    expect(ok.headers.get('x-served-by')).toBe(`edge-${id}`);
    const failed = await ask({ 'x-mock-fail-status': '429' });
    await failed.text();
    expect(failed.status).toBe(429);
    expect(failed.headers.get('x-litellm-overhead-duration-ms')).toBe('7');
    io.emit('SIGINT');
    expect(await done).toBe(0);
  });

  it.each([['no colon'], ['bad name: x'], [': empty name']])('refuses --response-header %j with exit 2, naming the flag', async (line) => {
    const io = createFakeIo();
    expect(await runCli(['mock', '--response-header', line], io)).toBe(2);
    expect(io.err()).toContain(`--response-header ${JSON.stringify(line)}: not a header line "Name: value"`);
  });
});
