import { Agent, request } from 'undici';
import { parsePromText } from '../metrics/prometheus-text.js';
import { serverKindOf } from '../metrics/server-vocabulary.js';
import type { ServerKind } from '../model/server-metrics.js';

const PROBE_TIMEOUT_MS = 2000;
const MAX_PROBE_BYTES = 8 * 1024 * 1024;

/** `<origin>/metrics` of a target URL, or null for a URL that has none (not http/https). */
export function metricsUrlOf(targetUrl: string): string | null {
  try {
    const url = new URL(targetUrl);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
    return `${url.origin}/metrics`;
  } catch {
    return null;
  }
}

/**
 * After the pre-check: does `<origin>/metrics` answer with a known server's Prometheus names? One GET with a
 * short deadline and no credentials (metrics pages are served without them); nothing is scraped from it
 * unless the user asks with --server-metrics. Never rejects: anything but a known page is null.
 */
export async function probeServerMetrics(targetUrl: string, options: { insecure?: boolean; timeoutMs?: number } = {}): Promise<{ url: string; server: ServerKind } | null> {
  const url = metricsUrlOf(targetUrl);
  if (url === null) return null;
  const timeoutMs = options.timeoutMs ?? PROBE_TIMEOUT_MS;
  const agent = new Agent({ connections: 1, connect: { timeout: timeoutMs, rejectUnauthorized: options.insecure !== true } });
  try {
    const response = await request(url, { method: 'GET', dispatcher: agent, signal: AbortSignal.timeout(timeoutMs), headers: { accept: 'text/plain;version=0.0.4' } });
    if (response.statusCode !== 200) {
      await response.body.dump().catch(() => undefined);
      return null;
    }
    let bytes = 0;
    const chunks: Buffer[] = [];
    for await (const chunk of response.body) {
      bytes += (chunk as Buffer).length;
      if (bytes > MAX_PROBE_BYTES) return null;
      chunks.push(chunk as Buffer);
    }
    const server = serverKindOf(parsePromText(Buffer.concat(chunks).toString('utf8')).map((sample) => sample.name));
    return server === 'unknown' ? null : { url, server };
  } catch {
    return null;
  } finally {
    await agent.destroy().catch(() => undefined);
  }
}
