import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, test } from 'vitest';
import { main as batchMain } from '../../examples/library/batch.js';
import { main as heatmapMain } from '../../examples/library/heatmap.js';
import { main as invokeMain } from '../../examples/library/invoke.js';
import { main as sweepMain } from '../../examples/library/sweep.js';

/** The library examples of docs/library.md: they compile against src/ under the strict config, and run against the mock. */
describe('library examples', () => {
  test('type-check with tsc (examples/library/tsconfig.json extends the project\'s strict settings)', async () => {
    const tsc = join(process.cwd(), 'node_modules', 'typescript', 'bin', 'tsc');
    const result = await promisify(execFile)(process.execPath, [tsc, '-p', 'examples/library/tsconfig.json'], { cwd: process.cwd(), timeout: 170_000 }).catch((error: { stdout?: string; code?: unknown }) => ({
      stdout: `tsc failed (${String(error.code)}): ${error.stdout ?? ''}`,
    }));
    expect(result.stdout).toBe('');
  }, 180_000);

  test('invoke: one request measured, with the prompt and the answer cap sent', async () => {
    const record = await invokeMain();
    expect(record).toMatchObject({ ok: true, outputTokens: 10, phase: 'measure' });
    // The mock's TTFT is 50 ms; its 10 tokens come 5 ms apart. Lower bounds the server sets whatever this
    // machine does: a stall of this process before the first read would make TTFT late and the gaps after it
    // short, so the answer's length is judged from the send, not from TTFT.
    expect(record.ttftMs as number).toBeGreaterThanOrEqual(50);
    expect(record.e2eMs as number).toBeGreaterThanOrEqual(50 + 9 * 5 - 1);
  });

  test('batch and load test: exact request counts, the SLO judged', async () => {
    const { batch, load } = await batchMain();
    expect(batch.requests).toMatchObject({ ok: 10, failed: 0 });
    expect(load.requests.ok).toBeGreaterThan(0);
    expect(load.goodput).not.toBeNull();
    expect(load.thresholds.checks.map((c) => c.name)).toContain('ttft_p95<=1000');
  }, 30_000);

  test('sweep: the most users meeting the SLO is the mock\'s 2 slots', async () => {
    const summary = await sweepMain();
    expect(summary.answer).toMatchObject({ maxLoad: 2, firstFailingLoad: 3, bisected: true });
    expect(summary.knee.load).toBe(2);
  }, 60_000);

  test('heatmap: every cell of its 2 × 2 grid', async () => {
    const summary = await heatmapMain();
    expect(summary.cells.map((c) => [c.inputTokens, c.outputTokens, c.measuredOutputTokens])).toEqual([
      [32, 8, 8],
      [32, 32, 32],
      [128, 8, 8],
      [128, 32, 32],
    ]);
  }, 60_000);
});
