// Memory per open stream: the engine holds 19,000 concurrent streams (slow ones: 60 s, a token a second,
// so one core reads them without falling behind) against the bundled mock in another process; RSS growth from before the start (sockets included) divided by the
// streams in flight, and no generator-side error (EMFILE, EADDRNOTAVAIL). 19,000 fits this machine's
// open-file limit of 20,000 (`ulimit -n`; the mock needs as many); past it see README "More load than one
// machine". Target (issue 23): under 20 KB RSS per open stream at 19,000 streams, zero generator errors.
import { runClient, startMockProcess, verdictLine } from './engine-lib.mjs';

const STREAMS = Number(process.env.BENCH_STREAMS ?? 19000);
const mock = await startMockProcess(['--ttft', '100', '--itl', '1000', '--output-tokens', '60'], null);
console.log(`mock ${mock.url}: 60 tokens at 1 s each (60 s streams); ${STREAMS} users, ramp 2500/s`);
try {
  const result = await runClient(
    { kind: 'engine', url: mock.url, users: STREAMS, rampPerS: 2500, durationS: Math.ceil(STREAMS / 2500) + 4, warmupS: 0, sampleRss: true },
    null,
    ['--expose-gc'],
  );
  const full = result.rss.filter((s) => s.inFlight >= STREAMS * 0.98);
  if (full.length === 0) throw new Error(`never reached ${STREAMS} streams in flight: ${JSON.stringify(result.rss.slice(-3))}`);
  const peak = Math.max(...full.map((s) => s.rssMb));
  const inFlight = Math.max(...full.map((s) => s.inFlight));
  const perStreamKb = ((peak - result.rssBeforeMb) * 1024) / inFlight;
  console.log(`RSS before ${result.rssBeforeMb.toFixed(1)} MB, peak with ${inFlight} streams open ${peak.toFixed(1)} MB; preconnected ${result.preconnected}`);
  const heapKb = ((Math.max(...full.map((s) => s.heapMb)) - result.heapBeforeMb) * 1024) / inFlight;
  console.log(`info  of which JS heap per open stream ${heapKb.toFixed(1)} KB (the rest: sockets, buffers, native)`);
  const errors = result.generator.generatorErrors;
  console.log(`generator: ${result.generator.verdict}, ${errors} generator errors, ${result.failed} failed; ${result.generator.reasons.join('; ') || 'no reasons'}`);
  console.log(verdictLine(`RSS per open stream at ${inFlight} streams`, perStreamKb.toFixed(1), '< 20 KB', perStreamKb < 20, ' KB'));
  console.log(verdictLine(`generator errors at ${inFlight} streams`, errors, '0', errors === 0));
} finally {
  await mock.stop();
}
