import { performance } from 'node:perf_hooks';
import { afterEach, describe, expect, it } from 'vitest';
import { startMockServer, type MockServer } from '../../src/mock/server.js';

const TTFT_MS = 150;
const ITL_MS = 10;
const OUTPUT_TOKENS = 5;
/** The mock's own timers fire late on a busy machine; the order and the gaps are what matter. */
const SLACK_MS = 2;

/** A streaming request; the client's TTFT is from the send to the first read carrying content. */
async function streamOne(server: MockServer): Promise<{ id: string; ttftMs: number }> {
  const sentAt = performance.now();
  const response = await fetch(`${server.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'm', stream: true, messages: [{ role: 'user', content: 'hi' }] }),
  });
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let text = '';
  let ttftMs = Number.NaN;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
    if (Number.isNaN(ttftMs) && /"content":"[^"]/.test(text)) ttftMs = performance.now() - sentAt;
  }
  return { id: response.headers.get('x-mock-request-id') ?? '', ttftMs };
}

describe('mock maxConcurrent', () => {
  let server: MockServer | null = null;
  afterEach(async () => {
    await server?.close();
    server = null;
  });

  it('answers 2 of 6 concurrent streams at once; the others wait in FIFO order for a finished one', async () => {
    server = await startMockServer({ maxConcurrent: 2, ttftMs: TTFT_MS, itlMs: ITL_MS, outputTokens: OUTPUT_TOKENS });
    const mock = server;
    const results = await Promise.all(Array.from({ length: 6 }, () => streamOne(mock)));

    const records = mock.records;
    expect(records).toHaveLength(6);
    const byReceipt = [...records].sort((a, b) => a.receivedAt - b.receivedAt);
    const byStart = [...records].sort((a, b) => (a.startedAt as number) - (b.startedAt as number));
    // FIFO: answered in the order received.
    expect(byStart.map((r) => r.id)).toEqual(byReceipt.map((r) => r.id));
    // The first two start at once; each later one only when an earlier one has ended.
    for (const record of byStart.slice(0, 2)) expect(record.queuedMs).toBe(0);
    const ends = byStart.map((r) => r.endAt as number);
    byStart.slice(2).forEach((record, i) => {
      const startedAt = record.startedAt as number;
      // The (i+3)-th to start needs i+1 of the answers before it ended (2 slots): by the mock's own stamps.
      const endedBefore = ends.slice(0, i + 2).filter((end) => end <= startedAt).length;
      expect(endedBefore).toBeGreaterThanOrEqual(i + 1);
      expect(record.queuedMs).toBeCloseTo(startedAt - record.receivedAt, 6);
      expect(record.queuedMs as number).toBeGreaterThan(TTFT_MS);
      // Never more than 2 answering at once.
      const answering = byStart.filter((other) => (other.startedAt as number) <= startedAt && (other.endAt as number) > startedAt);
      expect(answering.length).toBeLessThanOrEqual(2);
    });
    // Each answer's TTFT counts from its start, not its receipt.
    for (const record of records) {
      expect((record.firstTokenAt as number) - (record.startedAt as number)).toBeGreaterThanOrEqual(TTFT_MS - SLACK_MS);
    }
    // The client's TTFT holds the mock's queue wait: at least queuedMs + TTFT.
    for (const result of results) {
      const record = mock.findRecord(result.id);
      expect(record).toBeDefined();
      expect(result.ttftMs).toBeGreaterThanOrEqual((record?.queuedMs as number) + TTFT_MS - SLACK_MS);
    }
    const clientTtfts = byStart.map((r) => results.find((x) => x.id === r.id)?.ttftMs as number);
    // Three waves of two: the third wave waited for two answers (≥ 2 × (TTFT + 4 gaps)) before its own TTFT.
    const answerMs = TTFT_MS + (OUTPUT_TOKENS - 1) * ITL_MS;
    expect(Math.min(clientTtfts[4] as number, clientTtfts[5] as number)).toBeGreaterThanOrEqual(2 * answerMs + TTFT_MS - 3 * SLACK_MS);

    const stats = mock.stats();
    expect(stats.queued).toBe(4);
    expect(stats.waiting).toBe(0);
    expect(stats.completed).toBe(6);
    const remote = (await (await fetch(`${mock.url}/mock/stats`)).json()) as { queued: number; records: Array<{ queuedMs: number }> };
    expect(remote.queued).toBe(4);
    expect(remote.records.filter((r) => r.queuedMs > 0)).toHaveLength(4);
  });

  it('without a limit nothing waits: queuedMs 0, queued 0', async () => {
    server = await startMockServer({ ttftMs: 20, outputTokens: 2 });
    const mock = server;
    await Promise.all(Array.from({ length: 4 }, () => streamOne(mock)));
    expect(mock.records.map((r) => r.queuedMs)).toEqual([0, 0, 0, 0]);
    expect(mock.stats().queued).toBe(0);
  });

  it('a request whose client goes away while waiting leaves the queue unanswered and frees nothing', async () => {
    server = await startMockServer({ maxConcurrent: 1, ttftMs: 200, outputTokens: 1 });
    const mock = server;
    const first = streamOne(mock);
    const controller = new AbortController();
    const second = fetch(`${mock.url}/v1/chat/completions`, {
      method: 'POST',
      body: JSON.stringify({ model: 'm', stream: true, messages: [{ role: 'user', content: 'hi' }] }),
      signal: controller.signal,
    }).catch((error: unknown) => error);
    const deadline = performance.now() + 10_000;
    while (mock.stats().waiting < 1) {
      if (performance.now() > deadline) throw new Error('the second request never reached the queue');
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    controller.abort();
    await second;
    await first;
    const third = await streamOne(mock);
    const [, aborted, answered] = mock.records;
    expect(aborted?.aborted).toBe(true);
    expect(aborted?.startedAt).toBeNull();
    expect(answered?.id).toBe(third.id);
    expect(mock.stats()).toMatchObject({ queued: 1, waiting: 0, aborted: 1, completed: 2 });
  });

  it.each([0, -1, 1.5, 100_001])('refuses maxConcurrent %s with an input error naming it', async (value) => {
    await expect(startMockServer({ maxConcurrent: value })).rejects.toMatchObject({ code: 'MOCK_OPTION_INVALID', message: expect.stringContaining('maxConcurrent') });
  });
});
