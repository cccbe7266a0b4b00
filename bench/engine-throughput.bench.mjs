// Engine throughput with zero server delay, 64 users, 128-token SSE streams: our engine against a bare
// undici loop that only scans bytes, the same loop with JSON.parse per event, autocannon, and a Locust
// LLM user (python3-locust) when installed. Client on core 0, the bundled mock on core 1.
// Targets (issue 6): engine ≥ 70% of the bare byte-scanning loop, ≥ 10x the Locust LLM user.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hasTaskset, runClient, startMockProcess, verdictLine } from './engine-lib.mjs';

const USERS = 64;
// Debian's python3-locust lives beside the system python, not a pyenv one.
const PYTHON = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 5);
const ROUNDS = 3;

const mock = await startMockProcess(['--output-tokens', '128']);
console.log(`mock ${mock.url}; ${USERS} users, ${DURATION_S} s each, 128-token streams; pinned: ${hasTaskset}`);
try {
  // The machine may be shared: bare loop and engine alternate, three rounds, and the median ratio counts.
  const rounds = [];
  for (let round = 0; round < ROUNDS; round += 1) {
    const bare = await runClient({ kind: 'bare', url: mock.url, users: USERS, durationS: DURATION_S });
    const engine = await runClient({ kind: 'engine', url: mock.url, users: USERS, durationS: DURATION_S });
    rounds.push({ bare, engine, ratio: engine.rps / bare.rps });
  }
  // What the hot path gained since issue 6 (our x-request-id per request, the server's request id read per
  // answer, header capture, the mock's id read): the same engine with each off and all on, CPU per request.
  const features = { off: [], default: [], all: [] };
  for (let round = 0; round < ROUNDS; round += 1) {
    for (const mode of ['off', 'default', 'all']) {
      const r = await runClient({ kind: 'engine', url: mock.url, users: USERS, durationS: DURATION_S, ...(mode === 'default' ? {} : { features: mode }) });
      features[mode].push(r);
    }
  }
  const bareJson = await runClient({ kind: 'bare-json', url: mock.url, users: USERS, durationS: DURATION_S });
  const cannon = await runClient({ kind: 'autocannon', url: mock.url, users: USERS, durationS: DURATION_S });
  const locust = await runLocust(mock.url);
  const median = [...rounds].sort((a, b) => a.ratio - b.ratio)[Math.floor(rounds.length / 2)];
  const { bare, engine } = median;
  console.log('raw requests/s (CPU ms per request):');
  for (const [i, r] of rounds.entries()) {
    console.log(`  round ${i + 1}: bare ${r.bare.rps.toFixed(0)} (${r.bare.cpuMsPerRequest.toFixed(3)}), engine ${r.engine.rps.toFixed(0)} (${r.engine.cpuMsPerRequest.toFixed(3)}), ratio ${r.ratio.toFixed(2)}`);
  }
  console.log(`  bare undici loop, byte scan     ${bare.rps.toFixed(0)}  (median round)`);
  console.log(`  bare undici loop, JSON.parse    ${bareJson.rps.toFixed(0)}`);
  console.log(`  llm-loadtest engine             ${engine.rps.toFixed(0)}  (ok ${engine.ok}, failed ${engine.failed}, generator ${engine.generator.verdict})`);
  console.log(`  autocannon (reads, no parsing)  ${cannon.rps.toFixed(0)}  (non-2xx ${cannon.non2xx}, errors ${cannon.errors})`);
  console.log(`  locust LLM user                 ${locust.rps === null ? `n/a (${locust.why})` : locust.rps.toFixed(0)}`);
  const medianOf = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  const cpu = Object.fromEntries(Object.entries(features).map(([mode, runs]) => [mode, medianOf(runs.map((r) => r.runCpuMsPerRequest))]));
  const rps = Object.fromEntries(Object.entries(features).map(([mode, runs]) => [mode, medianOf(runs.map((r) => r.rps))]));
  console.log('hot-path features, median of rounds: requests/s (CPU ms per request of the load)');
  for (const mode of ['off', 'default', 'all']) console.log(`  ${mode.padEnd(8)} ${rps[mode].toFixed(0)} (${cpu[mode].toFixed(4)})`);
  const ratio = median.ratio;
  const cpuRatio = bare.cpuMsPerRequest / engine.cpuMsPerRequest;
  console.log(verdictLine('engine / bare byte-scanning undici loop', ratio.toFixed(2), '>= 0.70', ratio >= 0.7));
  console.log(`info  same, by CPU per request (bare / engine)       ${cpuRatio.toFixed(2)}`);
  console.log(`info  ${'CPU per request, defaults / features off'.padEnd(44)} ${(cpu.default / cpu.off).toFixed(3).padStart(10)}    (x-request-id built and sent, serverRequestId read)`);
  console.log(`info  ${'CPU per request, all on / features off'.padEnd(44)} ${(cpu.all / cpu.off).toFixed(3).padStart(10)}    (+ gateway headers recorded, the mock's id read)`);
  if (locust.rps !== null) {
    const x = engine.rps / locust.rps;
    console.log(verdictLine('engine / Locust LLM user', `${x.toFixed(1)}x`, '>= 10x', x >= 10));
    if (locust.cpuMsPerRequest !== null) {
      console.log(`info  same, by CPU per request (locust ${locust.cpuMsPerRequest.toFixed(3)} / engine ${engine.cpuMsPerRequest.toFixed(3)} ms)  ${(locust.cpuMsPerRequest / engine.cpuMsPerRequest).toFixed(1)}x`);
    }
  } else {
    console.log(`SKIP  engine / Locust LLM user: ${locust.why}`);
  }
} finally {
  await mock.stop();
}

