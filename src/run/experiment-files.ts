import { join } from 'node:path';
import type { HeatmapSummary, SweepSummary } from '../model/experiment.js';

/** A sweep folder's files: summary.json, sweep.csv, report.html (each written whole through a temporary name). */
export async function writeSweepFiles(outDir: string, summary: SweepSummary): Promise<void> {
  const [{ writeFileAtomic }, { renderSweepCsv, renderSweepHtml }] = await Promise.all([import('../report/write-file.js'), import('../report/sweep-report.js')]);
  await writeFileAtomic(join(outDir, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
  await writeFileAtomic(join(outDir, 'sweep.csv'), renderSweepCsv(summary));
  await writeFileAtomic(join(outDir, 'report.html'), renderSweepHtml(summary));
}

/** A heatmap folder's files: summary.json, heatmap.csv, report.html. */
export async function writeHeatmapFiles(outDir: string, summary: HeatmapSummary): Promise<void> {
  const [{ writeFileAtomic }, { renderHeatmapCsv, renderHeatmapHtml }] = await Promise.all([import('../report/write-file.js'), import('../report/heatmap-report.js')]);
  await writeFileAtomic(join(outDir, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
  await writeFileAtomic(join(outDir, 'heatmap.csv'), renderHeatmapCsv(summary));
  await writeFileAtomic(join(outDir, 'report.html'), renderHeatmapHtml(summary));
}
