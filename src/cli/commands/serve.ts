import { Command } from 'commander';
import type { RawServeOptions } from '../../serve/options.js';
import type { CliContext, SignalName } from '../io.js';

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** `llm-loadtest serve`: the HTTP API (docs/serve.md) until SIGTERM/SIGINT, which stop the runs cleanly. */
export function createServeCommand(ctx: CliContext): Command {
  return new Command('serve')
    .description('HTTP API to start and follow local runs (bearer token from LLM_LOADTEST_SERVE_TOKEN; docs/serve.md)')
    .option('--host <address>', 'address to listen on (a non-loopback one needs --allow-remote)', '127.0.0.1')
    .option('--port <n>', 'port to listen on (0: a free port)', '8780')
    .option('--allow-remote', 'allow a --host that is not loopback (prints a warning)')
    .option('--allow-target <pattern>', 'host, host:port, *.domain or * a run may target (repeatable; default: loopback only)', collect)
    .option('--max-runs <n>', 'runs at once; beyond: 429 (default 1)', '1')
    .option('--runs-dir <dir>', 'folder of the run folders', 'llm-loadtest-runs')
    .action(async (flags: RawServeOptions) => {
      const { io } = ctx;
      const [{ parseServeOptions, SERVE_TOKEN_ENV }, { startService }] = await Promise.all([import('../../serve/options.js'), import('../../serve/service.js')]);
      const { options, remote } = parseServeOptions(flags, io.env[SERVE_TOKEN_ENV], io.cwd);
      const service = await startService(options);
      const targets = options.allowTargets.map((pattern) => (pattern.port === null ? pattern.host : `${pattern.host}:${pattern.port}`)).join(', ');
      if (remote) io.stderr.write(`warning: listening on ${options.host}, not loopback: anyone who can reach it with the token can start loads; put TLS in front of it\n`);
      if (targets.includes('*')) io.stderr.write(`warning: --allow-target * lets runs hit any host: this service is an open load generator for whoever holds the token\n`);
      io.stdout.write(`${service.url}\n`);
      io.stderr.write(`llm-loadtest serve listening on ${service.url} (at most ${options.maxRuns} run${options.maxRuns === 1 ? '' : 's'} at once; targets: ${targets}; runs in ${options.runsDir}); SIGTERM or Ctrl-C stops it\n`);
      const signal = await new Promise<SignalName>((resolve) => {
        const off = [io.onSignal('SIGINT', () => stop('SIGINT')), io.onSignal('SIGTERM', () => stop('SIGTERM'))];
        function stop(name: SignalName): void {
          for (const unsubscribe of off) unsubscribe();
          resolve(name);
        }
      });
      const active = [...service.runs.values()].filter((run) => run.active).length;
      io.stderr.write(`${signal}: stopping ${active} run${active === 1 ? '' : 's'}, then writing their files (a second signal ends at once)\n`);
      const again = [io.onSignal('SIGINT', () => now('SIGINT')), io.onSignal('SIGTERM', () => now('SIGTERM'))];
      function now(name: SignalName): void {
        // With no handler left, the signal's default action ends the process.
        for (const unsubscribe of again) unsubscribe();
        io.raise(name);
      }
      await service.close(`service stopped by ${signal}`);
      for (const unsubscribe of again) unsubscribe();
      io.stderr.write('llm-loadtest serve stopped: every run wrote its files\n');
    });
}
