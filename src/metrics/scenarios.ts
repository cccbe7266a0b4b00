/**
 * Per-scenario results of a run with scenarios (docs/profiles.md "Report"), from the run's records: every
 * measured request belongs to exactly one scenario, so the scenarios' counts sum to the run's totals.
 */
import type { SloCheck } from '../model/plan.js';
import type { RequestRecord, ScenarioResult } from '../model/summary.js';
import { round3 } from './math.js';
import { meetsSlo } from './recorder.js';
import { percentilesOf } from './steps.js';

export interface ScenariosContext {
  /** The scenarios in the profile's order, with their weights. */
  scenarios: ReadonlyArray<{ name: string; weight: number }>;
  measuredSeconds: number;
  slo: readonly SloCheck[];
}

export function summarizeScenarios(records: readonly RequestRecord[], context: ScenariosContext): ScenarioResult[] {
  const slo = context.slo.filter((check) => check.metric !== 'chunk_gap');
  const byName = new Map<string, RequestRecord[]>(context.scenarios.map((scenario) => [scenario.name, []]));
  for (const record of records) {
    if (record.phase !== 'measure' || record.scenario === null) continue;
    byName.get(record.scenario)?.push(record);
  }
  const totalWeight = context.scenarios.reduce((sum, scenario) => sum + scenario.weight, 0);
  const conversationsOf = (list: readonly RequestRecord[]): number => list.filter((record) => record.turn === 1).length;
  const allConversations = [...byName.values()].reduce((sum, list) => sum + conversationsOf(list), 0);
  const windowS = context.measuredSeconds > 0 ? context.measuredSeconds : Number.NaN;
  const perSecond = (n: number): number => (Number.isFinite(windowS) ? round3(n / windowS) : 0);
  return context.scenarios.map((scenario) => {
    const list = byName.get(scenario.name) ?? [];
    const ok = list.filter((record) => record.ok);
    const incomplete = list.filter((record) => record.errorCategory === 'incomplete').length;
    const errors: Record<string, number> = {};
    for (const record of list) {
      if (record.ok || record.errorCategory === 'incomplete') continue;
      const category = record.errorCategory ?? 'unknown';
      errors[category] = (errors[category] ?? 0) + 1;
    }
    const conversations = conversationsOf(list);
    const output = ok.reduce((sum, record) => sum + (record.outputTokens ?? 0), 0);
    return {
      scenario: scenario.name,
      weightShare: totalWeight > 0 ? round3(scenario.weight / totalWeight) : 0,
      conversations,
      conversationShare: allConversations === 0 ? null : round3(conversations / allConversations),
      requests: { ok: ok.length, failed: list.length - ok.length - incomplete, incomplete },
      rps: perSecond(ok.length),
      outputTokensPerSecond: perSecond(output),
      meanInputTokens: meanOf(ok.map((record) => record.inputTokens)),
      meanOutputTokens: meanOf(ok.map((record) => record.outputTokens)),
      ttft: percentilesOf(ok.map((record) => record.ttftMs)),
      itl: percentilesOf(ok.map((record) => record.itlMs)),
      e2e: percentilesOf(ok.map((record) => record.e2eMs)),
      errors,
      goodput: slo.length === 0 ? null : perSecond(ok.filter((record) => meetsSlo(slo, record, 0)).length),
    };
  });
}

function meanOf(values: ReadonlyArray<number | null>): number | null {
  let sum = 0;
  let count = 0;
  for (const value of values) {
    if (value === null) continue;
    sum += value;
    count += 1;
  }
  return count === 0 ? null : round3(sum / count);
}
