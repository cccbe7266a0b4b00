import { Command } from 'commander';
import { TOOL_VERSION } from '../version.js';
import { createCompareCommand } from './commands/compare.js';
import { createDemoCommand } from './commands/demo.js';
import { createMergeCommand } from './commands/merge.js';
import { createHeatmapCommand } from './commands/heatmap.js';
import { createMockCommand } from './commands/mock.js';
import { createReportCommand } from './commands/report.js';
import { createResultsCommand } from './commands/results.js';
import { createRunCommand } from './commands/run.js';
import { createServeCommand } from './commands/serve.js';
import { createStatusCommand } from './commands/status.js';
import { createStopCommand } from './commands/stop.js';
import { createSweepCommand } from './commands/sweep.js';
import type { CliContext } from './io.js';

/**
 * Wiring only: the root command and one addCommand per subcommand. Command files import their heavy
 * modules inside the action (dynamic import) so `--help` and `--version` stay fast.
 */
export function createProgram(ctx: CliContext): Command {
  // Help's usage line names the command as it was run (`node scripts/run.mjs` through the skill's launcher).
  const program = new Command(ctx.io.commandName ?? 'llm-loadtest')
    .description('Load test LLM APIs (OpenAI chat completions, Anthropic messages): locally or on an LMeterX platform')
    .version(TOOL_VERSION, '-V, --version');
  program.addCommand(createDemoCommand(ctx));
  program.addCommand(createRunCommand(ctx), { isDefault: true });
  program.addCommand(createMockCommand(ctx));
  program.addCommand(createStatusCommand(ctx));
  program.addCommand(createResultsCommand(ctx));
  program.addCommand(createStopCommand(ctx));
  program.addCommand(createReportCommand(ctx));
  program.addCommand(createCompareCommand(ctx));
  program.addCommand(createMergeCommand(ctx));
  program.addCommand(createServeCommand(ctx));
  program.addCommand(createSweepCommand(ctx));
  program.addCommand(createHeatmapCommand(ctx));
  return program;
}
