import type { CapabilityReport } from '../model/capability.js';
import { renderCapabilityReport } from '../precheck/render.js';
import { ExitCode } from '../failures/exit-codes.js';
import { createStyle, type CliContext } from './io.js';
import { writeJson } from './json-output.js';
import { startWaiting } from './waiting.js';

/** The events every experiment shares (its pre-check), plus its own lines. */
export type ExperimentEvent = { type: 'precheck-start'; url: string; timeoutMs: number } | { type: 'precheck'; capability: CapabilityReport } | { type: string };

/**
 * An experiment (sweep, heatmap) on the terminal: its pre-check and progress lines on stderr, the result
 * table on stdout (stderr under --json, stdout then holds its summary in the envelope); Ctrl-C or SIGTERM
 * ends the point under way, which still writes what it measured, and the experiment (exit 130).
 */
export async function followExperiment<S extends object>(
  ctx: CliContext,
  options: { quiet: boolean; color: boolean },
  start: (onEvent: (event: ExperimentEvent) => void) => { done: Promise<{ summary: S; outDir: string }>; stop(): void },
  describe: (event: ExperimentEvent) => string | null,
  render: (summary: S, outDir: string) => string,
): Promise<void> {
  const { io } = ctx;
  const style = createStyle(io.stderr, io.env, !options.color);
  const say = (text: string): void => void (options.quiet ? undefined : io.stderr.write(text));
  let stopWaiting = (): void => undefined;
  let interrupted = false;
  const onEvent = (event: ExperimentEvent): void => {
    if (event.type === 'precheck-start' && 'url' in event) {
      if (!options.quiet) stopWaiting = startWaiting((line) => say(`${line}\n`), `the pre-check's answer from ${event.url}`, event.timeoutMs);
      return;
    }
    if (event.type === 'precheck' && 'capability' in event) {
      stopWaiting();
      say(`${renderCapabilityReport(event.capability, style)}\n`);
      return;
    }
    const line = describe(event);
    if (line !== null) say(`${line}\n`);
  };
  const run = start(onEvent);
  const handle = (): void => {
    if (interrupted) return;
    interrupted = true;
    say(`\n${style.yellow('Interrupted:')} stopping the point under way; what was measured is written\n`);
    run.stop();
  };
  const unsubscribe = [io.onSignal('SIGINT', handle), io.onSignal('SIGTERM', handle)];
  try {
    const { summary, outDir } = await run.done;
    if (interrupted) ctx.exitCode = ExitCode.interrupted;
    const text = render(summary, outDir);
    if (ctx.json) {
      if (!options.quiet) io.stderr.write(text);
      writeJson(ctx, ctx.exitCode === undefined, { ...summary, outDir });
    } else {
      io.stdout.write(text);
    }
  } finally {
    stopWaiting();
    for (const off of unsubscribe) off();
  }
}

/** The given options only (exactOptionalPropertyTypes: an absent option is left out, not undefined). */
export function defined<T extends Record<string, unknown>>(values: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined)) as { [K in keyof T]?: Exclude<T[K], undefined> };
}
