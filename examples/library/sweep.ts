/**
 * A sweep over users against a server of 2 slots: the knee, and the most users keeping p95 TTFT under
 * 200 ms (docs/experiments.md "Sweep"). In your own project, import from 'llm-loadtest'.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createEndpoint, parseSlo, renderSweepConsole, runSweep, startMockServer, type SweepSummary } from '../../src/index.js';

export async function main(): Promise<SweepSummary> {
  // Two requests answered at once; the others queue, so TTFT grows past 2 users.
  const mock = await startMockServer({ maxConcurrent: 2, ttftMs: 20, itlMs: 30, outputTokens: 10 });
  try {
    const endpoint = await createEndpoint({ url: `${mock.url}/v1/chat/completions`, model: 'mock-model' });
    const plan = endpoint.plan({ slo: parseSlo('ttft_p95<=200') }, { outDir: join(mkdtempSync(join(tmpdir(), 'llm-loadtest-example-')), 'sweep') });
    const { summary, outDir } = await runSweep({
      plan,
      cwd: '.',
      kind: 'users',
      given: [1, 2, 4],
      settleS: 0.3,
      pointDurationS: 1.5,
      bisect: true,
      budgetS: 60,
      onEvent: (event) => {
        if (event.type === 'point') console.log(`${event.point.load} users: ${event.point.rps} req/s, TTFT p95 ${event.point.ttftMs.p95} ms`);
      },
    }).done;
    console.log(renderSweepConsole(summary, outDir));
    return summary;
  } finally {
    await mock.close();
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
