import { describe, expect, it } from 'vitest';
import { Recorder } from '../../src/metrics/recorder.js';
import { summarize } from '../../src/metrics/summarize.js';
import type { Summary } from '../../src/model/summary.js';
import { renderConsoleReport } from '../../src/report/console.js';
import { renderCsv } from '../../src/report/csv.js';
import { renderHtml } from '../../src/report/html.js';
import { renderProm } from '../../src/report/prom.js';
import { makeContext } from '../metrics/context.js';
import { makeRecord } from '../metrics/records.js';

/** Embeddings: 40 requests of 3 vectors each over a 10 s window, so 12 vectors/s and 120 in all. */
function embeddingsSummary(): Summary {
  const recorder = new Recorder({ runStartMs: 0, slo: [] });
  recorder.setUsers(2, 0);
  recorder.startMeasuring(0);
  for (let i = 0; i < 40; i++) {
    const record = makeRecord({ ttftMs: null, ttfoMs: null, itlMs: null, chunks: 0, e2eMs: 50, inputTokens: 30, outputTokens: null });
    recorder.recordRequest({ ...record, vectors: 3 }, 250 * (i + 1));
  }
  return summarize(recorder.snapshot(), makeContext({ config: { concurrentUsers: 2, durationS: 10, loadMode: 'fixed', rate: null, workers: 1 } }));
}

describe('embeddings figures in every report', () => {
  const summary = embeddingsSummary();

  it('the summary has the vectors and their rate over the window', () => {
    expect(summary.vectors?.total).toBe(120);
    expect(summary.vectors?.perSecond).toBeCloseTo(120 / summary.measuredSeconds, 6);
  });

  it('console: vectors/s and input tok/s instead of output tokens', () => {
    const text = renderConsoleReport(summary, {});
    expect(text).toMatch(/Vectors\s+\d+(\.\d)? vectors\/s · 120 vectors/);
    expect(text).toMatch(/Input\s+[\d.]+ tok\/s/);
    expect(text).not.toMatch(/Output\s+0\.0 tok\/s/);
  });

  it('CSV rows, a Prometheus gauge and an HTML card', () => {
    const csv = renderCsv(summary);
    expect(csv).toMatch(/^summary,,vectors,(,*)120(,|$)/m);
    expect(csv).toMatch(/^summary,,vectors_per_second,,*\d/m);
    expect(renderProm(summary)).toMatch(/^llm_loadtest_vectors_per_second \d/m);
    expect(renderHtml(summary)).toContain('Vectors / s');
  });

  it('a text run has no vectors anywhere', () => {
    const text = { ...summary };
    delete text.vectors;
    expect(renderConsoleReport(text, {})).not.toContain('vectors/s');
    expect(renderCsv(text)).toMatch(/^summary,,vectors_per_second,+$/m);
    expect(renderProm(text)).toMatch(/^llm_loadtest_vectors_per_second NaN/m);
    expect(renderHtml(text)).not.toContain('Vectors / s');
  });
});
