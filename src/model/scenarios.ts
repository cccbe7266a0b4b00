/**
 * A workload beyond one body sent again and again (docs/profiles.md): weighted scenarios of conversations
 * that grow turn by turn, with think time between turns, and a list of stages that drive users or a rate.
 * Plain data (structured-clone safe): worker threads get it as it is.
 */

/** The pause a user takes between the turns of a conversation. */
export type ThinkTime =
  | { kind: 'fixed'; ms: number }
  | { kind: 'uniform'; minMs: number; maxMs: number }
  | { kind: 'exponential'; meanMs: number };

/** A chat message as the conversation keeps it (the adapter writes it in its API's shape). */
export interface ChatMessage {
  role: string;
  content: unknown;
}

/**
 * One conversation's script: its opening (a prompt or a whole message list) and the user turns that
 * follow it. The assistant's turns are never scripted: the server's actual replies are appended.
 */
export interface ConversationScript {
  /** The same shapes as a test-data item (protocol's PromptItem). */
  first: { prompt: string; system?: string } | { messages: ChatMessage[] };
  /** The user's next turns, in order. */
  next: string[];
}

export interface Scenario {
  name: string;
  /** Positive; the share of conversations is weight / sum of weights. */
  weight: number;
  /**
   * The conversations to play, at least one: a dataset's, a pool of prompts (one each), scripted turns or
   * sized synthetic prompts (docs/profiles.md "Content"), all made scripts before the run.
   */
  scripts: ConversationScript[];
  /**
   * Turns per conversation: null means as many as the script has (1 for a single prompt); a number
   * repeats the script's last user turn (or a generic follow-up) when the script is shorter.
   */
  turns: number | null;
  /** null: the target's own stream setting. */
  stream: boolean | null;
  /** Output tokens asked for per request (the API's max_tokens field); null: the body's. */
  maxOutputTokens: number | null;
  thinkTime: ThinkTime | null;
}

/** One stage of a staged run: users (closed loop) or a rate (open loop), for a duration. */
export interface Stage {
  users: number | null;
  rate: number | null;
  durationS: number;
}

export type DataOrder = 'round-robin' | 'random';

/** The resolved workload a load thread runs (files read, weights checked). */
export interface ScenarioSet {
  scenarios: Scenario[];
  order: DataOrder;
  seed: number;
  /** Characters of an assistant reply kept in a conversation's history (the rest is cut off). */
  replyCapChars: number;
}

/** The default cap on a reply kept in a conversation: real chat replies rarely pass it. */
export const DEFAULT_REPLY_CAP_CHARS = 16_384;

/** Whether a workload's users must capture the reply text (only conversations of 2 turns or more do). */
export function keepsReplies(workload: ScenarioSet): boolean {
  return workload.scenarios.some((scenario) => maxTurnsOf(scenario) > 1);
}

/** The most turns a conversation of this scenario can have. */
export function maxTurnsOf(scenario: Scenario): number {
  if (scenario.turns !== null) return scenario.turns;
  let most = 0;
  for (const script of scenario.scripts) most = Math.max(most, script.next.length);
  return 1 + most;
}

/** Where a profile scenario's content comes from, before files are read (docs/profiles.md "Content"). */
export type ScenarioContentPlan =
  /** The run's own content: `--test-data`, else the body. */
  | { kind: 'default' }
  | { kind: 'prompts'; prompts: string[] }
  /** A dataset file (absolute path): prompts, message lists or ShareGPT conversations. */
  | { kind: 'dataset'; path: string }
  /** The user's turns of one conversation, in order. */
  | { kind: 'script'; turns: string[] }
  /** Synthetic prompts of `inputTokens` (± stddev) and follow-up turns of `followUpTokens`. */
  | { kind: 'sized'; inputTokens: number; stddev: number; followUpTokens: number };

/** A scenario as the plan holds it (docs/profiles.md); Scenario once its content is read. */
export interface ScenarioPlan extends Omit<Scenario, 'scripts'> {
  content: ScenarioContentPlan;
}

/**
 * The workload part of a plan: `--turns`, `--think-time`, `--data-order`, `--seed`, or a `--profile`
 * (its scenarios; its stages are the load's). Null in the plan when none of them was given.
 */
export interface ScenariosPlan {
  turns: number | null;
  thinkTime: ThinkTime | null;
  order: DataOrder;
  seed: number;
  /** The profile file (absolute path) and its scenarios; null without --profile. */
  profile: { path: string; scenarios: ScenarioPlan[] } | null;
}

/** The default seed of scenario picks, random data order and think times: runs repeat unless told otherwise. */
export const DEFAULT_WORKLOAD_SEED = 1;
