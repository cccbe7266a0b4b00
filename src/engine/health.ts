/**
 * Generator health over the measured window: event-loop delay and utilization, process CPU, the open-file limit and
 * generator-side errors, judged by metrics/generator-verdict.ts. Start it when measurement starts; `stop()`
 * at the end. Summarize judges again with the recorder's request and user counts.
 */
import { readFileSync } from 'node:fs';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { judgeGenerator, type GeneratorHealth } from '../metrics/generator-verdict.js';
import type { ScheduleLag } from './load-executor.js';

/**
 * Sampling interval of the event-loop delay monitor. Each tick is a timer: 10 ms is 100 wake-ups a second
 * (negligible next to a load test's I/O) and gives thousands of samples a minute for a stable p99. A stall
 * delays the tick it overlaps, so a finer interval would not see more of what matters (stalls ≥ 10 ms).
 * Node 20 records the whole tick interval, so the interval is subtracted to get the delay.
 */
export const LOOP_SAMPLE_INTERVAL_MS = 10;

export interface HealthMonitorOptions {
  /** Monotonic ms clock (tests inject one). */
  now?: () => number;
  /** CPU time of the process in µs, like process.cpuUsage(). */
  cpuUsage?: () => { user: number; system: number };
  /** The text of /proc/self/limits, or null where there is none (not Linux). */
  readLimits?: () => string | null;
  /** Threads generating load (1 + workers): CPU is judged per thread. */
  threads?: number;
}

export interface HealthMonitor {
  /** Our side failed a request (EMFILE, EADDRNOTAVAIL): not the server's fault. */
  recordGeneratorError(): void;
  /**
   * The warmup is over: the window starts again here, so the start-up's compiling and connecting (stalls of
   * 20-150 ms in the first second of a run at thousands of requests per second) are not judged.
   */
  markMeasureStart(): void;
  /** End the window and judge it (with the open loop's schedule lag, if any). Idempotent: a second call returns the same result. */
  stop(scheduleLag?: ScheduleLag | null): GeneratorHealth;
}

export function startHealthMonitor(options: HealthMonitorOptions = {}): HealthMonitor {
  const now = options.now ?? (() => performance.now());
  const cpuUsage = options.cpuUsage ?? (() => process.cpuUsage());
  const readLimits = options.readLimits ?? readProcLimits;
  const loop = monitorEventLoopDelay({ resolution: LOOP_SAMPLE_INTERVAL_MS });
  loop.enable();
  let startedAtMs = now();
  let cpuAtStart = cpuUsage();
  let loopAtStart = performance.eventLoopUtilization();
  let generatorErrors = 0;
  let result: GeneratorHealth | null = null;

  return {
    recordGeneratorError(): void {
      generatorErrors += 1;
    },
    markMeasureStart(): void {
      if (result !== null) return;
      loop.reset();
      startedAtMs = now();
      cpuAtStart = cpuUsage();
      loopAtStart = performance.eventLoopUtilization();
    },
    stop(scheduleLag?: ScheduleLag | null): GeneratorHealth {
      if (result !== null) return result;
      loop.disable();
      const elapsedMs = now() - startedAtMs;
      const cpu = cpuUsage();
      const cpuMs = (cpu.user - cpuAtStart.user + cpu.system - cpuAtStart.system) / 1000;
      const sampled = loop.count > 0;
      const busy = performance.eventLoopUtilization(loopAtStart).utilization;
      result = judgeGenerator({
        eventLoopDelayP99Ms: sampled ? loopDelayMs(loop.percentile(99)) : null,
        maxMs: sampled ? loopDelayMs(loop.max) : null,
        cpuPct: elapsedMs > 0 ? round1((cpuMs / elapsedMs) * 100) : null,
        eventLoopUtilization: Number.isFinite(busy) ? Math.round(busy * 1000) / 1000 : null,
        openFileLimit: parseOpenFileLimit(readLimits()),
        generatorErrors,
        ...(scheduleLag === undefined || scheduleLag === null
          ? {}
          : { scheduleLagP99Ms: roundLag(scheduleLag.p99Ms), scheduleLagMaxMs: roundLag(scheduleLag.maxMs) }),
        finishedRequests: null,
        maxUsers: null,
        ...(options.threads === undefined ? {} : { threads: options.threads }),
      });
      return result;
    },
  };
}

/** The soft "Max open files" limit from /proc/self/limits text; null when absent or unlimited. */
export function parseOpenFileLimit(limits: string | null): number | null {
  if (limits === null) return null;
  const match = /^Max open files\s+(\d+)/m.exec(limits);
  return match?.[1] === undefined ? null : Number(match[1]);
}

function readProcLimits(): string | null {
  if (process.platform !== 'linux') return null;
  try {
    return readFileSync('/proc/self/limits', 'utf8');
  } catch {
    return null;
  }
}

function loopDelayMs(intervalNs: number): number {
  return round1(Math.max(0, intervalNs / 1e6 - LOOP_SAMPLE_INTERVAL_MS));
}

/** Lag figures are sub-millisecond where the pacer keeps up: three decimals (µs). */
function roundLag(ms: number | null): number | null {
  return ms === null ? null : Math.round(ms * 1000) / 1000;
}

function round1(value: number): number {
  return Math.round(value * 10) / 10;
}
