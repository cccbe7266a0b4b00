import type { BurstRound, BurstStat, Summary } from '../model/summary.js';
import { formatMs, formatPercentage } from '../text/format.js';
import { renderTable, type PageSection } from './html/blocks.js';
import { esc } from './html/escape.js';

/**
 * A burst run's figures (summary.json `burst`) in the files beside it: the HTML section, the CSV rows and
 * the Prometheus series. One module so the three say the same thing; renderers return strings or rows.
 */

const STATS = ['min', 'max', 'mean', 'median', 'stddev', 'p90', 'p99'] as const;

/** Each round with its label (`1`, `2`...), then `all`: every round together (left out of one round when `always` is false). */
function labelledRounds(summary: Summary, always = false): Array<[string, BurstRound]> {
  const burst = summary.burst;
  if (burst === undefined) return [];
  const rounds = burst.perRound.map((round, i): [string, BurstRound] => [`${i + 1}`, round]);
  return always || burst.perRound.length > 1 ? [...rounds, ['all', burst.total]] : rounds;
}

/** report.html's "Burst" section; null for other runs. */
export function buildBurstSection(summary: Summary): PageSection | null {
  const burst = summary.burst;
  if (burst === undefined) return null;
  const cell = (stat: BurstStat | null, key: (typeof STATS)[number]): string => (stat === null ? '–' : formatMs(stat[key]));
  const rows = labelledRounds(summary).flatMap(([label, round]) =>
    (['e2eMs', 'ttftMs'] as const).map((metric) => [
      label === 'all' ? 'all rounds' : `round ${label}`,
      metric === 'e2eMs' ? 'E2E' : 'TTFT',
      `${round.succeeded}/${round.requests}`,
      formatPercentage(round.successRate * 100),
      ...STATS.map((key) => cell(round[metric], key)),
    ]),
  );
  const columns = [{ head: 'round' }, { head: 'metric' }, { head: 'ok', numeric: true }, { head: 'success', numeric: true }, ...STATS.map((head) => ({ head, numeric: true }))];
  const lead = `${burst.users} requests at once${burst.rounds > 1 ? `, ${burst.rounds} rounds ${burst.pauseS} s apart` : ''}.`;
  return {
    id: 'burst',
    title: 'Burst',
    body: `<p data-key="burst">${esc(lead)}</p>${renderTable(columns, rows)}<p class="note">Latencies of the successful requests (stddev: population; p90/p99: nearest rank).</p>`,
  };
}

/** report.csv rows of a burst: `row` burst, `metric` e.g. `round_1_e2e_ms` or `all_success_rate`, the value in `value`. */
export function burstCsvRows(summary: Summary): Array<{ row: 'burst'; metric: string; value: number; count?: number }> {
  const rows: Array<{ row: 'burst'; metric: string; value: number; count?: number }> = [];
  for (const [label, round] of labelledRounds(summary)) {
    const prefix = label === 'all' ? 'all' : `round_${label}`;
    rows.push({ row: 'burst', metric: `${prefix}_requests`, value: round.requests });
    rows.push({ row: 'burst', metric: `${prefix}_succeeded`, value: round.succeeded });
    rows.push({ row: 'burst', metric: `${prefix}_success_rate`, value: round.successRate });
    for (const metric of ['e2eMs', 'ttftMs'] as const) {
      const stat = round[metric];
      if (stat === null) continue;
      for (const key of STATS) rows.push({ row: 'burst', metric: `${prefix}_${metric === 'e2eMs' ? 'e2e' : 'ttft'}_${key}_ms`, value: stat[key], count: stat.count });
    }
  }
  return rows;
}

/** metrics.prom lines of a burst (gauges labelled by round, `all` for every round together); [] for other runs. */
export function burstPromLines(summary: Summary): string[] {
  if (summary.burst === undefined) return [];
  // Every file has the `all` series, so a dashboard reads one name whatever the rounds.
  const rounds = labelledRounds(summary, true);
  const out = [
    '# HELP llm_loadtest_burst_success_ratio Burst: succeeded / requests, per round and over all rounds (round="all").',
    '# TYPE llm_loadtest_burst_success_ratio gauge',
    ...rounds.map(([round, figures]) => `llm_loadtest_burst_success_ratio{round="${round}"} ${figures.successRate}`),
  ];
  for (const [metric, name] of [
    ['e2eMs', 'llm_loadtest_burst_e2e_seconds'],
    ['ttftMs', 'llm_loadtest_burst_ttft_seconds'],
  ] as const) {
    out.push(`# HELP ${name} Burst: ${metric === 'e2eMs' ? 'end-to-end latency' : 'time to first token'} of the successful requests, by round and statistic.`, `# TYPE ${name} gauge`);
    for (const [round, figures] of rounds) {
      const stat = figures[metric];
      if (stat === null) continue;
      for (const key of STATS) out.push(`${name}{round="${round}",stat="${key}"} ${stat[key] / 1000}`);
    }
  }
  return out;
}
