import { basename } from 'node:path';
import { AppError } from '../failures/errors.js';
import { recordsSpan, summarizeRecords } from '../metrics/from-records.js';
import { parseSlo } from '../metrics/slo.js';
import type { SloCheck } from '../model/plan.js';
import type { GeneratorVerdict, MergedHost, RequestRecord, RunStop, Summary } from '../model/summary.js';
import { scenariosOfRun, type RunOnDisk } from './load-run.js';
import { stepsOfRun } from '../metrics/steps.js';

/** A record of a merged run: the host it came from is kept (results.jsonl of the merged folder). */
export type MergedRecord = RequestRecord & { host: string };

export interface MergedRun {
  summary: Summary;
  /** Every record of every host, in wall-clock order of their start, users renumbered apart per host. */
  records: MergedRecord[];
}

const RANK: Record<GeneratorVerdict, number> = { ok: 0, degraded: 1, invalid: 2 };

/**
 * Several hosts' runs of one target as one run (docs/cli.md "Merging runs from several hosts"): every record together, so
 * percentiles come from all of them at once (never averaged per host); times are the records' own wall
 * clock; each host's generator verdict is kept in `hosts`, and the merged one is the worst of them.
 */
export function mergeRuns(runs: readonly RunOnDisk[]): MergedRun {
  if (runs.length < 2) throw notMergeable('merge needs at least two runs', 'give two or more run folders, e.g. llm-loadtest merge host-a/run host-b/run --out merged');
  const seen = new Set<string>();
  const parts = runs.map((run) => {
    if (seen.has(run.dir)) throw notMergeable(`${run.dir} is given twice`, 'give each host\'s run folder once');
    seen.add(run.dir);
    if (run.summary === null || run.records === null) {
      throw notMergeable(`${run.dir} has no ${run.summary === null ? 'summary.json' : 'results.jsonl'}`, 'merge reads each run\'s results.jsonl and summary.json (its target and generator verdict): give finished run folders');
    }
    return { run, summary: run.summary, records: run.records };
  });
  const first = parts[0];
  if (first === undefined) throw notMergeable('merge needs at least two runs', 'give two or more run folders');
  for (const part of parts.slice(1)) {
    for (const key of ['url', 'apiType', 'model'] as const) {
      if (part.summary.target[key] !== first.summary.target[key]) {
        throw notMergeable(
          `${part.run.dir} tested ${key} ${part.summary.target[key]}, but ${first.run.dir} tested ${first.summary.target[key]}: merged figures would mix two targets`,
          'merge runs of the same target and model; compare different ones with `llm-loadtest compare`',
        );
      }
    }
  }

  const labels = uniqueLabels(parts.map((part) => basename(part.run.dir)));
  const records: MergedRecord[] = [];
  let userOffset = 0;
  parts.forEach((part, i) => {
    let maxUser = -1;
    for (const record of part.records) {
      records.push({ ...record, user: record.user + userOffset, host: labels[i] ?? '' });
      if (record.user > maxUser) maxUser = record.user;
    }
    // Each host's users are its own: numbered apart so the user count adds up.
    userOffset += maxUser + 1;
  });
  records.sort((a, b) => Date.parse(a.ts) - Date.parse(b.ts));
  const span = recordsSpan(records);
  if (!span.fits) throw notMergeable('the runs lie days apart by their clocks: they are not one test', 'merge runs that ran at the same time (with clocks in sync)');

  const hosts: MergedHost[] = parts.map((part, i) => {
    const firstMs = recordsSpan(part.records).firstMs;
    return {
      label: labels[i] ?? '',
      dir: part.run.dir,
      startedAt: part.summary.startedAt,
      endedAt: part.summary.endedAt,
      offsetS: Math.round(firstMs - span.firstMs) / 1000,
      requests: { total: part.summary.requests.total, ok: part.summary.requests.ok, failed: part.summary.requests.failed },
      generator: { verdict: part.summary.generator.verdict, reasons: [...part.summary.generator.reasons] },
    };
  });
  const worst = hosts.reduce((a, b) => (RANK[b.generator.verdict] > RANK[a.generator.verdict] ? b : a));
  const generators = parts.map((part) => part.summary.generator);
  const sumOrNull = (values: ReadonlyArray<number | null | undefined>): number | null =>
    values.every((value) => typeof value === 'number') ? (values as number[]).reduce((a, b) => a + b, 0) : null;
  const configs = parts.map((part) => part.summary.config);
  const slo = first.summary.config.slo ?? [];
  const users = sumOrNull(configs.map((config) => config.concurrentUsers));
  const sloChecks = slo.length === 0 ? [] : parseSlo(slo.join(','));
  const summary = summarizeRecords(records, {
    target: first.summary.target,
    config: {
      ...first.summary.config,
      name: `merged: ${labels.join(' + ')}`,
      ...(users === null ? {} : { concurrentUsers: users }),
      rate: sumOrNull(configs.map((config) => config.rate)),
      maxRequests: sumOrNull(configs.map((config) => config.maxRequests)),
    },
    successThreshold: first.summary.config.successThreshold ?? 0.9,
    slo: sloChecks,
    generator: {
      eventLoopDelayP99Ms: maxOrNull(generators.map((g) => g.eventLoopDelayP99Ms)),
      maxMs: maxOrNull(generators.map((g) => g.maxMs)),
      cpuPct: maxOrNull(generators.map((g) => g.cpuPct)),
      openFileLimit: minOrNull(generators.map((g) => g.openFileLimit)),
      generatorErrors: generators.reduce((n, g) => n + g.generatorErrors, 0),
      verdict: worst.generator.verdict,
      reasons: hosts.flatMap((host) => host.generator.reasons.map((reason) => `${host.label}: ${reason}`)),
    },
    ...(first.summary.precheck === undefined ? {} : { precheck: first.summary.precheck }),
    ...latestStop(parts.map((part) => part.summary.stop), span.firstMs),
    notes: [
      `merged from ${hosts.length} runs, time-aligned by their wall clocks (keep the hosts' clocks in sync, e.g. NTP): ${hosts.map((host) => `${host.label} +${host.offsetS.toFixed(3)} s, generator ${host.generator.verdict}`).join('; ')}`,
    ],
  });
  const steps = mergedSteps(summary, first.summary, records, parts, sloChecks);
  const scenarios = scenariosOfRun(summary, first.summary, records, sloChecks);
  return {
    summary: {
      ...summary,
      ...(steps === undefined ? {} : { steps }),
      ...(scenarios === undefined ? {} : { scenarios }),
      hosts,
    },
    records,
  };
}

