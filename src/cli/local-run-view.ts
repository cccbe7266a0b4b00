import { readFileSync } from 'node:fs';
import { parseOpenFileLimit } from '../engine/health.js';
import { ExitCode } from '../failures/exit-codes.js';
import type { OutputOptions } from '../model/plan.js';
import type { Summary } from '../model/summary.js';
import { renderCapabilityReport } from '../precheck/render.js';
import { renderConsoleReport } from '../report/console.js';
import type { LoadForecast } from '../run/forecast.js';
import type { LocalRun, LocalRunEvent, RunLocalOptions } from '../run/local.js';
import { createStyle, type CliContext, type SignalName } from './io.js';
import { writeJson } from './json-output.js';
import { renderBurstLine, renderBurstStats } from './burst-view.js';
import { renderForecast } from './plan-view.js';
import { createProgressLine, progressEveryMs } from './progress.js';
import { startWaiting } from './waiting.js';

/** What the terminal adds to a local run: the tick interval, the open-file limit and the events. */
export type LocalRunHooks = Required<Pick<RunLocalOptions, 'tickMs' | 'openFileLimit'>> & { onEvent(event: LocalRunEvent): void };

/**
 * A local run (run --local, demo) on the terminal: the run's events rendered on stderr (a waiting line
 * while the pre-check is out, the capability report, the plan, warnings, progress) and the console report
 * on stdout (stderr under --json, stdout then holds summary.json with `ok` and the plan); Ctrl-C stops the
 * load and the run still writes what it measured. Exit 5 when a threshold or SLO failed, 130 when
 * interrupted. --quiet leaves only the result and errors.
 */
export async function followLocalRun(ctx: CliContext, output: OutputOptions, start: (hooks: LocalRunHooks) => LocalRun): Promise<void> {
  const { io } = ctx;
  const errStyle = createStyle(io.stderr, io.env, !output.color);
  const say = (text: string): void => void (output.quiet ? undefined : io.stderr.write(text));
  const showProgress = !output.quiet && output.progress;
  let progress = showProgress ? createProgressLine(io.stderr, errStyle) : null;
  const stopProgress = (): void => {
    progress?.stop();
    progress = null;
  };
  let interrupted = false;
  let stopWaiting = (): void => undefined;
  // Kept for the JSON (an object: a `let` assigned in the callback would be narrowed to null below).
  const planned: { forecast: LoadForecast | null } = { forecast: null };
  const unsubscribes: Array<() => void> = [];
  const unsubscribeAll = (): void => {
    for (const unsubscribe of unsubscribes.splice(0)) unsubscribe();
  };
  /**
   * Ctrl-C and SIGTERM are handled during the pre-check (the run ends there, exit 130) and once the load
   * has started (it stops and writes what it measured); in between, and after a first one, their default
   * ends the process at once. A second one reaching the handler (two signals while the event loop was
   * busy arrive back to back) is raised again with the default back.
   */
  const listen = (onFirst: () => void): void => {
    unsubscribeAll();
    const handle = (signal: SignalName): void => {
      if (interrupted) {
        unsubscribeAll();
        io.raise(signal);
        return;
      }
      interrupted = true;
      onFirst();
      run.stop('interrupted', signal === 'SIGINT' ? 'interrupted by SIGINT (Ctrl-C)' : 'stopped by SIGTERM');
    };
    unsubscribes.push(
      io.onSignal('SIGINT', () => handle('SIGINT')),
      io.onSignal('SIGTERM', () => handle('SIGTERM')),
    );
  };
  const burstRounds = (): number => planned.forecast?.burst?.rounds ?? 1;
  const onEvent = (event: LocalRunEvent): void => {
    switch (event.type) {
      case 'precheck-start':
        if (!output.quiet) {
          // Several targets: a pre-check each, all waited for together; the first answer ends the waiting lines.
          const before = stopWaiting;
          const stop = startWaiting((line) => say(`${line}\n`), `the pre-check's answer from ${event.url}`, event.timeoutMs);
          stopWaiting = () => {
            before();
            stop();
          };
        }
        return listen(() => {
          unsubscribeAll();
          stopWaiting();
          say(`\n${errStyle.yellow('Interrupted:')} stopping the pre-check; nothing was sent as load\n`);
        });
      case 'precheck':
        stopWaiting();
        unsubscribeAll();
        return say(`${event.target === undefined ? '' : `${errStyle.bold(`Target ${event.target}`)}\n`}${renderCapabilityReport(event.capability, errStyle)}\n`);
      case 'plan':
        planned.forecast = event.forecast;
        return say(renderForecast(event.forecast, errStyle));
      case 'file-limit':
        return say(
          `${errStyle.yellow('Warning:')} ${event.users} users need about ${event.neededFiles} open files but the limit is ${event.limit}: ` +
            `requests beyond it fail as generator errors; raise it first (e.g. \`ulimit -n ${Math.max(event.users * 2, 65536)}\`)\n`,
        );
      case 'started':
        return listen(() =>
          say(`\n${errStyle.yellow('Interrupted:')} stopping; in-flight requests get ${event.gracefulStopMs / 1000} s, then the summary is written (Ctrl-C again quits at once)\n`),
        );
      case 'tick':
        return progress?.draw(event.live);
      case 'request-done':
        return say(renderBurstLine(event.round, burstRounds(), event.record, errStyle));
      case 'burst-round':
        return say(renderBurstStats(event.rounds > 1 ? `Round ${event.round} of ${event.rounds}` : 'Burst', event.stats, errStyle));
      case 'done': {
        stopProgress();
        const burst = event.summary.burst;
        if (burst !== undefined && burst.perRound.length > 1) say(renderBurstStats(`All ${burst.perRound.length} rounds`, burst.total, errStyle));
        return renderReport(ctx, output, event.summary, event.outDir);
      }
      case 'dropped-arrivals':
        return say(
          `${errStyle.yellow('Note:')} ${event.count} scheduled arrivals were still queued at the stop (every user was busy): raise --concurrent-users or lower --rate\n`,
        );
    }
  };
  const run = start({ onEvent, tickMs: showProgress ? progressEveryMs(io.stderr) : null, openFileLimit: output.quiet ? null : readOpenFileLimit() });
  try {
    const result = await run.done;
    if (interrupted) ctx.exitCode = ExitCode.interrupted;
    else if (!result.summary.thresholds.passed) ctx.exitCode = ExitCode.threshold;
    if (ctx.json) writeJson(ctx, ctx.exitCode === undefined, { ...result.summary, plan: planned.forecast });
  } finally {
    stopWaiting();
    stopProgress();
    for (const unsubscribe of unsubscribes.splice(0)) unsubscribe();
  }
}

function renderReport(ctx: CliContext, output: OutputOptions, summary: Summary, outDir: string): void {
  const { io } = ctx;
  // Under --json the JSON goes out once the exit code is known (its `ok`), after the files are written.
  if (ctx.json) {
    if (!output.quiet) io.stderr.write(`${renderConsoleReport(summary, { style: createStyle(io.stderr, io.env, !output.color), outDir })}\n`);
  } else {
    io.stdout.write(`${renderConsoleReport(summary, { style: createStyle(io.stdout, io.env, !output.color), outDir })}\n`);
  }
}

/**
 * The soft open-file limit (Linux): each user holds one socket, and Node cannot raise the limit itself
 * (that needs setrlimit), so the run warns before it starts instead of failing with EMFILE.
 */
function readOpenFileLimit(): number | null {
  if (process.platform !== 'linux') return null;
  try {
    return parseOpenFileLimit(readFileSync('/proc/self/limits', 'utf8'));
  } catch {
    return null;
  }
}
