import type { Command } from 'commander';
import { AppError, inputError } from '../../failures/errors.js';
import { ExitCode } from '../../failures/exit-codes.js';
import { createStyle, type CliContext } from '../io.js';
import { writeJson } from '../json-output.js';
import type { PlatformResults } from '../../run/platform.js';
import { createTaskCommand, openTask } from './task-command.js';

interface ResultsOptions {
  platform?: string;
  successThreshold?: string;
  slo?: string;
  wait?: boolean;
  color: boolean;
}

/**
 * `llm-loadtest results <task-id>`: the final figures of a platform task, from its result rows. With
 * --success-threshold or --slo the figures are checked (exit 5 on a failure), as `run --wait` does;
 * --wait follows the task to its end first, with the exit codes of `run --wait`.
 */
export function createResultsCommand(ctx: CliContext): Command {
  return createTaskCommand(ctx, 'results', 'show the final figures of an LMeterX task (platform mode)')
    .option('--success-threshold <0..1>', 'exit 5 when the success rate is below this')
    .option('--slo <checks>', 'e.g. "ttft_p95<=2000,e2e_p50<=30000" (ms) on the platform figures (mean, min, max, p50, p95); a failed check: exit 5')
    .option('--wait', 'follow the task to its end first (progress on stderr)')
    .option('--no-color', 'no colours')
    .action(async (rawTaskId: string, options: ResultsOptions) => {
      const { parseSlo } = await import('../../metrics/slo.js');
      const slo = options.slo === undefined ? [] : parseSlo(options.slo);
      // Checked only when asked: a read of results is not a gate unless the user makes it one.
      const threshold = parseThreshold(options.successThreshold);
      const checks = threshold === null && slo.length === 0 ? null : { successThreshold: threshold, slo };
      const [{ buildPlatformResults }, view] = await Promise.all([import('../../run/platform.js'), import('../platform-view.js')]);
      const { taskId, client, reportUrl } = await openTask(ctx, rawTaskId, options.platform);
      let results: PlatformResults;
      if (options.wait === true) {
        const say = (line: string): void => void ctx.io.stderr.write(`${line}\n`);
        const followed = await view.followToEnd(ctx, client, taskId, { checks, say });
        // Reading the task is this command's whole job: a token that may not is an error here.
        if (!followed.followed) {
          const { PLATFORM_FORBIDDEN } = await import('../../platform/client.js');
          throw new AppError(PLATFORM_FORBIDDEN, followed.reason, {
            category: 'platform_auth',
            hint: `this token may not read tasks (a service token): use a user token, or see ${reportUrl}`,
          });
        }
        results = followed.results;
      } else {
        const [status, answer] = await Promise.all([client.readStatus(taskId), client.readResults(taskId)]);
        const { readResultRows } = await import('../../platform/follow.js');
        const rows = readResultRows(answer);
        const note = rows === null ? view.describeNoRows(status.status, answer.error ?? answer.status) : null;
        results = buildPlatformResults(status.status, rows, note, checks);
        if (checks !== null && (results.thresholds === null || !results.thresholds.passed)) ctx.exitCode = ExitCode.threshold;
      }
      if (ctx.json) {
        writeJson(ctx, ctx.exitCode === undefined, { taskId, reportUrl, results: view.resultsJson(results) });
        return;
      }
      const style = createStyle(ctx.io.stdout, ctx.io.env, !options.color);
      ctx.io.stdout.write(`Task ID:    ${taskId}\n${view.renderResults(results, style)}Report:     ${reportUrl}\n`);
    });
}

function parseThreshold(raw: string | undefined): number | null {
  if (raw === undefined) return null;
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value) || value < 0 || value > 1) {
    throw inputError('OPTION_INVALID', `--success-threshold ${raw} is not a fraction in 0..1`, 'give e.g. --success-threshold 0.95');
  }
  return value;
}