/**
 * A stepped (or staged) merge's per-step figures over every host's records, with each step's users the sum
 * of the hosts' users in it. The merged window is timed by the first host's plan (the hosts ran one plan).
 */
function mergedSteps(
  summary: Summary,
  plan: Summary,
  records: readonly RequestRecord[],
  parts: ReadonlyArray<{ summary: Summary; records: readonly RequestRecord[] }>,
  slo: readonly SloCheck[],
): Summary['steps'] {
  // The windows are the plan's (one host's users); the users each step says are summed below.
  const steps = stepsOfRun({ ...summary, config: plan.config }, records, slo);
  if (steps === undefined) return undefined;
  const perHost = parts.map((part) => stepsOfRun(part.summary, part.records, slo));
  return steps.map((step, index) => ({ ...step, users: perHost.reduce((sum, host) => sum + (host?.[index]?.users ?? 0), 0) }));
}

/** The stop of the host that stopped last ends the merged window; none when any host lacks one. */
function latestStop(stops: ReadonlyArray<RunStop | undefined>, runStartMs: number): { stop?: RunStop } {
  let latest: RunStop | null = null;
  for (const stop of stops) {
    if (stop === undefined) return {};
    if (stop.reason === 'interrupted') return { stop: { ...stop, atS: stop.at === null ? null : (Date.parse(stop.at) - runStartMs) / 1000 } };
    if (latest === null || (stop.at ?? '') > (latest.at ?? '')) latest = stop;
  }
  if (latest === null) return {};
  return { stop: { ...latest, atS: latest.at === null ? null : (Date.parse(latest.at) - runStartMs) / 1000 } };
}

function uniqueLabels(names: readonly string[]): string[] {
  const counts = new Map<string, number>();
  return names.map((name) => {
    const n = (counts.get(name) ?? 0) + 1;
    counts.set(name, n);
    return n === 1 ? name : `${name}#${n}`;
  });
}

function maxOrNull(values: ReadonlyArray<number | null | undefined>): number | null {
  const known = values.filter((value): value is number => typeof value === 'number');
  return known.length === 0 ? null : Math.max(...known);
}

function minOrNull(values: ReadonlyArray<number | null | undefined>): number | null {
  const known = values.filter((value): value is number => typeof value === 'number');
  return known.length === 0 ? null : Math.min(...known);
}

function notMergeable(message: string, hint: string): AppError {
  return new AppError('RUNS_NOT_MERGEABLE', message, { category: 'input', hint });
}
