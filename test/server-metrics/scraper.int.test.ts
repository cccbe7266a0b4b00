import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { collectScrapes } from '../../src/server-metrics/collect.js';
import { createServerScraper, MAX_SCRAPE_BYTES, type SpoolLine } from '../../src/server-metrics/scraper.js';
import { metricsUrlOf } from '../../src/server-metrics/probe.js';

/** The scraper against real local endpoints: what it spools, how it fails, and that it stops on time. */
const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(
    servers.splice(0).map(
      (server) =>
        new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    ),
  );
});

async function serve(handler: Parameters<typeof createServer>[1]): Promise<string> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`;
}

function spoolOf(path: string): SpoolLine[] {
  return readFileSync(path, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as SpoolLine);
}

describe('the scraper', () => {
  it('spools each body as received, and each failure in words, masking a key in the URL', async () => {
    let hits = 0;
    const good = await serve((_req, res) => {
      hits += 1;
      res.end(`vllm:num_requests_running ${hits}\n`);
    });
    const failing = await serve((_req, res) => {
      res.writeHead(503).end();
    });
    const huge = await serve((_req, res) => {
      res.write('x'.repeat(MAX_SCRAPE_BYTES));
      res.end('more');
    });
    const dir = mkdtempSync(join(tmpdir(), 'scraper-'));
    const spoolPath = join(dir, 'spool.jsonl');
    const scraper = createServerScraper({ urls: [`${good}?key=sk-scrape0123456789abcd`, failing, huge, 'http://127.0.0.1:9/metrics'], intervalMs: 60_000, spoolPath });
    await scraper.scrapeNow();
    await scraper.scrapeNow();
    await scraper.stop();
    const lines = spoolOf(spoolPath);
    expect(lines).toHaveLength(8);
    const byUrl = (url: string): SpoolLine[] => lines.filter((line) => line.url === url);
    const goodLines = byUrl(`${good}?key=sk-…abcd`);
    expect(goodLines.map((line) => (line.ok ? line.text : line.error))).toEqual(['vllm:num_requests_running 1\n', 'vllm:num_requests_running 2\n']);
    expect(byUrl(failing).map((line) => (line.ok ? 'ok' : line.error))).toEqual(['HTTP 503', 'HTTP 503']);
    expect(byUrl(huge).map((line) => (line.ok ? 'ok' : line.error))).toEqual(['body larger than 8 MB', 'body larger than 8 MB']);
    expect(byUrl('http://127.0.0.1:9/metrics').every((line) => !line.ok && /refused/i.test(line.error))).toBe(true);
    expect(readFileSync(spoolPath, 'utf8')).not.toContain('sk-scrape0123456789abcd');

    // After the load: parsed into server-metrics.jsonl, the spool removed.
    const out = join(dir, 'server-metrics.jsonl');
    const scrapes = await collectScrapes(spoolPath, out, goodLines[0]?.atMs as number);
    expect(scrapes.filter((scrape) => scrape.ok).map((scrape) => (scrape.ok ? scrape.samples[0]?.value : null))).toEqual([1, 2]);
    expect(readFileSync(out, 'utf8').trim().split('\n')).toHaveLength(8);
  });

  it('abandons a hanging scrape at its deadline, and stops within it', async () => {
    const hanging = await serve(() => undefined);
    const spoolPath = join(mkdtempSync(join(tmpdir(), 'scraper-')), 'spool.jsonl');
    const scraper = createServerScraper({ urls: [hanging], intervalMs: 100, timeoutMs: 150, spoolPath });
    const startedAt = performance.now();
    await scraper.scrapeNow();
    const tookMs = performance.now() - startedAt;
    expect(tookMs).toBeGreaterThanOrEqual(140);
    expect(tookMs, 'a scrape waited past its deadline').toBeLessThan(2000);
    scraper.startTimer();
    await new Promise((resolve) => setTimeout(resolve, 350));
    const stopAt = performance.now();
    await scraper.stop();
    expect(performance.now() - stopAt, 'stop() waited past a scrape deadline').toBeLessThan(1000);
    const lines = spoolOf(spoolPath);
    expect(lines.every((line) => !line.ok && line.error === 'timed out after 150 ms')).toBe(true);
    // One scrape at a time per endpoint: the ticks during a hanging one are skipped, not piled up.
    expect(lines.length).toBeGreaterThanOrEqual(2);
    expect(lines.length).toBeLessThanOrEqual(4);
  });

  it.each([
    ['http://10.0.0.5:8000/v1/chat/completions', 'http://10.0.0.5:8000/metrics'],
    ['https://u:p@gpu.example/v1/messages?x=1', 'https://gpu.example/metrics'],
    ['not a url', null],
  ])('the offered URL of %s is %s', (target, expected) => {
    expect(metricsUrlOf(target)).toBe(expected);
  });
});
