import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RequestRecord, Summary } from '../model/summary.js';
import { renderCsv } from './csv.js';
import { renderHtml } from './html.js';
import { renderProm } from './prom.js';

export interface ReportPaths {
  html: string;
  csv: string;
  prom: string;
}

/**
 * Write report.html, report.csv and metrics.prom into a run's folder. With the records the page gets
 * its histograms and the TTFT p95 line, and metrics.prom exact histogram buckets.
 */
export async function writeReports(outDir: string, summary: Summary, records?: readonly RequestRecord[]): Promise<ReportPaths> {
  const paths: ReportPaths = {
    html: join(outDir, 'report.html'),
    csv: join(outDir, 'report.csv'),
    prom: join(outDir, 'metrics.prom'),
  };
  await Promise.all([
    writeFile(paths.html, renderHtml(summary, records), 'utf8'),
    writeFile(paths.csv, renderCsv(summary), 'utf8'),
    writeFile(paths.prom, renderProm(summary, records), 'utf8'),
  ]);
  return paths;
}
