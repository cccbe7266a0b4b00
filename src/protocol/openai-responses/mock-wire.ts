/**
 * How the mock writes Responses answers, as the real API: `response.created`, `response.in_progress`,
 * the output items (a reasoning item with summary deltas when there is reasoning, then the message with
 * `response.output_text.delta`s), their `.done` events, and `response.completed` (or
 * `response.incomplete` at max_output_tokens) with usage. Every event carries its `sequence_number`.
 */
import type { ReplyChunks, ReplyPlan, ReplyTexts, StreamParts } from '../mock-types.js';

function sse(type: string, data: string): string {
  return `event: ${type}\ndata: ${data}\n\n`;
}

function usageJson(plan: ReplyPlan): string {
  const output = plan.usageOutputTokens;
  return (
    `{"input_tokens":${plan.inputTokens},"input_tokens_details":{"cached_tokens":${plan.cachedTokens ?? 0}},"output_tokens":${output},` +
    `"output_tokens_details":{"reasoning_tokens":${plan.reasoningTokens}},"total_tokens":${plan.inputTokens + output}}`
  );
}

/** The response object: `status` in_progress (no output, usage null) or its end. */
function responseJson(plan: ReplyPlan, status: string, output: string, usage: string): string {
  const incomplete = status === 'incomplete' ? '{"reason":"max_output_tokens"}' : 'null';
  return (
    `{"id":"${plan.id}","object":"response","created_at":${plan.created},"status":"${status}","background":false,"error":null,` +
    `"incomplete_details":${incomplete},"instructions":null,"max_output_tokens":null,"model":${JSON.stringify(plan.model)},"output":${output},` +
    `"parallel_tool_calls":true,"previous_response_id":null,"reasoning":{"effort":null,"summary":null},"store":true,"temperature":1.0,` +
    `"text":{"format":{"type":"text"}},"tool_choice":"auto","tools":[],"top_p":1.0,"truncation":"disabled","usage":${usage},"user":null,"metadata":{}}`
  );
}

function endStatus(plan: ReplyPlan): string {
  return plan.finishReason === 'length' ? 'incomplete' : 'completed';
}

/** Ids of the output items, from the response id (`resp_mock-1` → `rs_mock-1`, `msg_mock-1`). */
function itemIds(plan: ReplyPlan): { reasoning: string; message: string } {
  const base = plan.id.replace(/^resp_/, '');
  return { reasoning: `rs_${base}`, message: `msg_${base}` };
}

function reasoningItem(id: string, summary: string | null): string {
  return `{"id":"${id}","type":"reasoning","summary":${summary === null ? '[]' : `[{"type":"summary_text","text":${JSON.stringify(summary)}}]`}}`;
}

function textPart(text: string): string {
  return `{"type":"output_text","annotations":[],"logprobs":[],"text":${JSON.stringify(text)}}`;
}

function messageItem(id: string, status: string, text: string | null): string {
  return `{"id":"${id}","type":"message","status":"${status}","content":[${text === null ? '' : textPart(text)}],"role":"assistant"}`;
}

