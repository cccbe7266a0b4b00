import { readFileSync } from 'node:fs';
import { parseOpenFileLimit } from '../../engine/health.js';
import { peakUsers } from '../../engine/schedule.js';
import { AppError } from '../../failures/errors.js';
import { ExitCode } from '../../failures/exit-codes.js';
import type { RunPlan } from '../../model/plan.js';
import { maskHeaders, maskUrl, secretValues } from '../../text/mask.js';
import type { Summary } from '../../model/summary.js';
import type { CliContext } from '../io.js';
import { createStyle } from '../io.js';

/** How long in-flight requests may finish after Ctrl-C or the end of --duration. */
const GRACEFUL_STOP_MS = 5000;
const MAX_RECORDS_BYTES_FOR_REPORTS = 256 * 1024 * 1024;

/**
 * Local mode of `run`: pre-check → capability report (stderr) → load with live progress → results.jsonl
 * as requests finish, summary.json and the reports at the end → console report → exit code (5 when a
 * threshold or SLO failed, 130 when interrupted: after writing everything that was measured).
 */
export async function runLocal(ctx: CliContext, plan: RunPlan): Promise<void> {
  const { io } = ctx;
  const [{ loadPrompts }, writer, { startLoad }] = await Promise.all([
    import('../../engine/prompts.js'),
    import('../../engine/results-writer.js'),
    import('../../engine/run-load.js'),
  ]);
  const errStyle = createStyle(io.stderr, io.env, !plan.output.color);
  const quiet = plan.output.quiet;

  // Bad input first, before any network: the test data and the output folder.
  const prompts = await loadPrompts(plan.load.testData, io.cwd);
  const outDir = writer.resolveRunDir({ outDir: plan.output.outDir, name: plan.load.name, cwd: io.cwd });

  let precheck: Record<string, unknown> | undefined;
  // Without a pre-check we do not know whether the target reports usage: be ready to count tokens.
  let preloadTokenizer = plan.skipPrecheck;
  if (!plan.skipPrecheck) {
    const { runPrecheck } = await import('../../precheck/precheck.js');
    const { renderCapabilityReport } = await import('../../precheck/render.js');
    const { PrecheckFailedError } = await import('../../precheck/types.js');
    const result = await runPrecheck(plan.target);
    if (!result.ok) throw new PrecheckFailedError(result.failure);
    precheck = result.capability as unknown as Record<string, unknown>;
    preloadTokenizer = !result.capability.usageReported;
    if (!quiet) io.stderr.write(`${renderCapabilityReport(result.capability, errStyle)}\n`);
  }

  if (!quiet) warnAboutFileLimit(ctx, plan, errStyle);
  writer.createRunDir(outDir);
  const results = new writer.ResultsWriter(outDir);
  const secrets = secretValues(plan.target.headers, plan.target.cookies);
  const handle = startLoad({
    target: plan.target,
    load: plan.load,
    prompts,
    sink: results,
    secrets,
    gracefulStopMs: GRACEFUL_STOP_MS,
    preloadTokenizer,
  });

  let interrupted = false;
  const unsubscribes: Array<() => void> = [];
  const onInterrupt = (): void => {
    // After the first one, the default handling is back: a second Ctrl-C ends the process at once.
    for (const unsubscribe of unsubscribes.splice(0)) unsubscribe();
    interrupted = true;
    if (!quiet) {
      io.stderr.write(
        `\n${errStyle.yellow('Interrupted:')} stopping; in-flight requests get ${GRACEFUL_STOP_MS / 1000} s, then the summary is written (Ctrl-C again quits at once)\n`,
      );
    }
    handle.stop('interrupted');
  };
  unsubscribes.push(io.onSignal('SIGINT', onInterrupt), io.onSignal('SIGTERM', onInterrupt));

  let progress: { stop(): void } | null = null;
  try {
    await handle.started;
    if (!quiet && plan.output.progress) {
      const { startProgress } = await import('../progress.js');
      progress = startProgress({ stream: io.stderr, live: () => handle.live(), style: errStyle });
    }
    const result = await handle.done;
    progress?.stop();
    progress = null;
    results.close();

    const { summarize } = await import('../../metrics/summarize.js');
    const target = plan.target;
    const summary: Summary = {
      ...summarize(result.snapshot, {
        target: {
          url: maskUrl(target.url),
          apiType: target.apiType,
          model: target.model,
          stream: target.stream,
          headers: maskHeaders(target.headers),
        },
        config: describeConfig(plan, result.threads),
        startedAt: result.startedAt.toISOString(),
        endedAt: result.endedAt.toISOString(),
        successThreshold: plan.load.successThreshold,
        slo: plan.load.slo,
        generator: result.generator,
        threads: result.threads,
        ...(precheck === undefined ? {} : { precheck }),
      }),
      mode: 'local',
      outDir,
    };
    writer.writeRunFile(outDir, 'summary.json', `${JSON.stringify(summary, null, 2)}\n`);
    await writeReportsIfBuilt(outDir, summary, results.path);

    const { renderConsoleReport } = await import('../../report/console.js');
    if (ctx.json) {
      io.stdout.write(`${JSON.stringify(summary)}\n`);
      if (!quiet) io.stderr.write(`${renderConsoleReport(summary, { style: errStyle, outDir })}\n`);
    } else {
      const outStyle = createStyle(io.stdout, io.env, !plan.output.color);
      io.stdout.write(`${renderConsoleReport(summary, { style: outStyle, outDir })}\n`);
    }
    if (result.outcome.droppedArrivals > 0 && !quiet) {
      io.stderr.write(
        `${errStyle.yellow('Note:')} ${result.outcome.droppedArrivals} scheduled arrivals were still queued at the stop (every user was busy): raise --concurrent-users or lower --rate\n`,
      );
    }
    if (interrupted) ctx.exitCode = ExitCode.interrupted;
    else if (!summary.thresholds.passed) ctx.exitCode = ExitCode.threshold;
  } finally {
    progress?.stop();
    results.close();
    for (const unsubscribe of unsubscribes.splice(0)) unsubscribe();
  }
}

