import type { RunPlan } from '../../model/plan.js';
import type { LoadForecast } from '../../run/forecast.js';
import { targetSecrets } from '../../text/mask.js';
import { formatDuration } from '../../text/format.js';
import { createStyle, type CliContext } from '../io.js';
import { writeJson } from '../json-output.js';
import type { PlatformClientKnobs } from '../platform-client.js';

/** Knobs tests turn down; the defaults are the real ones. */
export interface RunPlatformOptions extends PlatformClientKnobs {
  /** Status poll interval of --wait (3 s). */
  pollIntervalMs?: number;
}

/**
 * Platform mode of `run`: the run layer's runPlatform (submit; with --wait follow), rendered: the steps
 * on stderr (and a waiting line whenever the platform takes more than a second), the plan, API type,
 * pre-check verdict, task ID, report URL and the load sent, then the platform's figures. With --json the
 * human report goes to stderr and stdout holds only the JSON. Ctrl-C while following: 130.
 */
export async function runPlatform(ctx: CliContext, plan: RunPlan, options: RunPlatformOptions = {}): Promise<void> {
  const [{ runPlatform: startPlatformRun, expectedRunS }, { announceWaits, createPlatformClientFor }, view, { renderSubmitted }, planView] = await Promise.all([
    import('../../run/platform.js'),
    import('../platform-client.js'),
    import('../platform-view.js'),
    import('../../platform/render.js'),
    import('../plan-view.js'),
  ]);
  const { io } = ctx;
  const json = ctx.json || plan.output.json;
  const say = (line: string): void => void (plan.output.quiet ? undefined : io.stderr.write(`${line}\n`));
  const errStyle = createStyle(io.stderr, io.env, !plan.output.color);
  const style = json ? errStyle : createStyle(io.stdout, io.env, !plan.output.color);
  const report = (text: string): void => void (!json ? io.stdout.write(text) : plan.output.quiet ? undefined : io.stderr.write(text));
  const client = announceWaits(createPlatformClientFor(ctx, plan.platformBaseUrl, { ...options, secrets: targetSecrets(plan.target) }), say);
  const statusLine = view.createStatusLines(expectedRunS(plan), (line) => (plan.output.progress ? say(line) : undefined));
  const planned: { forecast: LoadForecast | null } = { forecast: null };
  let unsubscribe = (): void => undefined;
  const run = startPlatformRun({
    plan,
    client,
    cwd: io.cwd,
    ...(options.pollIntervalMs === undefined ? {} : { pollIntervalMs: options.pollIntervalMs }),
    onEvent: (event) => {
      switch (event.type) {
        case 'submit':
          return say(view.describeSubmitStep(event.step, client, errStyle));
        case 'plan':
          planned.forecast = event.forecast;
          return void (plan.output.quiet ? undefined : io.stderr.write(planView.renderForecast(event.forecast, errStyle)));
        case 'status':
          return statusLine(event.status, event.elapsedMs);
        case 'retry': {
          const { attempt, of, delayMs, reason } = event.retry;
          return say(`${errStyle.yellow('LMeterX did not answer while following')} (${reason}): retry ${attempt} of ${of} in ${formatDuration(delayMs)}`);
        }
        case 'submitted':
          report(renderSubmitted(event.task, style));
          report(planView.renderSentLoad(event.task.payload, style));
          // Ctrl-C stops following only: until then the default handling stands.
          if (plan.wait) unsubscribe = io.onSignal('SIGINT', () => run.stop());
          return;
      }
    },
  });
  const { task, follow } = await run.done.finally(() => unsubscribe());
  const answer = { ...view.platformJson(task), plan: planned.forecast, load: planView.describeSentLoad(task.payload) };
  if (follow === null) {
    if (json) writeJson(ctx, true, answer);
  } else if (!follow.followed) {
    say(`Note: this token cannot follow the task (${follow.reason}); it keeps running: see ${task.reportUrl}`);
    if (json) writeJson(ctx, true, { ...answer, followed: false });
  } else {
    view.setThresholdExit(ctx, follow.results);
    report(view.renderResults(follow.results, style));
    if (json) writeJson(ctx, ctx.exitCode === undefined, { ...answer, results: view.resultsJson(follow.results) });
  }
}
