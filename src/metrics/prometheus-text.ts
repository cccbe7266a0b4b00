import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import type { PromSample } from '../model/server-metrics.js';

/** Why a scrape's body is not Prometheus text, naming the line. */
export class PromTextError extends Error {}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const TYPE_LINE = /^#\s+TYPE\s+(\S+)\s+(\S+)\s*$/;
const TYPES = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped', 'unknown', 'info', 'stateset', 'gaugehistogram']);

/**
 * The samples of a Prometheus text exposition, each with its own labels. Parsed by the
 * parse-prometheus-text-format library, with two things it gets wrong for servers' output mended first:
 * it folds a labelled histogram or summary into one unlabelled series (dropping its `_sum` and `_count`),
 * so their TYPE lines are declared untyped here and each `_bucket`/`_sum`/`_count` line stays a sample; and
 * it drops the last line of a text without a final newline. Throws PromTextError on a malformed line (a
 * whole scrape is refused, as Prometheus does).
 */
export function parsePromText(text: string): PromSample[] {
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i += 1) {
    const line = (lines[i] as string).trim();
    if (line === '') continue;
    if (!line.startsWith('#')) {
      if (!/^[a-zA-Z_:]/.test(line)) throw new PromTextError(`line ${i + 1} is not a sample: "${clip(line)}"`);
      continue;
    }
    const type = TYPE_LINE.exec(line);
    if (type === null) continue;
    const kind = (type[2] as string).toLowerCase();
    if (!TYPES.has(kind)) throw new PromTextError(`line ${i + 1}: unknown metric type "${clip(type[2] as string)}"`);
    if (kind === 'histogram' || kind === 'summary' || kind === 'gaugehistogram') lines[i] = `# TYPE ${type[1] as string} untyped`;
  }
  let families: ReturnType<typeof parsePrometheusTextFormat>;
  try {
    families = parsePrometheusTextFormat(`${lines.join('\n')}\n`);
  } catch (error) {
    throw new PromTextError(clip((error as Error).message));
  }
  const samples: PromSample[] = [];
  for (const family of families) {
    if (!NAME.test(family.name)) throw new PromTextError(`"${clip(family.name)}" is not a metric name`);
    for (const metric of family.metrics) {
      const value = parseValue(metric.value);
      if (value === null) throw new PromTextError(`${clip(family.name)}: "${clip(metric.value ?? '')}" is not a number`);
      samples.push({ name: family.name, labels: metric.labels ?? {}, value });
    }
  }
  return samples;
}

function parseValue(text: string | undefined): number | null {
  if (text === undefined || text === '') return null;
  if (text === '+Inf' || text === 'Inf') return Number.POSITIVE_INFINITY;
  if (text === '-Inf') return Number.NEGATIVE_INFINITY;
  if (text === 'NaN') return Number.NaN;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)) return null;
  return Number(text);
}

function clip(text: string): string {
  return text.length > 80 ? `${text.slice(0, 80)}…` : text;
}