export function writeResponsesStream(plan: ReplyPlan, chunks: ReplyChunks): StreamParts {
  const { texts, tokens, reasoningEvents } = chunks;
  const ids = itemIds(plan);
  const hasReasoning = reasoningEvents > 0;
  const messageIndex = hasReasoning ? 1 : 0;
  let seq = 0;
  const next = (): number => seq++;
  const started = responseJson(plan, 'in_progress', '[]', 'null');
  let head =
    sse('response.created', `{"type":"response.created","sequence_number":${next()},"response":${started}}`) +
    sse('response.in_progress', `{"type":"response.in_progress","sequence_number":${next()},"response":${started}}`);
  const openMessage = (): string =>
    sse('response.output_item.added', `{"type":"response.output_item.added","sequence_number":${next()},"output_index":${messageIndex},"item":${messageItem(ids.message, 'in_progress', null)}}`) +
    sse(
      'response.content_part.added',
      `{"type":"response.content_part.added","sequence_number":${next()},"item_id":"${ids.message}","output_index":${messageIndex},"content_index":0,"part":${textPart('')}}`,
    );
  if (hasReasoning) {
    head +=
      sse('response.output_item.added', `{"type":"response.output_item.added","sequence_number":${next()},"output_index":0,"item":${reasoningItem(ids.reasoning, null)}}`) +
      sse(
        'response.reasoning_summary_part.added',
        `{"type":"response.reasoning_summary_part.added","sequence_number":${next()},"item_id":"${ids.reasoning}","output_index":0,"summary_index":0,"part":{"type":"summary_text","text":""}}`,
      );
  } else {
    head += openMessage();
  }
  const summaryOpen = `event: response.reasoning_summary_text.delta\ndata: {"type":"response.reasoning_summary_text.delta","sequence_number":`;
  const summaryMiddle = `,"item_id":"${ids.reasoning}","output_index":0,"summary_index":0,"delta":"`;
  const summaryClose = '"}\n\n';
  const textOpen = 'event: response.output_text.delta\ndata: {"type":"response.output_text.delta","sequence_number":';
  const textMiddle = `,"item_id":"${ids.message}","output_index":${messageIndex},"content_index":0,"delta":"`;
  const textClose = '","logprobs":[]}\n\n';
  const summary = hasReasoning ? JSON.parse(`"${texts.slice(0, reasoningEvents).join('')}"`) as string : null;
  const events: string[] = [];
  for (let i = 0; i < texts.length; i += 1) {
    if (i < reasoningEvents) {
      events.push(summaryOpen + next() + summaryMiddle + (texts[i] as string) + summaryClose);
      continue;
    }
    let event = '';
    if (i === reasoningEvents && hasReasoning) event += closeReasoning(ids.reasoning, summary as string, next) + openMessage();
    events.push(event + textOpen + next() + textMiddle + (texts[i] as string) + textClose);
  }
  const answer = JSON.parse(`"${texts.slice(reasoningEvents).join('')}"`) as string;
  let tail = '';
  // Reasoning only (the answer cut to nothing): its item closes and the message opens empty.
  if (hasReasoning && reasoningEvents === texts.length) tail += closeReasoning(ids.reasoning, summary as string, next) + openMessage();
  const status = endStatus(plan);
  const output = `[${hasReasoning ? `${reasoningItem(ids.reasoning, summary)},` : ''}${messageItem(ids.message, status, answer)}]`;
  tail +=
    sse(
      'response.output_text.done',
      `{"type":"response.output_text.done","sequence_number":${next()},"item_id":"${ids.message}","output_index":${messageIndex},"content_index":0,"text":${JSON.stringify(answer)},"logprobs":[]}`,
    ) +
    sse(
      'response.content_part.done',
      `{"type":"response.content_part.done","sequence_number":${next()},"item_id":"${ids.message}","output_index":${messageIndex},"content_index":0,"part":${textPart(answer)}}`,
    ) +
    sse('response.output_item.done', `{"type":"response.output_item.done","sequence_number":${next()},"output_index":${messageIndex},"item":${messageItem(ids.message, status, answer)}}`) +
    sse(`response.${status}`, `{"type":"response.${status}","sequence_number":${next()},"response":${responseJson(plan, status, output, usageJson(plan))}}`);
  return { head, events, eventTokens: tokens, tail };
}

function closeReasoning(id: string, summary: string, next: () => number): string {
  return (
    sse(
      'response.reasoning_summary_text.done',
      `{"type":"response.reasoning_summary_text.done","sequence_number":${next()},"item_id":"${id}","output_index":0,"summary_index":0,"text":${JSON.stringify(summary)}}`,
    ) +
    sse(
      'response.reasoning_summary_part.done',
      `{"type":"response.reasoning_summary_part.done","sequence_number":${next()},"item_id":"${id}","output_index":0,"summary_index":0,"part":{"type":"summary_text","text":${JSON.stringify(summary)}}}`,
    ) +
    sse('response.output_item.done', `{"type":"response.output_item.done","sequence_number":${next()},"output_index":0,"item":${reasoningItem(id, summary)}}`)
  );
}

/** The complete non-streamed JSON body. */
export function writeResponsesJson(plan: ReplyPlan, texts: ReplyTexts): string {
  const ids = itemIds(plan);
  const status = endStatus(plan);
  const output = `[${texts.reasoning === null ? '' : `${reasoningItem(ids.reasoning, texts.reasoning)},`}${messageItem(ids.message, status, texts.answer)}]`;
  return responseJson(plan, status, output, usageJson(plan));
}
