// The report layer at the end of a big run: renderHtml / renderProm / renderCsv with 100k records, and
// compare's bootstrap on two 100k-request runs (ms per call, page size). Then report.html of that run in
// headless Chromium (when /usr/bin/chromium is there): its size by part and the time until every chart
// is drawn, with uPlot (JavaScript on) and with the hand-written static SVG alone (JavaScript off), beside
// the targets (under a few MB, under 2 s). Imports dist/.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { compareRuns } from '../dist/report/compare.js';
import { renderComparisonHtml } from '../dist/report/compare-html.js';
import { renderCsv } from '../dist/report/csv.js';
import { renderHtml } from '../dist/report/html.js';
import { renderProm } from '../dist/report/prom.js';
import { createRandom } from '../dist/random.js';

const REQUESTS = 100_000;
const RATE = 200;

/** A run of REQUESTS requests at RATE/s with log-normal latencies, and a summary whose figures the renderers print. */
function makeRun(seed) {
  const random = createRandom(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const start = Date.parse('2026-01-01T00:00:00.000Z');
  const records = [];
  for (let i = 0; i < REQUESTS; i++) {
    const ttftMs = 200 * Math.exp(0.3 * gauss());
    const e2eMs = ttftMs + 1800 * Math.exp(0.3 * gauss());
    records.push({
      ts: new Date(start + (i * 1000) / RATE).toISOString(), phase: 'measure', user: i % 400, seq: i, ok: true, status: 200,
      errorCategory: null, error: null, ttftMs, ttfoMs: ttftMs, e2eMs, itlMs: (e2eMs - ttftMs) / 255, chunks: 256,
      inputTokens: 200, outputTokens: 256, reasoningTokens: null, tokenSource: 'usage', queueMs: null, scenario: null, turn: null,
    });
  }
  const stats = (key) => {
    const v = Float64Array.from(records, (r) => r[key]).sort();
    const p = (q) => v[Math.min(v.length - 1, Math.ceil((q / 100) * v.length) - 1)];
    return { count: v.length, mean: v.reduce((x, y) => x + y, 0) / v.length, min: v[0], p50: p(50), p90: p(90), p95: p(95), p99: p(99), p999: p(99.9), max: v[v.length - 1] };
  };
  const seconds = REQUESTS / RATE;
  const timeline = Array.from({ length: seconds + 3 }, (_, t) => ({ t, users: 400, started: RATE, finished: RATE, failed: 0, outputTokens: RATE * 256, ttftP50: 200, e2eP50: 2000 }));
  const summary = {
    tool: 'llm-loadtest', version: 'bench', mode: 'local',
    target: { url: 'http://127.0.0.1:1/v1/chat/completions', apiType: 'openai-chat', model: 'm', stream: true, headers: {} },
    config: { name: 'bench' }, startedAt: new Date(start).toISOString(), endedAt: new Date(start + seconds * 1000).toISOString(),
    measuredSeconds: seconds, requests: { total: REQUESTS, ok: REQUESTS, failed: 0, incomplete: 0, successRate: 1 }, rps: RATE,
    tokens: { input: REQUESTS * 200, output: REQUESTS * 256, outputPerSecond: RATE * 256, totalPerSecond: RATE * 456, source: 'usage' },
    latency: { ttft: stats('ttftMs'), ttfo: stats('ttfoMs'), itl: stats('itlMs'), e2e: stats('e2eMs'), chunkGap: stats('itlMs') },
    errors: { byCategory: {}, byStatus: {}, samples: {} }, timeline,
    generator: { eventLoopDelayP99Ms: 1, maxMs: 2, cpuPct: 10, openFileLimit: 1024, generatorErrors: 0, verdict: 'ok', reasons: [] },
    thresholds: { passed: true, checks: [] }, goodput: null, percentileMethod: 'nearest rank',
  };
  return { summary, records };
}

function time(fn) {
  const t0 = performance.now();
  const value = fn();
  return { ms: performance.now() - t0, value };
}

const base = makeRun(1);
const cand = makeRun(2);
for (let round = 1; round <= 3; round++) {
  const html = time(() => renderHtml(base.summary, base.records));
  const prom = time(() => renderProm(base.summary, base.records));
  const csv = time(() => renderCsv(base.summary));
  const cmp = time(() => compareRuns({ label: 'a', ...base }, { label: 'b', ...cand }, { regressPct: 10 }));
  console.log(
    `round ${round}: ${REQUESTS} records: renderHtml ${html.ms.toFixed(0)} ms (${(html.value.length / 1024).toFixed(1)} KiB), ` +
      `renderProm ${prom.ms.toFixed(0)} ms, renderCsv ${csv.ms.toFixed(1)} ms, compareRuns 2×${REQUESTS} ${cmp.ms.toFixed(0)} ms (${cmp.value.resamples} resamples)`,
  );
}

const TARGET_BYTES = 3 * 1024 * 1024;
const TARGET_RENDER_MS = 2000;
const html = renderHtml(base.summary, base.records);
const comparePage = renderComparisonHtml([{ label: 'a', ...base }, { label: 'b', ...cand }], null);
const bytesOf = (re) => [...html.matchAll(re)].reduce((n, m) => n + Buffer.byteLength(m[0]), 0);
const kib = (n) => `${(n / 1024).toFixed(0)} KiB`;
console.log(
  `report.html of ${REQUESTS} requests: ${kib(Buffer.byteLength(html))} (target < ${kib(TARGET_BYTES)}): ` +
    `uPlot + page script ${kib(bytesOf(/<script>[\s\S]*?<\/script>/g))}, chart data ${kib(bytesOf(/<script type="application\/json"[\s\S]*?<\/script>/g))}, ` +
    `static SVG ${kib(bytesOf(/<svg[\s\S]*?<\/svg>/g))}; compare.html of 2 runs ${kib(Buffer.byteLength(comparePage))}`,
);

const CHROMIUM = '/usr/bin/chromium';
if (!existsSync(CHROMIUM)) {
  console.log(`render time: skipped (${CHROMIUM} is missing: bash scripts/ensure-chromium.sh)`);
} else {
  const { chromium } = await import('playwright-core');
  const dir = mkdtempSync(join(tmpdir(), 'report-bench-'));
  const file = join(dir, 'report.html');
  writeFileSync(file, html);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu'] });
  try {
    /** Milliseconds from navigation to every chart drawn (JavaScript on) or to the load event (static SVG only). */
    const render = async (javaScriptEnabled) => {
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, javaScriptEnabled });
      const page = await context.newPage();
      await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
      const ms = javaScriptEnabled
        ? await page.evaluate(() => globalThis.reportReadyMs)
        : await page.evaluate(() => performance.getEntriesByType('navigation')[0].loadEventEnd);
      await context.close();
      return ms;
    };
    for (let round = 1; round <= 3; round++) {
      const live = await render(true);
      const still = await render(false);
      console.log(
        `round ${round}: report.html in Chromium: uPlot charts drawn at ${live.toFixed(0)} ms (target < ${TARGET_RENDER_MS} ms), ` +
          `static SVG only (JavaScript off) loaded at ${still.toFixed(0)} ms`,
      );
    }
  } finally {
    await browser.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
