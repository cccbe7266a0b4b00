import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { AppError } from '../failures/errors.js';
import type { RequestRecord, Summary } from '../model/summary.js';

/** Past this size results.jsonl would not fit in memory: the reports are made from the summary alone. */
export const MAX_RECORDS_BYTES_FOR_REPORTS = 256 * 1024 * 1024;

/** The run's records for the per-step figures and the reports; undefined when the file is too large (or gone). */
export async function readRunRecords(resultsPath: string): Promise<RequestRecord[] | undefined> {
  const size = await stat(resultsPath).then((info) => info.size).catch(() => null);
  if (size === null || size > MAX_RECORDS_BYTES_FOR_REPORTS) return undefined;
  const { readRecords } = await import('../metrics/from-records.js');
  return readRecords(await readFile(resultsPath, 'utf8')).records;
}

/** summary.json, then the reports (each written whole through a temporary name). */
export async function writeRunFiles(outDir: string, summary: Summary, records: readonly RequestRecord[] | undefined): Promise<void> {
  const { writeFileAtomic } = await import('../report/write-file.js');
  await writeFileAtomic(join(outDir, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
  await writeRunReports(outDir, summary, records);
}

/** report.html, report.csv and metrics.prom, from the report renderers and the run's records (their histograms). */
async function writeRunReports(outDir: string, summary: Summary, records: readonly RequestRecord[] | undefined): Promise<void> {
  const { writeReports } = await import('../report/write-reports.js');
  try {
    await writeReports(outDir, summary, records);
  } catch (error) {
    // A full disk is the environment's, not a bug: the caller says so with OUT_WRITE_FAILED.
    if (['ENOSPC', 'EDQUOT', 'EROFS'].includes(String((error as { code?: unknown }).code))) throw error;
    throw new AppError('REPORT_WRITE_FAILED', `could not write the reports in ${outDir}: ${(error as Error).message}`, {
      category: 'internal',
      stage: 'report',
      hint: 'summary.json and results.jsonl are written; rerun `llm-loadtest report <dir>` to retry the reports',
    });
  }
}
