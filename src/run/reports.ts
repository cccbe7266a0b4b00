import { readFile, stat } from 'node:fs/promises';
import { AppError } from '../failures/errors.js';
import type { Summary } from '../model/summary.js';

/** Past this size results.jsonl would not fit in memory: the reports are made from the summary alone. */
export const MAX_RECORDS_BYTES_FOR_REPORTS = 256 * 1024 * 1024;

/** report.html, report.csv and metrics.prom, from the report renderers and the run's records. */
export async function writeRunReports(outDir: string, summary: Summary, resultsPath: string): Promise<void> {
  const [{ writeReports }, { readRecords }] = await Promise.all([import('../report/write-reports.js'), import('../metrics/from-records.js')]);
  // The records give the page its histograms.
  const size = (await stat(resultsPath)).size;
  const records = size <= MAX_RECORDS_BYTES_FOR_REPORTS ? readRecords(await readFile(resultsPath, 'utf8')).records : undefined;
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
