import { Command } from 'commander';
import type { CliContext } from '../io.js';
import type { PlatformClient } from '../../platform/client.js';

/**
 * What `status`, `results` and `stop` share: a `<task-id>` argument, `--platform` and `--json` (which
 * switches error output to JSON before the action runs, so even a bad flag value is reported as JSON).
 */
export function createTaskCommand(ctx: CliContext, name: string, description: string): Command {
  return new Command(name)
    .description(description)
    .argument('<task-id>', 'the task ID printed by `run`')
    .option('--platform <url>', 'LMeterX base URL (default: LMETERX_BASE_URL)')
    .option('--json', 'machine-readable result on stdout')
    .hook('preAction', (command) => {
      if (command.opts<{ json?: boolean }>().json === true) ctx.json = true;
    });
}

export interface OpenedTask {
  taskId: string;
  client: PlatformClient;
  reportUrl: string;
}

/**
 * The checked task ID and a client of the platform named by --platform or LMETERX_BASE_URL: its waits said
 * on stderr, its errors naming the task.
 */
export async function openTask(ctx: CliContext, rawTaskId: string, platformFlag: string | undefined): Promise<OpenedTask> {
  const { announceWaits, checkTaskId, createPlatformClientFor, nameTaskInErrors } = await import('../platform-client.js');
  const taskId = checkTaskId(rawTaskId);
  const said = announceWaits(createPlatformClientFor(ctx, platformFlag), (line) => void ctx.io.stderr.write(`${line}\n`));
  const client = nameTaskInErrors(said, taskId);
  return { taskId, client, reportUrl: client.reportUrl(taskId) };
}
