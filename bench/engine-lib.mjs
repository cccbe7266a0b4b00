// Shared by the engine benchmarks: the bundled mock in its own process and load clients in theirs,
// each pinned to one core with taskset when it exists (client on core 0, mock on core 1).
import { spawn, spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const cli = join(here, '..', 'dist', 'cli', 'main.js');
export const hasTaskset = spawnSync('taskset', ['--version']).status === 0;

function pinned(core, args) {
  if (core === null || !hasTaskset) return [process.execPath, args];
  return ['taskset', ['-c', String(core), process.execPath, ...args]];
}

/** Start `llm-loadtest mock --port 0 ...args`; resolves with its URL, its stats and a stop function. */
export async function startMockProcess(args, core = 1) {
  const [cmd, argv] = pinned(core, [cli, 'mock', '--port', '0', ...args]);
  const child = spawn(cmd, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
  const url = await new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const line = out.split('\n').find((l) => l.startsWith('http://'));
      if (line) resolve(line.trim());
    });
    child.on('exit', (code) => reject(new Error(`mock exited with ${code}`)));
  });
  return {
    url,
    pid: child.pid,
    stats: async (limit = 0) => (await fetch(`${url}/mock/stats?limit=${limit}`)).json(),
    reset: async () => fetch(`${url}/mock/reset`, { method: 'POST' }),
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', resolve);
        child.kill('SIGINT');
      }),
  };
}

/** Run one load client (bench/engine-client.mjs) with this config; resolves with its JSON result. */
export function runClient(config, core = 0, nodeArgs = []) {
  const [cmd, argv] = pinned(core, [...nodeArgs, join(here, 'engine-client.mjs'), JSON.stringify(config)]);
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, argv, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.on('exit', (code) => {
      if (code !== 0) reject(new Error(`client ${config.kind} exited with ${code}`));
      else resolve(JSON.parse(out.trim().split('\n').pop()));
    });
  });
}

/** Percentile of a numeric array (nearest rank). */
export function percentile(values, p) {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/** One result line: the figure, its target, and whether it meets it. */
export function verdictLine(name, value, target, ok, unit = '') {
  return `${ok ? 'PASS' : 'FAIL'}  ${name.padEnd(44)} ${String(value).padStart(10)}${unit}   target ${target}`;
}
