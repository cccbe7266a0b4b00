import type { ChalkInstance } from 'chalk';
import type { LiveStats } from '../engine/live-stats.js';
import { percentileOfSorted } from '../metrics/math.js';
import type { OutStream } from './io.js';

/** On a terminal the status line is redrawn this often; elsewhere a plain line every PLAIN_EVERY_MS. */
const TTY_EVERY_MS = 500;
const PLAIN_EVERY_MS = 10_000;
const BAR_WIDTH = 20;

export interface Progress {
  /** Clear the status line (TTY) so the report starts on a clean line. */
  stop(): void;
}

/**
 * Live progress on stderr, drawn on the run's tick events: on a TTY one status line redrawn in place
 * (elapsed / total, time left, users, in flight, requests done, requests/s and output tokens/s over the
 * engine's sliding window, TTFT p50 and p95 of the recent requests, errors, a bar); off a TTY a plain
 * line every 10 s, so logs stay readable.
 */
/** How often the progress line is drawn on this stream (the run's tick interval). */
export function progressEveryMs(stream: OutStream): number {
  return stream.isTTY === true ? TTY_EVERY_MS : PLAIN_EVERY_MS;
}

/** The progress line, drawn on demand from the engine's live figures. */
export function createProgressLine(stream: OutStream, style: ChalkInstance): Progress & { draw(live: LiveStats): void } {
  const tty = stream.isTTY === true;
  return {
    draw: (live) => {
      const line = renderProgressLine(live, tty ? style : null, tty ? (stream.columns ?? 120) : null);
      stream.write(tty ? `\r\x1b[2K${line}` : `${line}\n`);
    },
    stop: () => {
      if (tty) stream.write('\r\x1b[2K');
    },
  };
}

/** One progress line. `style` null: plain text; `columns` null: no width limit and no bar. */
export function renderProgressLine(live: LiveStats, style: ChalkInstance | null, columns: number | null): string {
  const elapsedS = Math.min(live.elapsedMs, live.totalMs) / 1000;
  const totalS = live.totalMs / 1000;
  const sorted = [...live.recentTtftMs].sort((a, b) => a - b);
  const ttftP50 = percentileOfSorted(sorted, 50);
  const ttftP95 = percentileOfSorted(sorted, 95);
  const windowS = live.windowMs / 1000;
  const rps = windowS > 0 ? live.windowFinished / windowS : 0;
  const tokensPerS = windowS > 0 ? live.windowOutputTokens / windowS : 0;
  const errors = live.failed === 0 ? '0' : style === null ? String(live.failed) : style.red(String(live.failed));
  const ms = (v: number | null): string => (v === null ? '-' : `${Math.round(v)} ms`);
  const parts = [
    `${formatSeconds(elapsedS)}/${formatSeconds(totalS)}`,
    `left ${formatSeconds(Math.max(0, totalS - elapsedS))}`,
    `users ${live.users}`,
    `in flight ${live.inFlight}`,
    `done ${live.finished}`,
    `rps ${rps.toFixed(1)}`,
    `tok/s ${tokensPerS.toFixed(0)}`,
    `ttft p50 ${ms(ttftP50)} p95 ${ms(ttftP95)}`,
    `errors ${errors}`,
  ];
  if (live.stopping !== null) parts.push(live.stopping === 'interrupted' ? 'stopping (Ctrl-C again quits)' : 'finishing in-flight requests');
  const text = parts.join('  ');
  if (columns === null) return text;
  const fraction = live.totalMs <= 0 ? 1 : Math.min(1, live.elapsedMs / live.totalMs);
  const filled = Math.round(fraction * BAR_WIDTH);
  const bar = `[${'='.repeat(filled)}${' '.repeat(BAR_WIDTH - filled)}]`;
  const line = `${style === null ? bar : style.cyan(bar)} ${text}`;
  // Keep it on one line: a wrapped status line cannot be redrawn in place.
  return columns > 0 && visibleLength(line) > columns - 1 ? text.slice(0, Math.max(0, columns - 1)) : line;
}

function formatSeconds(seconds: number): string {
  if (seconds < 60) return `${Math.floor(seconds)}s`;
  const m = Math.floor(seconds / 60);
  const s = Math.floor(seconds % 60);
  return `${m}m${String(s).padStart(2, '0')}s`;
}

function visibleLength(text: string): number {
  // eslint-disable-next-line no-control-regex -- strips the colour escapes chalk adds
  return text.replace(/\x1b\[[0-9;]*m/g, '').length;
}
