import { Command } from 'commander';
import type { CliContext } from '../io.js';

/** `llm-loadtest status <task-id>`: one read of a platform task's status. */
export function createStatusCommand(ctx: CliContext): Command {
  return new Command('status')
    .description('show the status of an LMeterX task (platform mode)')
    .argument('<task-id>', 'the task ID printed by `run`')
    .option('--platform <url>', 'LMeterX base URL (default: LMETERX_BASE_URL)')
    .option('--json', 'machine-readable result on stdout')
    .action(async (rawTaskId: string, options: { platform?: string; json?: boolean }) => {
      if (options.json === true) ctx.json = true;
      const { checkTaskId, createPlatformClientFor } = await import('./run-platform.js');
      const taskId = checkTaskId(rawTaskId);
      const client = createPlatformClientFor(ctx, options.platform);
      const status = await client.readStatus(taskId);
      const reportUrl = client.reportUrl(taskId);
      if (ctx.json) {
        const json = { ok: true, taskId, status: status.status, errorMessage: status.error_message ?? null, updatedAt: status.updated_at ?? null, reportUrl };
        ctx.io.stdout.write(`${JSON.stringify(json)}\n`);
        return;
      }
      const lines = [`Task ID:    ${taskId}`, `Status:     ${status.status}`];
      if (status.error_message) lines.push(`Message:    ${status.error_message}`);
      if (status.updated_at) lines.push(`Updated:    ${status.updated_at}`);
      lines.push(`Report:     ${reportUrl}`);
      ctx.io.stdout.write(`${lines.join('\n')}\n`);
    });
}
