/**
 * A batch of requests and a load test with their summaries and run files (docs/library.md "Runner").
 * In your own project, import from 'llm-loadtest' instead of the source path.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createEndpoint, parseSlo, runBatch, runLoadTest, startMockServer, type Summary } from '../../src/index.js';

export async function main(): Promise<{ batch: Summary; load: Summary }> {
  const mock = await startMockServer({ ttftMs: 20, itlMs: 2, outputTokens: 16 });
  const work = mkdtempSync(join(tmpdir(), 'llm-loadtest-example-'));
  try {
    const endpoint = await createEndpoint({ url: `${mock.url}/v1/chat/completions`, model: 'mock-model' });
    // Exactly 10 measured requests from 2 users.
    const batch = await runBatch(endpoint, { requests: 10, users: 2 }, { outDir: join(work, 'batch') });
    console.log(`batch: ${batch.summary.requests.ok} ok, TTFT p95 ${batch.summary.latency.ttft.p95} ms, files in ${batch.outDir}`);
    // 4 users for 2 s after 0.5 s of warmup, judged against an SLO.
    const load = await runLoadTest(endpoint, { concurrentUsers: 4, spawnRate: 4, durationS: 2, warmupS: 0.5, slo: parseSlo('ttft_p95<=1000') }, { outDir: join(work, 'load') });
    console.log(`load: ${load.summary.rps} req/s, goodput ${load.summary.goodput} req/s, thresholds ${load.summary.thresholds.passed ? 'passed' : 'failed'}`);
    return { batch: batch.summary, load: load.summary };
  } finally {
    await mock.close();
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
