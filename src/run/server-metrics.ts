import { join } from 'node:path';
import type { ServerMetricsPlan, ServerMetricsSummary } from '../model/server-metrics.js';
import type { CapabilityReport } from '../model/capability.js';
import type { Summary } from '../model/summary.js';
import type { ServerScraper } from '../server-metrics/scraper.js';
import type { ClientSide } from '../metrics/server-window.js';
import type { FollowResult } from './platform.js';

/** The server-metrics files in a run folder: the spool while the load runs, the parsed series after. */
export const SERVER_METRICS_FILE = 'server-metrics.jsonl';
const SPOOL_FILE = 'server-metrics.spool.jsonl';

/** A run's scraping: the baseline before the load, the timer during it, the last scrape and the summary after. */
export interface ServerMetricsSession {
  /** Our side for the comparison, and where our measured window starts (null: at the baseline). */
  finish(loadStartMs: number, client: ClientSide, windowStartS: number | null): Promise<ServerMetricsSummary>;
  /** Stop without a summary (the run failed): the timer and sockets end, the spool stays. */
  abandon(): Promise<void>;
}

/** Start scraping: one baseline scrape (bounded by its deadline) then the timer. Null without --server-metrics. */
export async function startServerMetrics(
  plan: ServerMetricsPlan | null | undefined,
  outDir: string,
  secrets: readonly string[],
  warmupS: number,
): Promise<ServerMetricsSession | null> {
  if (plan === null || plan === undefined) return null;
  const { createServerScraper } = await import('../server-metrics/scraper.js');
  const spoolPath = join(outDir, SPOOL_FILE);
  const scraper: ServerScraper = createServerScraper({ urls: plan.urls, intervalMs: plan.intervalS * 1000, spoolPath, secrets });
  await scraper.scrapeNow();
  scraper.startTimer();
  // A scrape as the warmup ends, so the server's window starts with ours (not a whole interval later).
  const warmupEnd = warmupS > 0 ? setTimeout(() => void scraper.scrapeNow(), warmupS * 1000) : null;
  warmupEnd?.unref();
  let stopped = false;
  return {
    finish: async (loadStartMs, client, windowStartS) => {
      if (warmupEnd !== null) clearTimeout(warmupEnd);
      await scraper.scrapeNow();
      await scraper.stop();
      stopped = true;
      const [{ collectScrapes }, { summarizeServerMetrics }] = await Promise.all([import('../server-metrics/collect.js'), import('../metrics/server-window.js')]);
      // The server's side never fails the run: scrapes that could not be kept are reported as failed.
      const scrapes = await collectScrapes(spoolPath, join(outDir, SERVER_METRICS_FILE), loadStartMs).catch((error: unknown) =>
        scraper.urls.map((url) => ({ url, t: 0, ok: false as const, error: `the scrapes could not be kept: ${(error as Error).message}`, durationMs: 0 })),
      );
      return summarizeServerMetrics(scrapes, {
        intervalS: plan.intervalS,
        timeoutMs: scraper.timeoutMs,
        urls: [...scraper.urls],
        windowStartS,
        client,
      });
    },
    abandon: async () => {
      if (warmupEnd !== null) clearTimeout(warmupEnd);
      if (!stopped) await scraper.stop();
      stopped = true;
    },
  };
}

/** A local run's side of the comparison: its TTFT over the measured window, which starts after a warmup. */
export function finishLocal(session: ServerMetricsSession, loadStartMs: number, summary: Summary): Promise<ServerMetricsSummary> {
  const windowStartS = summary.measureStartS !== undefined && summary.measureStartS > 0 ? summary.measureStartS : null;
  return session.finish(loadStartMs, { ttft: summary.latency.ttft, requests: summary.latency.ttft.count }, windowStartS);
}

/**
 * Platform mode with --server-metrics (and --wait): this machine scrapes the server while the platform's
 * engine loads it, from the task's creation to its end, into a folder of its own (the platform keeps the
 * run, so there is no run folder). The results carry the server's side and where its series is.
 */
export async function scrapeWhileFollowing(plan: ServerMetricsPlan | null | undefined, secrets: readonly string[], follow: () => Promise<FollowResult>): Promise<FollowResult> {
  if (plan === null || plan === undefined) return follow();
  const [{ mkdtemp }, { tmpdir }] = await Promise.all([import('node:fs/promises'), import('node:os')]);
  const dir = await mkdtemp(join(tmpdir(), 'llm-loadtest-server-metrics-'));
  const session = (await startServerMetrics(plan, dir, secrets, 0)) as ServerMetricsSession;
  const startMs = Date.now();
  let result: FollowResult;
  try {
    result = await follow();
  } catch (error) {
    await session.abandon();
    throw error;
  }
  if (!result.followed || result.results.figures === null) {
    await session.abandon();
    return result;
  }
  const { figures } = result.results;
  const ttft = figures.ttftMs;
  const ok = Math.max(0, figures.requests.total - figures.requests.failed);
  // The platform keeps mean, min, max, p50 and p95 only.
  const client: ClientSide = {
    ttft: { count: ttft === null ? 0 : ok, mean: ttft?.mean ?? null, min: ttft?.min ?? null, p50: ttft?.p50 ?? null, p90: null, p95: ttft?.p95 ?? null, p99: null, p999: null, max: ttft?.max ?? null },
    requests: ttft === null ? 0 : ok,
  };
  const serverMetrics = await session.finish(startMs, client, null);
  return { ...result, results: { ...result.results, serverMetrics, serverMetricsFile: join(dir, SERVER_METRICS_FILE) } };
}

/**
 * After the pre-check of a run without --server-metrics: offer `<origin>/metrics` in the capability report
 * when it answers with a known server's names (nothing is scraped unless asked).
 */
export async function offerServerMetrics(capability: CapabilityReport, targetUrl: string, insecure: boolean): Promise<CapabilityReport> {
  const [{ probeServerMetrics }, { SERVER_NAMES }] = await Promise.all([import('../server-metrics/probe.js'), import('../metrics/server-vocabulary.js')]);
  const found = await probeServerMetrics(targetUrl, { insecure });
  if (found === null) return capability;
  return {
    ...capability,
    serverMetricsOffer: found,
    notes: [...capability.notes, `${found.url} serves ${SERVER_NAMES[found.server]}'s metrics: add --server-metrics ${found.url} to scrape them during the run and see the server's side (queue, KV cache, its TTFT)`],
  };
}
