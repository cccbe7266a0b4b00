import type { ChatMessage } from '../model/scenarios.js';
import type { ProtocolAdapter } from '../protocol/types.js';

/**
 * A scenario's body cut around its messages list, so a conversation's later turns are spliced from bytes:
 * each message is serialised once, when it joins the history, instead of the whole history (a 4,000-token
 * opening prompt included) on every turn. Measured in bench/scenarios.bench.mjs: JSON.stringify of the
 * history was the largest single cost of a multi-turn profile on the engine's thread.
 *
 * Only where the adapter puts the messages into the body as given (OpenAI chat, Ollama chat): a probe with
 * marked messages finds them verbatim in the serialised body, or there is no template and the caller builds
 * each body with applyPrompt. An adapter that moves system messages elsewhere (Anthropic) still passes
 * user and assistant turns verbatim: then histories without a system message use the template.
 */
export interface MessagesTemplate {
  prefix: Buffer;
  suffix: Buffer;
  /** System messages stay in the list too (false: a history with one is built the slow way). */
  systemVerbatim: boolean;
}

const OPEN = Buffer.from('[');
const COMMA = Buffer.from(',');
const CLOSE = Buffer.from(']');

export function buildMessagesTemplate(adapter: ProtocolAdapter, body: Record<string, unknown>): MessagesTemplate | null {
  const withSystem: ChatMessage[] = [
    { role: 'system', content: '\u0001s' },
    { role: 'user', content: '\u0001u' },
    { role: 'assistant', content: '\u0001a' },
  ];
  return cut(adapter, body, withSystem, true) ?? cut(adapter, body, withSystem.slice(1), false);
}

function cut(adapter: ProtocolAdapter, body: Record<string, unknown>, probe: ChatMessage[], systemVerbatim: boolean): MessagesTemplate | null {
  const json = JSON.stringify(adapter.applyPrompt(body, { messages: probe }));
  const needle = JSON.stringify(probe);
  const at = json.indexOf(needle);
  if (at < 0 || json.indexOf(needle, at + 1) >= 0) return null;
  return { prefix: Buffer.from(json.slice(0, at)), suffix: Buffer.from(json.slice(at + needle.length)), systemVerbatim };
}

/** Whether these messages may be spliced into the template. */
export function templateFits(template: MessagesTemplate, messages: readonly ChatMessage[]): boolean {
  return template.systemVerbatim || messages.every((message) => message.role !== 'system');
}

/** One message as the body carries it (serialised once, when it joins the history). */
export function serializeMessage(message: ChatMessage): Buffer {
  return Buffer.from(JSON.stringify({ role: message.role, content: message.content }));
}

/** The body of a turn: the template around the history's serialised messages, in one allocation. */
export function spliceMessages(template: MessagesTemplate, messages: readonly Buffer[]): Buffer {
  const parts: Buffer[] = [template.prefix, OPEN];
  for (let i = 0; i < messages.length; i += 1) {
    if (i > 0) parts.push(COMMA);
    parts.push(messages[i] as Buffer);
  }
  parts.push(CLOSE, template.suffix);
  return Buffer.concat(parts);
}
