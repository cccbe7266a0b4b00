import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { LATENCY_METRICS, RUN_FIGURES, TIMELINE_SERIES } from '../../src/model/metric-catalog.js';
import { renderHtml } from '../../src/report/html.js';
import { loadSmallRun } from './fixtures.js';

/**
 * The report's legend and docs/metrics.md say the same thing: both come from the metric catalog, and the
 * docs' "Legend" table states each definition word for word.
 */
const DOCS = readFileSync(fileURLToPath(new URL('../../docs/metrics.md', import.meta.url)), 'utf8');

function legendRows(): Map<string, string> {
  const section = DOCS.slice(DOCS.indexOf('\n## Legend'));
  const rows = new Map<string, string>();
  for (const match of section.matchAll(/^\| (.+?) \| (.+) \|$/gm)) {
    const [, label = '', definition = ''] = match;
    if (label !== 'figure' && !label.startsWith('---')) rows.set(label, definition);
  }
  return rows;
}

const DEFINITIONS: Array<[string, string]> = [
  ...LATENCY_METRICS.map((m): [string, string] => [m.label, m.definition]),
  ...RUN_FIGURES.map((f): [string, string] => [f.label, f.definition]),
  ...TIMELINE_SERIES.map((s): [string, string] => [`Per second: ${s.label}`, s.definition]),
];

const esc = (text: string): string => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

describe('the legend', () => {
  it('docs/metrics.md "Legend" states every catalog definition word for word, and nothing else', () => {
    expect([...legendRows()]).toEqual(DEFINITIONS);
  });

  it('report.html states the same definitions', () => {
    const { summary, records } = loadSmallRun();
    const html = renderHtml(summary, records);
    const defined = html.slice(html.indexOf('<h2>Metric definitions</h2>'));
    for (const [label, definition] of DEFINITIONS.filter(([label]) => !['Queue', 'E2E sched.'].includes(label))) {
      expect(defined).toContain(`<dt>${esc(label)}</dt><dd>${esc(definition)}</dd>`);
    }
  });
});
