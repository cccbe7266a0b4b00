import { Command } from 'commander';
import { ExitCode } from '../../failures/exit-codes.js';
import { createStyle, type CliContext } from '../io.js';
import { writeJson } from '../json-output.js';

/**
 * `llm-loadtest merge <run> <run>...`: runs of one target from several hosts as one run folder: every
 * record together (exact percentiles over all of them), aligned by wall clock, each host's generator
 * verdict kept (docs/cli.md "Merging runs from several hosts").
 */
export function createMergeCommand(ctx: CliContext): Command {
  return new Command('merge')
    .description('merge run folders of one target from several hosts into one summary and report')
    .argument('<runs...>', 'two or more run folders (each with results.jsonl and summary.json)')
    .option('--out <dir>', 'folder of the merged run (default ./llm-loadtest-runs/merged-<UTC stamp>)')
    .option('--json', 'print the merged summary.json on stdout')
    .option('--no-color', 'no colours')
    .action(async (paths: string[], options: { out?: string; json?: boolean; color: boolean }) => {
      if (options.json === true) ctx.json = true;
      const { io } = ctx;
      const [{ readRunOnDisk }, { mergeRuns }, writer, { writeFileAtomic }, { writeReports }, { join }] = await Promise.all([
        import('../../report/load-run.js'),
        import('../../report/merge-runs.js'),
        import('../../engine/results-writer.js'),
        import('../../report/write-file.js'),
        import('../../report/write-reports.js'),
        import('node:path'),
      ]);
      const runs = [];
      for (const path of paths) runs.push(await readRunOnDisk(path, io.cwd, { needRecords: true }));
      const merged = mergeRuns(runs);
      const outDir = writer.resolveRunDir({ outDir: options.out ?? null, name: 'merged', cwd: io.cwd });
      writer.createRunDir(outDir);
      const summary = { ...merged.summary, outDir };
      await writeFileAtomic(join(outDir, 'results.jsonl'), merged.records.map((record) => `${JSON.stringify(record)}\n`).join(''));
      await writeFileAtomic(join(outDir, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
      await writeReports(outDir, summary, merged.records);
      for (const host of summary.hosts ?? []) {
        io.stderr.write(`${host.label}: ${host.requests.total} requests (${host.requests.ok} ok), first request +${host.offsetS.toFixed(3)} s, generator ${host.generator.verdict}\n`);
      }
      // As `run`: a failed threshold or SLO on the merged figures is exit 5.
      const passed = summary.thresholds.passed;
      if (!passed) ctx.exitCode = ExitCode.threshold;
      if (ctx.json) {
        writeJson(ctx, passed, summary);
        return;
      }
      const { renderConsoleReport } = await import('../../report/console.js');
      io.stdout.write(`${renderConsoleReport(summary, { style: createStyle(io.stdout, io.env, !options.color), outDir })}\n`);
    });
}
