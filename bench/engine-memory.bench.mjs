// Memory per open stream: the engine holds 5,000 concurrent streams (slow ones: 20 s each) against the
// bundled mock in another process; RSS growth from before the start (sockets included) divided by the
// streams in flight. Target (issue 6): under 40 KB RSS per open stream at 5,000 streams.
import { runClient, startMockProcess, verdictLine } from './engine-lib.mjs';

const STREAMS = Number(process.env.BENCH_STREAMS ?? 5000);
const mock = await startMockProcess(['--ttft', '100', '--itl', '200', '--output-tokens', '100'], null);
console.log(`mock ${mock.url}: 100 tokens at 200 ms each (20 s streams); ${STREAMS} users, ramp 2500/s`);
try {
  const result = await runClient(
    { kind: 'engine', url: mock.url, users: STREAMS, rampPerS: 2500, durationS: 8, warmupS: 0, sampleRss: true },
    null,
    ['--expose-gc'],
  );
  const full = result.rss.filter((s) => s.inFlight >= STREAMS * 0.98);
  if (full.length === 0) throw new Error(`never reached ${STREAMS} streams in flight: ${JSON.stringify(result.rss.slice(-3))}`);
  const peak = Math.max(...full.map((s) => s.rssMb));
  const inFlight = Math.max(...full.map((s) => s.inFlight));
  const perStreamKb = ((peak - result.rssBeforeMb) * 1024) / inFlight;
  console.log(`RSS before ${result.rssBeforeMb.toFixed(1)} MB, peak with ${inFlight} streams open ${peak.toFixed(1)} MB; preconnected ${result.preconnected}`);
  console.log(verdictLine(`RSS per open stream at ${inFlight} streams`, perStreamKb.toFixed(1), '< 40 KB', perStreamKb < 40, ' KB'));
} finally {
  await mock.stop();
}
