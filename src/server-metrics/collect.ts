import { createReadStream, createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { once } from 'node:events';
import { parsePromText } from '../metrics/prometheus-text.js';
import { termOf } from '../metrics/server-vocabulary.js';
import type { PromSample, Scrape } from '../model/server-metrics.js';
import type { SpoolLine } from './scraper.js';

/**
 * After the load: the spooled bodies parsed into server-metrics.jsonl (one line per scrape, docs/server-metrics.md)
 * and the spool removed. Returns the scrapes for the summary with only the vocabulary's samples, plus each
 * endpoint's first page whole (to count the raw families): the full series stays in the file, not in memory.
 * A body that is not Prometheus text becomes a failed scrape ("malformed Prometheus text: …").
 */
export async function collectScrapes(spoolPath: string, outPath: string, loadStartMs: number): Promise<Scrape[]> {
  const out = createWriteStream(outPath);
  const scrapes: Scrape[] = [];
  const seenWhole = new Set<string>();
  const lines = createInterface({ input: createReadStream(spoolPath, 'utf8'), crlfDelay: Infinity });
  for await (const raw of lines) {
    if (raw === '') continue;
    const line = JSON.parse(raw) as SpoolLine;
    const t = Math.round(line.atMs - loadStartMs) / 1000;
    let scrape: Scrape;
    if (line.ok) {
      try {
        const samples = parsePromText(line.text);
        scrape = { url: line.url, t, ok: true, status: line.status, durationMs: line.durationMs, samples };
      } catch (error) {
        scrape = { url: line.url, t, ok: false, error: `malformed Prometheus text: ${(error as Error).message}`, durationMs: line.durationMs };
      }
    } else {
      scrape = { url: line.url, t, ok: false, error: line.error, durationMs: line.durationMs };
    }
    if (!out.write(`${serializeScrape(scrape)}\n`)) await once(out, 'drain');
    if (scrape.ok && seenWhole.has(scrape.url)) scrape = { ...scrape, samples: scrape.samples.filter((sample) => termOf(sample.name) !== null) };
    else if (scrape.ok) seenWhole.add(scrape.url);
    scrapes.push(scrape);
  }
  await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
  await rm(spoolPath, { force: true });
  return scrapes;
}

/** A scrape as a line of server-metrics.jsonl: samples as [name, labels, value], ±Inf and NaN as strings. */
export function serializeScrape(scrape: Scrape): string {
  if (!scrape.ok) return JSON.stringify({ url: scrape.url, t: scrape.t, ok: false, error: scrape.error, durationMs: scrape.durationMs });
  const samples = scrape.samples.map((sample: PromSample) => [sample.name, sample.labels, jsonValue(sample.value)]);
  return JSON.stringify({ url: scrape.url, t: scrape.t, ok: true, status: scrape.status, durationMs: scrape.durationMs, samples });
}

function jsonValue(value: number): number | string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Number.POSITIVE_INFINITY) return '+Inf';
  if (value === Number.NEGATIVE_INFINITY) return '-Inf';
  return value;
}
