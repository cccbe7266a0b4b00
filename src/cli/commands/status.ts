import type { Command } from 'commander';
import type { CliContext } from '../io.js';
import { writeJson } from '../json-output.js';
import { createTaskCommand, openTask } from './task-command.js';

/** `llm-loadtest status <task-id>`: one read of a platform task's status. */
export function createStatusCommand(ctx: CliContext): Command {
  return createTaskCommand(ctx, 'status', 'show the status of an LMeterX task (platform mode)')
    .action(async (rawTaskId: string, options: { platform?: string }) => {
      const { taskId, client, reportUrl } = await openTask(ctx, rawTaskId, options.platform);
      const status = await client.readStatus(taskId);
      if (ctx.json) {
        writeJson(ctx, true, { taskId, status: status.status, errorMessage: status.error_message ?? null, updatedAt: status.updated_at ?? null, reportUrl });
        return;
      }
      const lines = [`Task ID:    ${taskId}`, `Status:     ${status.status}`];
      if (status.error_message) lines.push(`Message:    ${status.error_message}`);
      if (status.updated_at) lines.push(`Updated:    ${status.updated_at}`);
      lines.push(`Report:     ${reportUrl}`);
      ctx.io.stdout.write(`${lines.join('\n')}\n`);
    });
}