/** A Locust user as LLM load tools write it: requests with stream=True, iter_lines, json.loads per event. */
async function runLocust(url) {
  const probe = spawnSync(PYTHON, ['-c', 'import locust'], { encoding: 'utf8' });
  if (probe.status !== 0) return { rps: null, why: 'python3-locust is not installed (apt-get install -y python3-locust)' };
  const dir = mkdtempSync(join(tmpdir(), 'locust-'));
  const file = join(dir, 'locustfile.py');
  writeFileSync(
    file,
    `import json
from locust import HttpUser, task

BODY = {"model": "mock-model", "messages": [{"role": "user", "content": "Say something."}],
        "stream": True, "stream_options": {"include_usage": True}, "max_tokens": 128}

class LlmUser(HttpUser):
    @task
    def chat(self):
        with self.client.post("/v1/chat/completions", json=BODY, stream=True, catch_response=True) as r:
            tokens = 0
            for line in r.iter_lines():
                if not line.startswith(b"data: "):
                    continue
                data = line[6:]
                if data == b"[DONE]":
                    break
                event = json.loads(data)
                for choice in event.get("choices", []):
                    if choice.get("delta", {}).get("content"):
                        tokens += 1
            r.success()
`,
  );
  // Locust's --run-time does not always stop a CPU-bound run: it runs until stopped here, and its CSV
  // (rewritten every second) and its CPU time (/proc, before the stop) give the figures.
  const argv = ['-f', file, '--headless', '-u', String(USERS), '-r', String(USERS), '--host', url, '--csv', join(dir, 'out')];
  const [cmd, args] = hasTaskset ? ['taskset', ['-c', '0', 'locust', ...argv]] : ['locust', argv];
  const child = spawn(cmd, args, { stdio: 'ignore' });
  await new Promise((resolve) => setTimeout(resolve, (DURATION_S + 3) * 1000));
  const stat = existsSync(`/proc/${child.pid}/stat`) ? readFileSync(`/proc/${child.pid}/stat`, 'utf8') : null;
  child.kill('SIGKILL');
  await new Promise((resolve) => child.once('exit', resolve));
  const csvPath = join(dir, 'out_stats.csv');
  if (!existsSync(csvPath)) return { rps: null, why: 'locust wrote no statistics' };
  const csv = readFileSync(csvPath, 'utf8').trim().split('\n');
  const header = csv[0].split(',');
  const total = csv.find((line) => line.includes('Aggregated')).split(',');
  const count = Number(total[header.indexOf('Request Count')]);
  // utime and stime are fields 14 and 15 of /proc/<pid>/stat, in clock ticks (100 per second on Linux).
  const fields = stat === null ? null : stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const cpuMsPerRequest = fields === null || count === 0 ? null : ((Number(fields[11]) + Number(fields[12])) * 10) / count;
  return { rps: Number(total[header.indexOf('Requests/s')]), cpuMsPerRequest, why: null };
}
