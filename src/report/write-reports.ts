import { join } from 'node:path';
import type { RequestRecord, Summary } from '../model/summary.js';
import { renderCsv } from './csv.js';
import { renderHtml } from './html.js';
import { renderProm } from './prom.js';
import { writeFileAtomic } from './write-file.js';

export interface ReportPaths {
  html: string;
  csv: string;
  prom: string;
}

/**
 * Write report.html, report.csv and metrics.prom into a run's folder (each whole or not at all). With the records the page gets
 * its histograms and the TTFT p95 line, and metrics.prom exact histogram buckets.
 */
export async function writeReports(outDir: string, summary: Summary, records?: readonly RequestRecord[]): Promise<ReportPaths> {
  const paths: ReportPaths = {
    html: join(outDir, 'report.html'),
    csv: join(outDir, 'report.csv'),
    prom: join(outDir, 'metrics.prom'),
  };
  await Promise.all([
    writeFileAtomic(paths.html, renderHtml(summary, records)),
    writeFileAtomic(paths.csv, renderCsv(summary)),
    writeFileAtomic(paths.prom, renderProm(summary, records)),
  ]);
  return paths;
}
