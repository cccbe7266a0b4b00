import { Command } from 'commander';
import { createStyle, type CliContext } from '../io.js';
import { writeJson } from '../json-output.js';

/**
 * `llm-loadtest report <run dir | results.jsonl>`: re-compute summary.json from the records alone and
 * re-render report.html, report.csv and metrics.prom into the run's folder. Works on a run killed mid-way
 * (a last line cut off is skipped, and said).
 */
export function createReportCommand(ctx: CliContext): Command {
  return new Command('report')
    .description("re-compute the summary and re-render the reports from a run's records (results.jsonl)")
    .argument('<run>', 'a run folder, or its results.jsonl')
    .option('--json', 'print the re-computed summary.json on stdout')
    .option('--no-color', 'no colours')
    .action(async (path: string, options: { json?: boolean; color: boolean }) => {
      if (options.json === true) ctx.json = true;
      const [{ readRunOnDisk, recomputeSummary }, { writeReports }, { writeFileAtomic }, { access, rename }, { join }] = await Promise.all([
        import('../../report/load-run.js'),
        import('../../report/write-reports.js'),
        import('../../report/write-file.js'),
        import('node:fs/promises'),
        import('node:path'),
      ]);
      const run = await readRunOnDisk(path, ctx.io.cwd, { needRecords: true });
      const records = run.records ?? [];
      const { io } = ctx;
      io.stderr.write(`Read ${records.length} records from ${run.recordsPath ?? path}\n`);
      if (run.skipped > 0) {
        io.stderr.write(
          `Skipped ${run.skipped} ${run.skipped === 1 ? 'line' : 'lines'} that ${run.skipped === 1 ? 'is' : 'are'} not a complete record (a run cut off mid-write leaves one)\n`,
        );
      }
      if (run.summaryIgnored !== null) io.stderr.write(`Ignored summary.json: ${run.summaryIgnored}\n`);
      if (run.summary === null) io.stderr.write('No summary.json: target, model and settings are unknown to the report\n');

      const summary = { ...recomputeSummary(records, run.summary), outDir: run.dir };
      const summaryPath = join(run.dir, 'summary.json');
      // summary.json is replaced by figures from the records; the run's own (live users per second, goodput
      // judged on each request's chunk gaps) is kept once beside it, never overwritten by a later report.
      const previousPath = join(run.dir, 'summary.previous.json');
      const keptBefore = await access(previousPath).then(() => true, () => false);
      if (run.summary !== null && !keptBefore) await rename(summaryPath, previousPath);
      await writeFileAtomic(summaryPath, `${JSON.stringify(summary, null, 2)}\n`);
      await writeReports(run.dir, summary, records);

      if (ctx.json) {
        writeJson(ctx, true, summary);
        return;
      }
      const { renderConsoleReport } = await import('../../report/console.js');
      const style = createStyle(io.stdout, io.env, !options.color);
      io.stdout.write(`${renderConsoleReport(summary, { style, outDir: run.dir })}\n`);
      if (run.summary !== null) io.stdout.write(`  ${previousPath} (the run's own summary, as measured live)\n`);
    });
}