/** The run's settings as summary.json keeps them (the load flags, nothing secret). */
function describeConfig(plan: RunPlan, threads: number): Record<string, unknown> {
  const load = plan.load;
  return {
    name: load.name,
    concurrentUsers: load.concurrentUsers,
    spawnRate: load.spawnRate,
    durationS: load.durationS,
    warmupS: load.warmupS,
    loadMode: load.loadMode,
    step: load.step,
    rate: load.rate,
    arrival: load.rate === null ? null : load.arrival,
    maxRequests: load.maxRequests,
    workers: threads,
    testData: load.testData,
    successThreshold: load.successThreshold,
    slo: load.slo.map((check) => check.raw),
    timeoutMs: plan.target.timeoutMs,
    idleTimeoutMs: plan.target.idleTimeoutMs,
  };
}

/** report.html, report.csv and metrics.prom, from the report renderers and the run's records. */
async function writeReportsIfBuilt(outDir: string, summary: Summary, resultsPath: string): Promise<void> {
  const [{ writeReports }, { readFile, stat }, { readRecords }] = await Promise.all([
    import('../../report/write-reports.js'),
    import('node:fs/promises'),
    import('../../metrics/from-records.js'),
  ]);
  // The records give the page its histograms; past a size that would not fit in memory, the summary alone.
  const size = (await stat(resultsPath)).size;
  const records = size <= MAX_RECORDS_BYTES_FOR_REPORTS ? readRecords(await readFile(resultsPath, 'utf8')).records : undefined;
  try {
    await writeReports(outDir, summary, records);
  } catch (error) {
    throw new AppError('REPORT_WRITE_FAILED', `could not write the reports in ${outDir}: ${(error as Error).message}`, {
      category: 'internal',
      stage: 'report',
      hint: 'summary.json and results.jsonl are written; rerun `llm-loadtest report <dir>` to retry the reports',
    });
  }
}

/**
 * Each user holds one socket (a file descriptor). Node cannot raise the soft limit itself (that needs
 * setrlimit), so when the users would not fit, say so before the run instead of failing with EMFILE.
 */
function warnAboutFileLimit(ctx: CliContext, plan: RunPlan, style: ReturnType<typeof createStyle>): void {
  if (process.platform !== 'linux') return;
  let limits: string | null = null;
  try {
    limits = readFileSync('/proc/self/limits', 'utf8');
  } catch {
    return;
  }
  const limit = parseOpenFileLimit(limits);
  const users = peakUsers(plan.load);
  // Sockets, plus the results file, stdio and Node's own descriptors.
  if (limit === null || users + 64 <= limit) return;
  ctx.io.stderr.write(
    `${style.yellow('Warning:')} ${users} users need about ${users + 64} open files but the limit is ${limit}: ` +
      `requests beyond it fail as generator errors; raise it first (e.g. \`ulimit -n ${Math.max(users * 2, 65536)}\`)\n`,
  );
}
