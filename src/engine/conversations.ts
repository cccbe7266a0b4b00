import type { RequestRecord } from '../model/record.js';
import { maxTurnsOf, type ChatMessage, type ConversationScript, type Scenario, type ThinkTime, type ScenarioSet } from '../model/scenarios.js';
import type { ProtocolAdapter } from '../protocol/types.js';
import { createRandom } from '../random.js';
import { buildMessagesTemplate, serializeMessage, spliceMessages, templateFits, type MessagesTemplate } from './messages-template.js';
import type { Partition } from './partition.js';

/** The user turn sent when a conversation runs longer than its script. */
export const FOLLOW_UP_TEXT = 'Please go on.';

/** One user's conversation: its script, where it is, and what was said so far (dropped when it ends). */
export class ConversationState {
  constructor(
    readonly scenario: number,
    readonly id: number,
    readonly scriptIndex: number,
    readonly script: ConversationScript,
    readonly turns: number,
  ) {}
  turn = 1;
  /** The messages sent so far; null for a one-turn conversation (nothing to remember), or when `sent` keeps them. */
  history: ChatMessage[] | null = null;
  /** The messages sent so far, serialised (the scenario's body has a messages template); null otherwise. */
  sent: Buffer[] | null = null;
}

/** What a user sends next and under which names (the record and the request id use them). */
export interface ConversationSlot {
  /** Set by the source: the conversation the user is in, null before its first request. */
  conversationState: ConversationState | null;
  stream: boolean;
  scenario: string | null;
  /** The conversation's number (unique in the run) and turn, as the request id says them; -1: none. */
  conversation: number;
  turn: number;
}

interface PreparedScenario {
  scenario: Scenario;
  /** The target's body for this scenario: its stream setting and output tokens applied. */
  body: Record<string, unknown>;
  stream: boolean;
  maxTurns: number;
  /** Bodies of first turns, made once per script (a single-shot scenario then sends ready bytes). */
  firstBodies: Array<Buffer | undefined>;
  /** The body cut around its messages (later turns spliced from bytes); null: built with applyPrompt. */
  template: MessagesTemplate | null;
  /** With a template: each script's opening messages serialised, made once per script. */
  openings: Array<Buffer[] | undefined>;
  /** Round robin over the scripts: threads interleave (thread k takes k, k + count, ...). */
  cursor: number;
}

/**
 * The bodies of a workload of conversations: each user keeps one conversation at a time, picked by the
 * scenarios' weights (seeded), and grows it turn by turn with the assistant's actual reply and the next
 * user turn. Single-shot scenarios send prepared bytes; only conversations past their first turn build a
 * body per request.
 */
export class ConversationSource {
  private readonly workload: ScenarioSet;
  private readonly adapter: ProtocolAdapter;
  private readonly prepared: PreparedScenario[];
  private readonly cumulativeWeights: number[];
  private readonly totalWeight: number;
  private readonly random: () => number;
  private readonly stride: number;
  private readonly newConversation: () => number;

  constructor(
    workload: ScenarioSet,
    adapter: ProtocolAdapter,
    partition: Partition,
    prepareBody: (scenario: Scenario) => { body: Record<string, unknown>; stream: boolean },
    newConversation: () => number,
  ) {
    this.newConversation = newConversation;
    this.workload = workload;
    this.adapter = adapter;
    this.stride = partition.count;
    // Each thread its own stream of the same seed: runs with the same seed and threads repeat exactly.
    this.random = createRandom((workload.seed + Math.imul(partition.index, 0x9e3779b1)) >>> 0);
    let sum = 0;
    this.cumulativeWeights = workload.scenarios.map((scenario) => (sum += scenario.weight));
    this.totalWeight = sum;
    this.prepared = workload.scenarios.map((scenario) => {
      const { body, stream } = prepareBody(scenario);
      const maxTurns = maxTurnsOf(scenario);
      return {
        scenario,
        body,
        stream,
        maxTurns,
        firstBodies: new Array<Buffer | undefined>(scenario.scripts.length),
        template: maxTurns > 1 ? buildMessagesTemplate(adapter, body) : null,
        openings: new Array<Buffer[] | undefined>(scenario.scripts.length),
        cursor: partition.index,
      };
    });
  }

