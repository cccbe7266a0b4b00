import { readFile } from 'node:fs/promises';
import { inputError } from '../failures/errors.js';
import { parseConversations, loadConversations } from '../engine/prompts.js';
import type { LoadOptions, TargetSpec } from '../model/plan.js';
import { DEFAULT_REPLY_CAP_CHARS, type ConversationScript, type Scenario, type ScenarioPlan, type ScenarioSet } from '../model/scenarios.js';
import { createRandom } from '../random.js';
import { sizedPrompt } from '../protocol/sized-prompt.js';
import { encodingForModel } from '../protocol/tokens.js';

/** Distinct conversations made for a sized scenario: enough that no two users send the same prompt in a row. */
const SIZED_SCRIPTS = 64;

/**
 * The plan's scenarios with their content read: datasets loaded, pools and scripts made conversations,
 * sized prompts generated (exact to the token in the model's encoding). Null when the plan has none.
 */
export async function resolveScenarioSet(load: LoadOptions, target: TargetSpec, cwd: string): Promise<ScenarioSet | null> {
  const plan = load.scenarios ?? null;
  if (plan === null) return null;
  let defaults: ConversationScript[] | null = null;
  const runContent = async (): Promise<ConversationScript[]> => (defaults ??= (await loadConversations(load.testData, cwd)) ?? [bodyScript(target)]);
  const scenarios: Scenario[] = [];
  if (plan.profile === null) {
    scenarios.push({ name: 'default', weight: 1, scripts: await runContent(), turns: plan.turns, stream: null, maxOutputTokens: null, thinkTime: plan.thinkTime });
  } else {
    for (const [index, scenario] of plan.profile.scenarios.entries()) {
      const { name, weight, turns, stream, maxOutputTokens, thinkTime } = scenario;
      scenarios.push({ name, weight, turns, stream, maxOutputTokens, thinkTime, scripts: await scriptsOf(scenario, index, runContent, target, plan.seed) });
    }
  }
  return { scenarios, order: plan.order, seed: plan.seed, replyCapChars: DEFAULT_REPLY_CAP_CHARS };
}

async function scriptsOf(
  scenario: ScenarioPlan,
  index: number,
  runContent: () => Promise<ConversationScript[]>,
  target: TargetSpec,
  seed: number,
): Promise<ConversationScript[]> {
  const content = scenario.content;
  switch (content.kind) {
    case 'default':
      return runContent();
    case 'prompts':
      return content.prompts.map((prompt) => ({ first: { prompt }, next: [] }));
    case 'script':
      return [{ first: { prompt: content.turns[0] as string }, next: content.turns.slice(1) }];
    case 'dataset': {
      let text: string;
      try {
        text = await readFile(content.path, 'utf8');
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code ?? 'read error';
        throw inputError('PROFILE_UNREADABLE', `--profile scenario ${scenario.name}: cannot read its dataset ${content.path} (${code})`, 'fix `dataset` in the profile: a path relative to the profile file, or absolute');
      }
      return parseConversations(text, `${content.path} (scenario ${scenario.name})`);
    }
    case 'sized': {
      const encoding = encodingForModel(target.model);
      const random = createRandom((seed ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0);
      const scripts: ConversationScript[] = [];
      for (let i = 0; i < SIZED_SCRIPTS; i += 1) {
        const tokens = Math.max(1, Math.round(content.inputTokens + content.stddev * gaussian(random)));
        const promptSeed = (seed + index * SIZED_SCRIPTS + i) >>> 0;
        const first = sizedPrompt(tokens, { encoding, seed: promptSeed });
        // A one-turn scenario (turns not given) has no follow-up to make.
        const next = (scenario.turns ?? 1) > 1 ? [sizedPrompt(content.followUpTokens, { encoding, seed: promptSeed ^ 0x5bd1e995 })] : [];
        scripts.push({ first: { prompt: first }, next });
      }
      return scripts;
    }
  }
}

/** Without test data, a conversation starts with the body's own messages (or prompt). */
function bodyScript(target: TargetSpec): ConversationScript {
  const messages = target.body['messages'];
  if (Array.isArray(messages) && messages.length > 0) {
    return { first: { messages: messages.map((m: { role?: unknown; content?: unknown }) => ({ role: String(m.role), content: m.content })) }, next: [] };
  }
  const prompt = target.body['prompt'];
  if (typeof prompt === 'string' && prompt !== '') return { first: { prompt }, next: [] };
  throw inputError('OPTION_INVALID', 'conversations need a prompt to start from, but the body has no messages or prompt', 'give --test-data with prompts or conversations, or a body with messages');
}

/** A standard normal draw (Box–Muller). */
function gaussian(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}
