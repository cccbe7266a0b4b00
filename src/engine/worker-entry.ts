import { parentPort, workerData } from 'node:worker_threads';
import { Recorder } from '../metrics/recorder.js';
import type { RequestRecord } from '../model/summary.js';
import { getAdapter } from '../protocol/registry.js';
import { startHealthMonitor } from './health.js';
import { LoadThread, type LoadRunOptions } from './load-thread.js';
import { errnoOf, ResultsWriter } from './results-writer.js';
import { warmUp } from './warm-up.js';
import type { FromWorker, ToWorker, WorkerInput } from './worker-protocol.js';

/**
 * A load worker thread: runs its share of the users (ids i with i % count === index), streams its
 * records to the main thread in batches, and hands back its recorder snapshot at the end.
 */
const port = parentPort;
if (port === null) throw new Error('worker-entry.js runs as a worker thread only');
const input = workerData as WorkerInput;
const post = (message: FromWorker): void => port.postMessage(message);

const RECORD_FLUSH_MS = 100;
const LIVE_EVERY_MS = 500;

let lines: string[] = [];
let immediate = false;
/** With a results file: written here, before each batch of sends (a hard kill loses only what is in flight). */
const file =
  input.resultsFd === null
    ? null
    : new ResultsWriter('', {
        fd: input.resultsFd,
        onFailure: (_error, cause) => {
          post({ type: 'write-failed', code: errnoOf(cause), message: cause instanceof Error ? cause.message : String(cause) });
        },
      });
const flushRecords = (): void => {
  if (file !== null) {
    file.flush();
    return;
  }
  if (lines.length === 0) return;
  post({ type: 'records', block: `${lines.join('\n')}\n` });
  lines = [];
};

let health: ReturnType<typeof startHealthMonitor> | null = null;
const threadOptions: LoadRunOptions = {
  target: input.target,
  load: input.load,
  adapter: getAdapter(input.target.apiType),
  prompts: input.prompts,
  scenarioSet: input.scenarioSet,
  partition: { index: input.index, count: input.count },
  secrets: input.secrets,
  ...(input.gracefulStopMs === null ? {} : { gracefulStopMs: input.gracefulStopMs }),
  preconnect: input.preconnect,
  preloadTokenizer: input.preloadTokenizer,
  reconcileUsage: input.reconcileUsage,
  ...(input.requestIdPrefix === null ? {} : { requestIdPrefix: input.requestIdPrefix }),
  ...(input.streamRecords
    ? {
        onRecord: (record: RequestRecord): void => {
          if (file !== null) {
            file.writeLine(JSON.stringify(record));
            return;
          }
          lines.push(JSON.stringify(record));
          if (immediate || lines.length >= 512) flushRecords();
        },
      }
    : {}),
  onGeneratorError: () => health?.recordGeneratorError(),
  onMeasureStart: () => health?.markMeasureStart(),
  flushRecords,
};
const thread = new LoadThread(threadOptions);

let stopReason: ToWorker | null = null;
port.on('message', (message: ToWorker) => {
  if (message.type === 'stop') {
    if (message.reason === 'interrupted') {
      // As the main thread's writer does: after Ctrl-C each record is written as it finishes.
      immediate = true;
      file?.setImmediate(true);
      flushRecords();
    }
    stopReason = message;
    thread.stop(message.reason);
    return;
  }
  void run(message.runStartEpochMs);
});

async function run(runStartEpochMs: number): Promise<void> {
  try {
    const runStartMs = runStartEpochMs - performance.timeOrigin;
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, runStartMs - performance.now())));
    const recorder = new Recorder({ runStartMs, slo: input.load.slo });
    health = startHealthMonitor();
    const flushTimer = setInterval(flushRecords, RECORD_FLUSH_MS);
    const liveTimer = setInterval(() => post({ type: 'live', live: thread.live() }), LIVE_EVERY_MS);
    const running = thread.start(runStartMs, recorder);
    if (stopReason !== null && stopReason.type === 'stop') thread.stop(stopReason.reason);
    const outcome = await running;
    clearInterval(flushTimer);
    clearInterval(liveTimer);
    flushRecords();
    const generator = health.stop(outcome.scheduleLag);
    await thread.close();
    post({ type: 'live', live: thread.live() });
    post({ type: 'done', snapshot: recorder.snapshot(), outcome, generator });
  } catch (error) {
    post({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
  }
}

void warmUp(threadOptions)
  .then(() => thread.prepare())
  .then(() => post({ type: 'ready' }))
  .catch((error: unknown) => post({ type: 'failed', message: error instanceof Error ? error.message : String(error) }));
