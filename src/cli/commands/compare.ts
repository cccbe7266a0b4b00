import { Command } from 'commander';
import { inputError } from '../../failures/errors.js';
import { ExitCode } from '../../failures/exit-codes.js';
import type { CompareInput } from '../../report/compare.js';
import type { CliContext } from '../io.js';
import { writeJson } from '../json-output.js';

const DEFAULT_REGRESS_PCT = 10;

/**
 * `llm-loadtest compare <baseline> <candidate>`: the key metrics side by side, and a CI gate: exit 5 when
 * throughput or tail latency got worse beyond --regress-pct and beyond the run-to-run noise.
 */
export function createCompareCommand(ctx: CliContext): Command {
  return new Command('compare')
    .description('compare two runs (run folders or summary.json files); exit 5 on a regression')
    .argument('<baseline>', 'run folder, summary.json or results.jsonl of the reference run')
    .argument('<candidate>', 'run folder, summary.json or results.jsonl of the run to judge')
    .option('--regress-pct <n>', 'a throughput drop or p95/p99 latency rise beyond this percentage fails', String(DEFAULT_REGRESS_PCT))
    .option('--seed <n>', 'seed of the bootstrap resampling (same seed, same verdict)', '7')
    .option('--json', 'machine-readable comparison on stdout (the table goes to stderr)')
    .option('--html <file>', 'also write the comparison as a self-contained HTML page (charts, figures side by side)')
    .action(async (baselinePath: string, candidatePath: string, options: { regressPct: string; seed: string; json?: boolean; html?: string }) => {
      if (options.json === true) ctx.json = true;
      const regressPct = parseNumberFlag('--regress-pct', options.regressPct, 0, 1000, 'e.g. --regress-pct 10');
      const seed = parseNumberFlag('--seed', options.seed, 0, 2 ** 32 - 1, 'e.g. --seed 7');
      const [{ readRunOnDisk, recomputeSummary }, { compareRuns, renderComparison }] = await Promise.all([
        import('../../report/load-run.js'),
        import('../../report/compare.js'),
      ]);
      const load = async (path: string): Promise<CompareInput> => {
        const run = await readRunOnDisk(path, ctx.io.cwd, { needRecords: false });
        if (run.summaryIgnored !== null) ctx.io.stderr.write(`Ignored summary.json, figures re-computed from the records: ${run.summaryIgnored}\n`);
        const summary = run.summary ?? recomputeSummary(run.records ?? [], null);
        return { label: path, summary, records: run.records };
      };
      const [baseline, candidate] = await Promise.all([load(baselinePath), load(candidatePath)]);
      const comparison = compareRuns(baseline, candidate, { regressPct, seed });
      // The page is written before anything is printed: a path that cannot be written fails the command cleanly.
      let pagePath: string | null = null;
      if (options.html !== undefined) {
        const [{ renderComparisonHtml }, { writeFileAtomic }, { resolve }] = await Promise.all([
          import('../../report/compare-html.js'),
          import('../../report/write-file.js'),
          import('node:path'),
        ]);
        const path = resolve(ctx.io.cwd, options.html);
        await writeFileAtomic(path, renderComparisonHtml([baseline, candidate], comparison)).catch((error: unknown) => {
          const reason = error instanceof Error ? error.message : String(error);
          throw inputError('OUT_WRITE_FAILED', `cannot write --html ${options.html}: ${reason}`, 'give a path in a folder that exists and you can write to');
        });
        pagePath = path;
      }
      const table = renderComparison(comparison);
      if (ctx.json) {
        writeJson(ctx, !comparison.regressed, { ...comparison });
        ctx.io.stderr.write(table);
      } else {
        ctx.io.stdout.write(table);
      }
      if (pagePath !== null) ctx.io.stderr.write(`Comparison page: ${pagePath}\n`);
      if (comparison.regressed) ctx.exitCode = ExitCode.threshold;
    });
}

function parseNumberFlag(flag: string, raw: string, min: number, max: number, example: string): number {
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value) || value < min || value > max) {
    throw inputError('INVALID_FLAG_VALUE', `${flag} ${raw} is not a number in ${min}..${max}`, example);
  }
  return value;
}
