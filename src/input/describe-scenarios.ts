import type { LoadOptions } from '../model/plan.js';
import type { ScenarioPlan, Stage } from '../model/scenarios.js';
import { describeThinkTime } from './think-time.js';

/** The plan's scenarios in words (dry run, plan line): "chat 30% 4 turns think 1–3 s uniform, …"; null without. */
export function describeScenarios(load: Pick<LoadOptions, 'scenarios'>): string | null {
  const plan = load.scenarios ?? null;
  if (plan === null) return null;
  const order = `${plan.order}${plan.order === 'random' ? `, seed ${plan.seed}` : ''}`;
  if (plan.profile === null) {
    const turns = plan.turns === null ? 'the data\'s turns' : `${plan.turns} turn${plan.turns === 1 ? '' : 's'}`;
    return `conversations of ${turns}${plan.thinkTime === null ? '' : `, think ${describeThinkTime(plan.thinkTime)}`}; data ${order}`;
  }
  const total = plan.profile.scenarios.reduce((sum, scenario) => sum + scenario.weight, 0);
  const parts = plan.profile.scenarios.map((scenario) => describeScenario(scenario, total));
  return `${parts.join('; ')} (profile ${plan.profile.path}; data ${order})`;
}

function describeScenario(scenario: ScenarioPlan, totalWeight: number): string {
  const share = `${Math.round((scenario.weight / totalWeight) * 1000) / 10}%`;
  const content = scenario.content;
  const source =
    content.kind === 'prompts'
      ? `${content.prompts.length} prompts`
      : content.kind === 'dataset'
        ? `dataset ${content.path}`
        : content.kind === 'script'
          ? 'scripted'
          : content.kind === 'sized'
            ? `sized ${content.inputTokens}${content.stddev > 0 ? `±${content.stddev}` : ''} tokens`
            : 'the run\'s content';
  const extras = [
    scenario.turns === null ? null : `${scenario.turns} turn${scenario.turns === 1 ? '' : 's'}`,
    scenario.thinkTime === null ? null : `think ${describeThinkTime(scenario.thinkTime)}`,
    scenario.stream === null ? null : scenario.stream ? 'streamed' : 'not streamed',
    scenario.maxOutputTokens === null ? null : `≤${scenario.maxOutputTokens} output tokens`,
  ].filter((part) => part !== null);
  return `${scenario.name} ${share} ${source}${extras.length === 0 ? '' : `, ${extras.join(', ')}`}`;
}

/** The stages in words: "10 users 60 s → 25 users 120 s" or "@5/s 30 s → @10/s 30 s"; null without. */
export function describeStages(stages: readonly Stage[] | null | undefined): string | null {
  if (stages === null || stages === undefined || stages.length === 0) return null;
  return stages.map((stage) => `${stage.rate === null ? `${stage.users ?? 0} users` : `@${stage.rate}/s`} ${stage.durationS} s`).join(' → ');
}
