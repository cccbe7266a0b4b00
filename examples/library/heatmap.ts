/**
 * Latency over prompt × answer sizes (docs/experiments.md "Heatmap"). In your own project, import from
 * 'llm-loadtest'.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createEndpoint, renderHeatmapConsole, runHeatmap, startMockServer, type HeatmapSummary } from '../../src/index.js';

export async function main(): Promise<HeatmapSummary> {
  const mock = await startMockServer({ ttftMs: 10, itlMs: 1, outputTokens: 1000 });
  try {
    const endpoint = await createEndpoint({ url: `${mock.url}/v1/chat/completions`, model: 'mock-model' });
    const plan = endpoint.plan({}, { outDir: join(mkdtempSync(join(tmpdir(), 'llm-loadtest-example-')), 'heatmap') });
    const { summary, outDir } = await runHeatmap({ plan, cwd: '.', inputSizes: [32, 128], outputSizes: [8, 32], settleS: 0, cellDurationS: 0.5 }).done;
    console.log(renderHeatmapConsole(summary, outDir));
    return summary;
  } finally {
    await mock.close();
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
