import type { RunPlan } from '../../model/plan.js';
import { targetSecrets } from '../../text/mask.js';
import { createStyle, type CliContext } from '../io.js';
import type { PlatformClientKnobs } from '../platform-client.js';

/** Knobs tests turn down; the defaults are the real ones. */
export interface RunPlatformOptions extends PlatformClientKnobs {
  /** Status poll interval of --wait (3 s). */
  pollIntervalMs?: number;
}

/**
 * Platform mode of `run`: the run layer's runPlatform (submit; with --wait follow), rendered: the steps
 * on stderr, API type, pre-check verdict, task ID and report URL, then the platform's figures. With
 * --json the human report goes to stderr and stdout holds only the JSON. Ctrl-C while following: 130.
 */
export async function runPlatform(ctx: CliContext, plan: RunPlan, options: RunPlatformOptions = {}): Promise<void> {
  const [{ runPlatform: startPlatformRun, expectedRunS }, { createPlatformClientFor }, view, { renderSubmitted }] = await Promise.all([
    import('../../run/platform.js'),
    import('../platform-client.js'),
    import('../platform-view.js'),
    import('../../platform/render.js'),
  ]);
  const { io } = ctx;
  const json = ctx.json || plan.output.json;
  const say = (line: string): void => void (plan.output.quiet ? undefined : io.stderr.write(`${line}\n`));
  const errStyle = createStyle(io.stderr, io.env, !plan.output.color);
  const style = json ? errStyle : createStyle(io.stdout, io.env, !plan.output.color);
  const report = (text: string): void => void (!json ? io.stdout.write(text) : plan.output.quiet ? undefined : io.stderr.write(text));
  const client = createPlatformClientFor(ctx, plan.platformBaseUrl, { ...options, secrets: targetSecrets(plan.target) });
  const statusLine = view.createStatusLines(expectedRunS(plan), (line) => (plan.output.progress ? say(line) : undefined));
  let unsubscribe = (): void => undefined;
  const run = startPlatformRun({
    plan,
    client,
    cwd: io.cwd,
    ...(options.pollIntervalMs === undefined ? {} : { pollIntervalMs: options.pollIntervalMs }),
    onEvent: (event) => {
      if (event.type === 'submit') return say(view.describeSubmitStep(event.step, client, errStyle));
      if (event.type === 'status') return statusLine(event.status, event.elapsedMs);
      report(renderSubmitted(event.task, style));
      // Ctrl-C stops following only: until then the default handling stands.
      if (plan.wait) unsubscribe = io.onSignal('SIGINT', () => run.stop());
    },
  });
  const { task, follow } = await run.done.finally(() => unsubscribe());
  if (follow === null) {
    if (json) io.stdout.write(`${JSON.stringify(view.platformJson(task))}\n`);
  } else if (!follow.followed) {
    say(`Note: this token cannot follow the task (${follow.reason}); it keeps running: see ${task.reportUrl}`);
    if (json) io.stdout.write(`${JSON.stringify({ ...view.platformJson(task), followed: false })}\n`);
  } else {
    view.setThresholdExit(ctx, follow.results);
    report(view.renderResults(follow.results, style));
    if (json) io.stdout.write(`${JSON.stringify({ ...view.platformJson(task), results: view.resultsJson(follow.results) })}\n`);
  }
}
