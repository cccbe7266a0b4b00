import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { buildRunPlan, startMockServer, type MockServer } from '../../src/index.js';
import type { HeatmapSummary } from '../../src/model/experiment.js';
import { runHeatmap } from '../../src/run/heatmap.js';

let mock: MockServer;
beforeAll(async () => {
  // A fixed per-token pace: E2E grows with the output size, 2 ms a token; the mock counts each prompt exactly.
  mock = await startMockServer({ ttftMs: 20, itlMs: 2, outputTokens: 1000, chunkTokens: 4, countPrompt: true });
});
afterAll(async () => {
  await mock.close();
});

describe('heatmap', () => {
  test('covers every input × output size of its grid, each cell sending its sizes', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'heatmap-')), 'heatmap');
    const plan = await buildRunPlan({ local: true, url: `${mock.url}/v1/chat/completions`, model: 'mock-model', out }, { env: {}, cwd: process.cwd(), readStdin: async () => '' });
    const inputSizes = [64, 256];
    const outputSizes = [16, 64];
    const { summary, outDir } = await runHeatmap({ plan, cwd: process.cwd(), inputSizes, outputSizes, settleS: 0.3, cellDurationS: 1 }).done;

    expect(summary.cells.map((c) => [c.inputTokens, c.outputTokens])).toEqual([
      [64, 16],
      [64, 64],
      [256, 16],
      [256, 64],
    ]);
    for (const cell of summary.cells) {
      expect(cell.requests.ok).toBeGreaterThan(0);
      expect(cell.requests.failed).toBe(0);
      // The mock answers exactly max_tokens, and counts the prompt it read with the model's encoding.
      expect(cell.measuredOutputTokens).toBe(cell.outputTokens);
      expect(cell.measuredInputTokens).toBe(cell.inputTokens);
    }
    // Every request of the grid (the pre-check aside) sent a prompt of its cell's size exactly, each with its own start.
    const sent = mock.records.filter((r) => r.clientRequestId !== null && !r.clientRequestId.endsWith('-precheck'));
    expect(new Set(sent.map((r) => r.promptTokens))).toEqual(new Set([64, 256]));
    expect(new Set(sent.map((r) => r.maxTokens))).toEqual(new Set([16, 64]));
    expect(new Set(sent.map((r) => r.promptHead)).size).toBe(sent.length);
    // 48 more tokens at 2 ms each: the longer answers take longer end to end.
    const e2e = (input: number, output: number): number => summary.cells.find((c) => c.inputTokens === input && c.outputTokens === output)?.e2eMs.p50 as number;
    expect(e2e(64, 64) - e2e(64, 16)).toBeGreaterThan(48 * 2 * 0.8);

    const onDisk = JSON.parse(readFileSync(join(outDir, 'summary.json'), 'utf8')) as HeatmapSummary;
    expect(onDisk.cells).toHaveLength(4);
    expect(readFileSync(join(outDir, 'heatmap.csv'), 'utf8').trimEnd().split('\r\n')).toHaveLength(5);
    const html = readFileSync(join(outDir, 'report.html'), 'utf8');
    // Five grids of four coloured cells, each the cell's own figure.
    expect((html.match(/<td class="n cell"/g) ?? []).length).toBe(5 * 4);
    for (const cell of summary.cells) {
      expect(html).toContain(`data-key="heatmap.e2e_p50.${cell.inputTokens}x${cell.outputTokens}" data-value="${cell.e2eMs.p50}" style="background:hsl(`);
    }
    // The longest answers take longest: the worst (red) end of the E2E scale.
    const slowest = [...summary.cells].sort((a, b) => (b.e2eMs.p50 as number) - (a.e2eMs.p50 as number))[0];
    expect(html).toContain(`data-key="heatmap.e2e_p50.${slowest?.inputTokens}x${slowest?.outputTokens}" data-value="${slowest?.e2eMs.p50}" style="background:hsl(0, 70%, 75%)"`);
  }, 60_000);

  test('refuses an API without an output size, before any network', async () => {
    const plan = await buildRunPlan({ local: true, url: `${mock.url}/v1/embeddings`, model: 'e' }, { env: {}, cwd: process.cwd(), readStdin: async () => '' });
    const before = mock.records.length;
    await expect(runHeatmap({ plan, cwd: process.cwd(), inputSizes: [8], outputSizes: [8] }).done).rejects.toMatchObject({ code: 'USAGE', message: expect.stringContaining('no output size') });
    expect(mock.records.length).toBe(before);
  });
});
