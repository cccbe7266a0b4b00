import { describe, expect, it } from 'vitest';
import { CSV_COLUMNS, renderCsv } from '../../src/report/csv.js';
import { loadSmallRun } from './fixtures.js';

const { summary, records } = loadSmallRun();

/** A strict RFC 4180 reader: quoted fields with doubled quotes, CRLF rows. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += c;
  }
  expect(field).toBe('');
  return rows;
}

describe('renderCsv', () => {
  const rows = parseCsv(renderCsv(summary));
  const [header, ...body] = rows;
  const col = (name: (typeof CSV_COLUMNS)[number]): number => (header ?? []).indexOf(name);
  const timeline = body.filter((r) => r[0] === 'timeline');
  const summaryRow = (metric: string): string[] | undefined => body.find((r) => r[0] === 'summary' && r[col('metric')] === metric);

  it('has one header, rows of equal width, one row per second of the timeline', () => {
    expect(header).toEqual([...CSV_COLUMNS]);
    for (const r of body) expect(r.length).toBe(CSV_COLUMNS.length);
    expect(timeline.map((r) => Number(r[col('t_s')]))).toEqual(summary.timeline.map((p) => p.t));
  });

  it('has timeline totals that match the records', () => {
    const sum = (name: (typeof CSV_COLUMNS)[number]): number => timeline.reduce((a, r) => a + Number(r[col(name)]), 0);
    const finished = records.filter((r) => r.errorCategory !== 'incomplete');
    expect(sum('finished')).toBe(finished.length);
    expect(sum('failed')).toBe(finished.filter((r) => !r.ok).length);
    expect(sum('output_tokens')).toBe(finished.reduce((a, r) => a + (r.outputTokens ?? 0), 0));
  });

  it.each([
    ['requests_total', 40],
    ['requests_ok', 37],
    ['requests_failed', 2],
    ['requests_incomplete', 1],
    ['output_tokens', summary.tokens.output],
    ['rps', summary.rps],
    ['errors_server_error', 1],
  ])('has the summary row %s = summary.json', (metric, value) => {
    expect(Number(summaryRow(metric)?.[col('value')])).toBe(value);
  });

  it('has one summary row per latency metric with its statistics', () => {
    const ttft = summaryRow('ttft_ms');
    expect(Number(ttft?.[col('count')])).toBe(37);
    expect(Number(ttft?.[col('p95_ms')])).toBe(summary.latency.ttft.p95);
    expect(summaryRow('chunk_gap_ms')?.[col('p50_ms')]).toBe('');
    expect(summaryRow('queue_ms')).toBeUndefined();
  });

  it('quotes a field holding a comma or a quote', () => {
    const odd = { ...summary, errors: { ...summary.errors, byCategory: { 'a,"b"': 3 } } };
    const parsed = parseCsv(renderCsv(odd));
    expect(parsed.find((r) => r[2] === 'errors_a,"b"')?.[col('value')]).toBe('3');
  });
});
