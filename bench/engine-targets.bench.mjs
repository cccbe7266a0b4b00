// Several targets cost N times the requests, not more (issue 16): the engine's total throughput with 3
// targets against 3 bundled mocks, against one target at the same total concurrency. Zero server delay,
// 128-token SSE streams; the client (the CLI, --json) on core 0, the mocks on core 1.
// Target: 3 targets' total req/s ≥ 90% of one target's.
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { hasTaskset, startMockProcess, verdictLine } from './engine-lib.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const cli = join(here, '..', 'dist', 'cli', 'main.js');
const USERS = 48;
const TARGETS = 3;
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 5);
const ROUNDS = 3;

const mocks = await Promise.all(Array.from({ length: TARGETS }, () => startMockProcess(['--output-tokens', '128'])));
const chat = (mock) => `${mock.url}/v1/chat/completions`;
console.log(`${TARGETS} mocks; ${USERS} users in total, ${DURATION_S} s each, 128-token streams; pinned: ${hasTaskset}`);

/** One `llm-loadtest run --json` on core 0; resolves with its summary. */
function runCli(args) {
  const out = join(mkdtempSync(join(tmpdir(), 'bench-targets-')), 'run');
  const argv = [cli, 'run', '--local', '--json', '--quiet', '--no-progress', '--model', 'mock-model', '--spawn-rate', '1000', '--duration', String(DURATION_S), '--out', out, ...args];
  const [cmd, full] = hasTaskset ? ['taskset', ['-c', '0', process.execPath, ...argv]] : [process.execPath, argv];
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, full, { stdio: ['ignore', 'pipe', 'inherit'] });
    let text = '';
    child.stdout.on('data', (chunk) => (text += chunk));
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(text)) : reject(new Error(`run exited with ${code}`))));
  });
}

try {
  const rounds = [];
  // The machine may be shared: one target and three alternate, and the median ratio counts.
  for (let round = 0; round < ROUNDS; round += 1) {
    const one = await runCli(['--url', chat(mocks[0]), '--concurrent-users', String(USERS)]);
    const many = await runCli([...mocks.flatMap((mock, i) => ['--target', `t${i + 1}=${chat(mock)}`]), '--concurrent-users', String(USERS / TARGETS)]);
    const rpsRow = many.comparison.rows.find((row) => row.metric === 'rps');
    const total = rpsRow.cells.reduce((sum, cell) => sum + (cell.value ?? 0), 0);
    rounds.push({ one: one.rps, many: total, perTarget: rpsRow.cells.map((cell) => cell.value), overlap: many.comparison.overlap, ratio: total / one.rps });
  }
  for (const [i, r] of rounds.entries()) {
    console.log(`  round ${i + 1}: one target ${r.one.toFixed(0)} req/s · ${TARGETS} targets ${r.many.toFixed(0)} req/s (${r.perTarget.map((v) => v.toFixed(0)).join(' + ')}), windows overlap ${(r.overlap * 100).toFixed(1)}%, ratio ${r.ratio.toFixed(2)}`);
  }
  const median = [...rounds].sort((a, b) => a.ratio - b.ratio)[Math.floor(rounds.length / 2)];
  console.log(verdictLine(`${TARGETS} targets' total / one target, req/s`, median.ratio.toFixed(2), '>= 0.90', median.ratio >= 0.9));
} finally {
  await Promise.all(mocks.map((mock) => mock.stop()));
}
