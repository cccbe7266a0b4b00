import type { BurstRound, BurstStat, RequestRecord } from '../model/summary.js';
import { formatNumber, formatPct } from '../text/format.js';
import type { TextStyle } from '../text/style.js';

const seconds = (ms: number | null): string => (ms === null ? '—' : `${formatNumber(ms / 1000, 2, { grouping: false })} s`);

/**
 * One burst request as it completes: `user 39  ok  200  3.46 s  TTFT 0.41 s  512 tok`, or the failure's
 * category; `round 2` first when there are several rounds.
 */
export function renderBurstLine(round: number, rounds: number, record: RequestRecord, style: TextStyle): string {
  const who = `${rounds > 1 ? `round ${round}  ` : ''}user ${record.user}`;
  const status = record.status === null ? '—' : String(record.status);
  if (!record.ok) return `${who}  ${style.red('fail')}  ${status}  ${seconds(record.e2eMs)}  ${record.errorCategory ?? 'unknown'}\n`;
  const ttft = record.ttftMs === null ? '' : `  TTFT ${seconds(record.ttftMs)}`;
  const tokens = record.outputTokens === null ? '' : `  ${record.outputTokens} tok`;
  return `${who}  ${style.green('ok')}  ${status}  ${seconds(record.e2eMs)}${ttft}${tokens}\n`;
}

/** A round's (or all rounds') figures: the success rate, then E2E and TTFT min/max/mean/median/stddev/p90/p99. */
export function renderBurstStats(title: string, stats: BurstRound, style: TextStyle): string {
  const lines = [
    `${style.bold(title)}: ${stats.succeeded}/${stats.requests} succeeded (${formatPct(stats.successRate)})`,
    statLine('E2E ', stats.e2eMs),
    statLine('TTFT', stats.ttftMs),
  ];
  return `${lines.join('\n')}\n`;
}

function statLine(label: string, stat: BurstStat | null): string {
  if (stat === null) return `  ${label}  —`;
  const cells = (['min', 'max', 'mean', 'median', 'stddev', 'p90', 'p99'] as const).map((key) => `${key} ${seconds(stat[key])}`);
  return `  ${label}  ${cells.join('  ')}`;
}
