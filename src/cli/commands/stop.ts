import type { Command } from 'commander';
import { AppError } from '../../failures/errors.js';
import type { CliContext } from '../io.js';
import { writeJson } from '../json-output.js';
import { createTaskCommand, openTask } from './task-command.js';

/**
 * `llm-loadtest stop <task-id>`. The platform answers 200 whatever happened: `stopping` when the task
 * was running, its current status when it was not (exit 0: nothing to stop), `unknown` when there is
 * no such task, `error` when it refused (an ownership refusal is swallowed into that).
 */
export function createStopCommand(ctx: CliContext): Command {
  return createTaskCommand(ctx, 'stop', 'stop a running LMeterX task (platform mode)')
    .action(async (rawTaskId: string, options: { platform?: string }) => {
      const { taskId, client, reportUrl } = await openTask(ctx, rawTaskId, options.platform);
      const answer = await client.stopTask(taskId);
      if (answer.status === 'unknown') {
        throw new AppError('PLATFORM_TASK_NOT_FOUND', `LMeterX has no task ${taskId}`, {
          category: 'platform_rejected',
          hint: 'check the task ID (it is printed by `llm-loadtest run` and is the last part of the report URL)',
          details: { taskId },
        });
      }
      if (answer.status === 'error') {
        throw new AppError('PLATFORM_STOP_FAILED', `LMeterX did not stop task ${taskId}: ${answer.message ?? 'no reason given'}`, {
          category: 'platform_error',
          hint: 'only the task creator or an admin may stop a task; check LMETERX_AUTH_TOKEN, or stop it in the web UI',
          details: { taskId, reportUrl },
        });
      }
      const stopping = answer.status === 'stopping';
      if (ctx.json) {
        writeJson(ctx, true, { taskId, status: answer.status, stopping, message: answer.message ?? null, reportUrl });
        return;
      }
      const said = stopping
        ? `Task ${taskId} is stopping (the engine ends it within a few seconds)`
        : `Task ${taskId} is not running (status: ${answer.status}): nothing to stop`;
      ctx.io.stdout.write(`${said}\nReport:     ${reportUrl}\n`);
    });
}
