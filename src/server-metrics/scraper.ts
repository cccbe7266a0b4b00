import { createWriteStream, type WriteStream } from 'node:fs';
import { Agent, request } from 'undici';
import { categorizeTransportError } from '../failures/classify-transport.js';
import { maskText, maskUrl } from '../text/mask.js';

/**
 * Scrapes Prometheus endpoints on its own timer while a load runs. It never parses during the load: each
 * body goes to a spool file as it arrives (memory holds one body per endpoint at most) and is parsed after
 * the load (collect.ts), so the scraper costs the load's event loop a socket read and a file append per
 * interval. Every scrape has its own deadline and its own connection pool (not the load's sockets); a
 * scrape that hangs is abandoned at its deadline, a failing endpoint is recorded, never thrown.
 */

/** Past this a body is not a metrics page we want to keep (a server streaming forever). */
export const MAX_SCRAPE_BYTES = 8 * 1024 * 1024;
/** The longest a scrape may take, whatever the interval. */
export const MAX_SCRAPE_TIMEOUT_MS = 10_000;

export interface ScraperOptions {
  /** Absolute http(s) URLs. */
  urls: readonly string[];
  intervalMs: number;
  /** Each scrape's deadline; default: the interval, at most MAX_SCRAPE_TIMEOUT_MS. */
  timeoutMs?: number;
  /** Where scrapes are spooled, one JSON line each (SpoolLine). */
  spoolPath: string;
  /** Secrets to mask in error text (the URL is masked anyway). */
  secrets?: readonly string[];
}

/** One spooled scrape: the body as received, or why there is none. Epoch ms. */
export type SpoolLine =
  | { url: string; atMs: number; ok: true; status: number; durationMs: number; text: string }
  | { url: string; atMs: number; ok: false; error: string; durationMs: number };

export interface ServerScraper {
  readonly timeoutMs: number;
  /** The endpoints, masked, as the spool names them. */
  readonly urls: readonly string[];
  /** Scrape every endpoint now (the baseline before the load, the last after it); never rejects. */
  scrapeNow(): Promise<void>;
  /** Scrape every interval until stop(). */
  startTimer(): void;
  /** Stop the timer, wait for scrapes under way (each bounded by its deadline), close the spool. */
  stop(): Promise<void>;
}

export function defaultScrapeTimeoutMs(intervalMs: number): number {
  return Math.min(intervalMs, MAX_SCRAPE_TIMEOUT_MS);
}

export function createServerScraper(options: ScraperOptions): ServerScraper {
  const timeoutMs = options.timeoutMs ?? defaultScrapeTimeoutMs(options.intervalMs);
  const secrets = options.secrets ?? [];
  const masked = options.urls.map((url) => maskUrl(url));
  // Its own pool: a scrape never waits for, or holds, one of the load's sockets.
  const agent = new Agent({ connections: 1, headersTimeout: timeoutMs, bodyTimeout: timeoutMs, connect: { timeout: timeoutMs } });
  const spool: WriteStream = createWriteStream(options.spoolPath, { flags: 'a' });
  let spoolError: Error | null = null;
  spool.on('error', (error) => {
    spoolError = error;
  });
  const inFlight = new Set<Promise<void>>();
  const busy = new Set<number>();
  let timer: ReturnType<typeof setInterval> | null = null;
  let stopped = false;

  const write = (line: SpoolLine): void => {
    if (spoolError === null && !stopped) spool.write(`${JSON.stringify(line)}\n`);
  };

  const scrapeOne = async (index: number): Promise<void> => {
    const url = options.urls[index] as string;
    const atMs = Date.now();
    const startedAt = performance.now();
    const controller = new AbortController();
    const deadline = setTimeout(() => controller.abort(), timeoutMs);
    const elapsed = (): number => Math.round((performance.now() - startedAt) * 1000) / 1000;
    try {
      const response = await request(url, {
        method: 'GET',
        dispatcher: agent,
        signal: controller.signal,
        headers: { accept: 'text/plain;version=0.0.4;q=1,*/*;q=0.1' },
      });
      if (response.statusCode !== 200) {
        await response.body.dump().catch(() => undefined);
        write({ url: masked[index] as string, atMs, ok: false, error: `HTTP ${response.statusCode}`, durationMs: elapsed() });
        return;
      }
      const chunks: Buffer[] = [];
      let bytes = 0;
      for await (const chunk of response.body) {
        bytes += (chunk as Buffer).length;
        if (bytes > MAX_SCRAPE_BYTES) {
          response.body.destroy();
          write({ url: masked[index] as string, atMs, ok: false, error: `body larger than ${MAX_SCRAPE_BYTES / 1024 / 1024} MB`, durationMs: elapsed() });
          return;
        }
        chunks.push(chunk as Buffer);
      }
      write({ url: masked[index] as string, atMs, ok: true, status: 200, durationMs: elapsed(), text: Buffer.concat(chunks).toString('utf8') });
    } catch (error) {
      const reason = controller.signal.aborted ? `timed out after ${timeoutMs} ms` : describeFailure(error);
      write({ url: masked[index] as string, atMs, ok: false, error: maskText(reason, secrets), durationMs: elapsed() });
    } finally {
      clearTimeout(deadline);
    }
  };

  const scrapeAll = (): Promise<void> => {
    const runs: Promise<void>[] = [];
    options.urls.forEach((_url, index) => {
      // One scrape per endpoint at a time: a slow endpoint skips a tick rather than piling up.
      if (busy.has(index) || stopped) return;
      busy.add(index);
      const run = scrapeOne(index).finally(() => {
        busy.delete(index);
        inFlight.delete(run);
      });
      inFlight.add(run);
      runs.push(run);
    });
    return Promise.all(runs).then(() => undefined);
  };

  return {
    timeoutMs,
    urls: masked,
    scrapeNow: scrapeAll,
    startTimer: () => {
      if (timer !== null || stopped) return;
      timer = setInterval(() => void scrapeAll(), options.intervalMs);
      timer.unref();
    },
    stop: async () => {
      if (timer !== null) clearInterval(timer);
      timer = null;
      await Promise.all([...inFlight]);
      stopped = true;
      await agent.close().catch(() => undefined);
      await new Promise<void>((resolve) => spool.end(() => resolve()));
    },
  };
}

function describeFailure(error: unknown): string {
  return categorizeTransportError(error).message;
}