  /** The body of `user`'s next request; sets its scenario, conversation, turn and stream. */
  next(user: ConversationSlot): Buffer {
    let state = user.conversationState;
    if (state === null) {
      state = this.startConversation();
      user.conversationState = state;
    }
    const prepared = this.prepared[state.scenario] as PreparedScenario;
    user.stream = prepared.stream;
    user.scenario = prepared.scenario.name;
    user.conversation = state.id;
    user.turn = state.turn;
    if (state.turn === 1) {
      if (state.turns > 1) this.openHistory(prepared, state);
      return this.firstBody(prepared, state);
    }
    if (state.sent !== null) return spliceMessages(prepared.template as MessagesTemplate, state.sent);
    const history = state.history as ChatMessage[];
    return Buffer.from(JSON.stringify(this.adapter.applyPrompt(prepared.body, { messages: history })));
  }

  /** The history a conversation of several turns starts with: serialised messages where the template fits. */
  private openHistory(prepared: PreparedScenario, state: ConversationState): void {
    const template = prepared.template;
    const cached = prepared.openings[state.scriptIndex];
    if (cached !== undefined) {
      state.sent = [...cached];
      return;
    }
    const opening = openingMessages(state.script);
    if (template === null || !templateFits(template, opening)) {
      state.history = opening;
      return;
    }
    const serialized = opening.map(serializeMessage);
    prepared.openings[state.scriptIndex] = serialized;
    state.sent = [...serialized];
  }

  /**
   * The request is over: a successful turn with turns to go appends the reply and the next user turn,
   * anything else ends the conversation. Returns the think time before the next turn (ms), or 0.
   */
  afterReply(user: ConversationSlot, record: RequestRecord, replyText: string | null): number {
    const state = user.conversationState;
    if (state === null) return 0;
    if (!record.ok || state.turn >= state.turns || (state.history === null && state.sent === null)) {
      user.conversationState = null;
      user.conversation = -1;
      user.turn = 1;
      return 0;
    }
    const reply = replyText ?? '';
    const assistant: ChatMessage = { role: 'assistant', content: reply.length > this.workload.replyCapChars ? reply.slice(0, this.workload.replyCapChars) : reply };
    const next: ChatMessage = { role: 'user', content: state.script.next[state.turn - 1] ?? state.script.next[state.script.next.length - 1] ?? FOLLOW_UP_TEXT };
    if (state.sent !== null) state.sent.push(serializeMessage(assistant), serializeMessage(next));
    else state.history?.push(assistant, next);
    state.turn += 1;
    const think = (this.prepared[state.scenario] as PreparedScenario).scenario.thinkTime;
    return think === null ? 0 : sampleThinkMs(think, this.random);
  }

  private startConversation(): ConversationState {
    const index = this.pickScenario();
    const prepared = this.prepared[index] as PreparedScenario;
    const scripts = prepared.scenario.scripts;
    const count = scripts.length;
    let scriptIndex: number;
    if (this.workload.order === 'random') scriptIndex = Math.floor(this.random() * count);
    else {
      scriptIndex = prepared.cursor % count;
      prepared.cursor += this.stride;
    }
    const script = scripts[scriptIndex] as ConversationScript;
    const turns = prepared.scenario.turns ?? 1 + script.next.length;
    return new ConversationState(index, this.newConversation(), scriptIndex, script, Math.min(turns, prepared.maxTurns));
  }

  private firstBody(prepared: PreparedScenario, state: ConversationState): Buffer {
    const scriptIndex = state.scriptIndex;
    let body = prepared.firstBodies[scriptIndex];
    if (body === undefined) {
      body = Buffer.from(JSON.stringify(this.adapter.applyPrompt(prepared.body, state.script.first)));
      prepared.firstBodies[scriptIndex] = body;
    }
    return body;
  }

  private pickScenario(): number {
    const weights = this.cumulativeWeights;
    if (weights.length === 1) return 0;
    const x = this.random() * this.totalWeight;
    for (let i = 0; i < weights.length; i += 1) if (x < (weights[i] as number)) return i;
    return weights.length - 1;
  }
}

/** The messages of a conversation's opening turn, as its history starts. */
export function openingMessages(script: ConversationScript): ChatMessage[] {
  const first = script.first;
  if ('messages' in first) return first.messages.map((message) => ({ role: message.role, content: message.content }));
  const messages: ChatMessage[] = [];
  if (first.system !== undefined) messages.push({ role: 'system', content: first.system });
  messages.push({ role: 'user', content: first.prompt });
  return messages;
}

/** A think time drawn from its distribution, in ms. */
export function sampleThinkMs(think: ThinkTime, random: () => number): number {
  switch (think.kind) {
    case 'fixed':
      return think.ms;
    case 'uniform':
      return think.minMs + random() * (think.maxMs - think.minMs);
    case 'exponential':
      // 1 - u is in (0, 1], so the log is finite.
      return -Math.log(1 - random()) * think.meanMs;
  }
}
