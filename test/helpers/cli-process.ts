import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';

/** The built CLI (`npm run build` first), run as users run it: its own process. */
export const CLI = resolve(import.meta.dirname, '../../dist/cli/main.js');

export interface CliProcess {
  child: ChildProcess;
  /** Its exit, with what it wrote to stderr (stdout is drained, not kept). */
  exit: Promise<{ code: number | null; signal: string | null; stderr: string }>;
}

/** Start the CLI with these arguments, never in platform mode by accident (LMETERX_BASE_URL cleared). */
export function startCli(args: readonly string[], env: Readonly<Record<string, string>> = {}): CliProcess {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LMETERX_BASE_URL: '', ...env } });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdout?.resume();
  const exit = new Promise<{ code: number | null; signal: string | null; stderr: string }>((done) => child.on('exit', (code, signal) => done({ code, signal, stderr })));
  return { child, exit };
}
