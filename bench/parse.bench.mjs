// Parse throughput of the engine's hot path: the stream parser of each adapter on 128-token streams, in
// MB/s and events/s, against eventsource-parser + JSON.parse per event (the usual way; for Ollama's
// NDJSON, splitting lines + JSON.parse). Two read
// shapes: one event per read (a server flushing every token) and 16 KB reads (a busy connection).
// `npm run bench -- parse` builds and runs it; it imports the built library from dist/.
import { createParser } from 'eventsource-parser';
import { getAdapter } from '../dist/protocol/registry.js';

const TOKENS = 128;
const ROUNDS = 7;
const ROUND_MS = 250;

/** OpenAI's own shape pads every chunk with a random `obfuscation` string; vLLM, llama.cpp and our mock do not. */
function openAiStream(obfuscation) {
  const pad = (k) => (obfuscation ? `,"obfuscation":"${'xYz3'.repeat(1 + (k % 4)).slice(0, 2 + ((k * 7) % 11))}"` : '');
  const head = '{"id":"chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT","object":"chat.completion.chunk","created":1741570283,"model":"gpt-4o-mini-2024-07-18","service_tier":"default","system_fingerprint":"fp_06737a9306","choices":[{"index":0,"delta":';
  const events = [`data: ${head}{"role":"assistant","content":"","refusal":null},"logprobs":null,"finish_reason":null}],"usage":null}\n\n`];
  for (let k = 0; k < TOKENS; k++) {
    events.push(`data: ${head}{"content":" word${k}"},"logprobs":null,"finish_reason":null}],"usage":null${pad(k)}}\n\n`);
  }
  events.push(`data: ${head}{},"logprobs":null,"finish_reason":"stop"}],"usage":null}\n\n`);
  events.push('data: {"id":"chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT","object":"chat.completion.chunk","created":1741570283,"model":"gpt-4o-mini-2024-07-18","choices":[],"usage":{"prompt_tokens":19,"completion_tokens":128,"total_tokens":147}}\n\n');
  events.push('data: [DONE]\n\n');
  return events;
}

function anthropicStream() {
  const events = [
    'event: message_start\ndata: {"type":"message_start","message":{"id":"msg_01XFDUDYJgAACzvnptvVoYEL","type":"message","role":"assistant","content":[],"model":"claude-sonnet-4-20250514","stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":25,"output_tokens":1}}}\n\n',
    'event: content_block_start\ndata: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}\n\n',
    'event: ping\ndata: {"type": "ping"}\n\n',
  ];
  for (let k = 0; k < TOKENS; k++) {
    events.push(`event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":" word${k}"}}\n\n`);
  }
  events.push('event: content_block_stop\ndata: {"type":"content_block_stop","index":0}\n\n');
  events.push('event: message_delta\ndata: {"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":128}}\n\n');
  events.push('event: message_stop\ndata: {"type":"message_stop"}\n\n');
  return events;
}

/** The Responses API: typed events, each delta with a new sequence_number (OpenAI's order of members). */
function responsesStream() {
  const item = 'msg_67ccd2bf17f0819081ff3bb2cf6508e60bb6a6b452d3795b';
  const response = (status, usage) =>
    `{"id":"resp_67ccd2bed1ec8190b14f964abc0542670bb6a6b452d3795b","object":"response","created_at":1741476542,"status":"${status}","error":null,"model":"gpt-4.1-2025-04-14","output":[],"usage":${usage}}`;
  const events = [
    `event: response.created\ndata: {"type":"response.created","sequence_number":0,"response":${response('in_progress', 'null')}}\n\n`,
    `event: response.output_item.added\ndata: {"type":"response.output_item.added","sequence_number":1,"output_index":0,"item":{"id":"${item}","type":"message","status":"in_progress","content":[],"role":"assistant"}}\n\n`,
  ];
  for (let k = 0; k < TOKENS; k++) {
    events.push(
      `event: response.output_text.delta\ndata: {"type":"response.output_text.delta","sequence_number":${k + 2},"item_id":"${item}","output_index":0,"content_index":0,"delta":" word${k}","logprobs":[],"obfuscation":"xYz3"}\n\n`,
    );
  }
  events.push(
    `event: response.completed\ndata: {"type":"response.completed","sequence_number":${TOKENS + 2},"response":${response('completed', `{"input_tokens":19,"input_tokens_details":{"cached_tokens":0},"output_tokens":${TOKENS},"output_tokens_details":{"reasoning_tokens":0},"total_tokens":${TOKENS + 19}}`)}}\n\n`,
  );
  return events;
}

/** Ollama's /api/chat NDJSON: a new created_at on every line. */
function ollamaStream() {
  const events = [];
  for (let k = 0; k < TOKENS; k++) {
    const at = `2025-01-10T08:52:19.${String(385406455 + k * 11789).padStart(9, '0')}-07:00`;
    events.push(`{"model":"llama3.2","created_at":"${at}","message":{"role":"assistant","content":" word${k}"},"done":false}\n`);
  }
  events.push(
    `{"model":"llama3.2","created_at":"2025-01-10T08:52:21.0Z","message":{"role":"assistant","content":""},"done_reason":"stop","done":true,"total_duration":4883583458,"load_duration":1334875,"prompt_eval_count":26,"prompt_eval_duration":342546000,"eval_count":${TOKENS},"eval_duration":4535599000}\n`,
  );
  return events;
}

/** Reads as the network would give them: one Buffer per event, or the body in 16 KB pieces. */
function makeReads(events, shape) {
  if (shape === 'event-per-read') return events.map((e) => Buffer.from(e));
  const body = Buffer.from(events.join(''));
  const reads = [];
  for (let at = 0; at < body.length; at += 16384) reads.push(body.subarray(at, at + 16384));
  return reads;
}

function ourParser(api) {
  const adapter = getAdapter(api);
  let chunks = 0;
  const listener = { onContentChunk: () => (chunks += 1) };
  return (reads) => {
    const parser = adapter.createStreamParser({ listener });
    let now = 0;
    for (const read of reads) parser.push(read, (now += 1));
    const response = parser.end(now);
    if (!response.ok || response.outputTokens !== TOKENS) throw new Error(`bad outcome: ${JSON.stringify(response)}`);
    return chunks;
  };
}

/** The usual way: eventsource-parser on decoded text, JSON.parse on every event. */
function eventsourceParser(api) {
  return (reads) => {
    let chunks = 0;
    let output = null;
    const decoder = new TextDecoder();
    const parser = createParser({
      onEvent: (event) => {
        if (event.data === '[DONE]') return;
        const value = JSON.parse(event.data);
        if (api === 'openai-chat') {
          if (value.choices?.[0]?.delta?.content) chunks += 1;
          if (value.usage) output = value.usage.completion_tokens;
        } else if (api === 'openai-responses') {
          if (value.type === 'response.output_text.delta' && value.delta) chunks += 1;
          if (value.type === 'response.completed') output = value.response.usage.output_tokens;
        } else {
          if (value.type === 'content_block_delta' && value.delta?.text) chunks += 1;
          if (value.type === 'message_delta') output = value.usage.output_tokens;
        }
      },
    });
    for (const read of reads) parser.feed(decoder.decode(read, { stream: true }));
    if (output !== TOKENS) throw new Error('bad outcome');
    return chunks;
  };
}

/** The usual way for NDJSON: decode, split lines, JSON.parse each. */
function ndjsonJsonParse() {
  return (reads) => {
    let chunks = 0;
    let output = null;
    let rest = '';
    const decoder = new TextDecoder();
    for (const read of reads) {
      const lines = (rest + decoder.decode(read, { stream: true })).split('\n');
      rest = lines.pop() ?? '';
      for (const line of lines) {
        if (line === '') continue;
        const value = JSON.parse(line);
        if (value.message?.content) chunks += 1;
        if (value.done) output = value.eval_count;
      }
    }
    if (output !== TOKENS) throw new Error('bad outcome');
    return chunks;
  };
}

/** eventsource-parser's framing alone (no JSON at all): a floor for any parser built on it. */
function eventsourceFramingOnly() {
  return (reads) => {
    let events = 0;
    const decoder = new TextDecoder();
    const parser = createParser({ onEvent: () => (events += 1) });
    for (const read of reads) parser.feed(decoder.decode(read, { stream: true }));
    return events;
  };
}

/**
 * Streams per CPU-second, best of several short rounds: the machine is shared, so CPU time (not wall
 * time) and the best round are the least disturbed by other processes.
 */
function measure(run, reads) {
  for (let k = 0; k < 200; k++) run(reads);
  globalThis.gc?.();
  let best = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const before = process.cpuUsage();
    const start = performance.now();
    let streams = 0;
    while (performance.now() - start < ROUND_MS) {
      for (let k = 0; k < 20; k++) run(reads);
      streams += 20;
    }
    const used = process.cpuUsage(before);
    best = Math.max(best, streams / ((used.user + used.system) / 1e6));
  }
  return best;
}

const rows = [];
for (const [api, events, stream] of [
  ['openai-chat', openAiStream(false), 'vLLM / mock shape'],
  ['openai-chat', openAiStream(true), 'OpenAI (obfuscation)'],
  ['anthropic-messages', anthropicStream(), 'Anthropic'],
  ['openai-responses', responsesStream(), 'OpenAI Responses'],
  ['ollama-chat', ollamaStream(), 'Ollama /api/chat (NDJSON)'],
]) {
  const baselines =
    api === 'ollama-chat'
      ? [['split lines+JSON.parse', ndjsonJsonParse]]
      : [
          ['eventsource-parser+JSON.parse', eventsourceParser],
          ['eventsource-parser framing only', eventsourceFramingOnly],
        ];
  for (const shape of ['event-per-read', '16KB-reads']) {
    const reads = makeReads(events, shape);
    const bytes = reads.reduce((n, r) => n + r.length, 0);
    for (const [name, make] of [['llm-loadtest', ourParser], ...baselines]) {
      const streamsPerS = measure(make(api), reads);
      rows.push({
        stream,
        reads: shape,
        parser: name,
        'MB/s': ((streamsPerS * bytes) / 1e6).toFixed(1),
        'events/s': Math.round(streamsPerS * events.length).toLocaleString('en'),
        'ns/event': Math.round(1e9 / (streamsPerS * events.length)),
        'streams/s': Math.round(streamsPerS).toLocaleString('en'),
      });
    }
  }
}
console.log('per CPU-second of one core, best of %d rounds; %d-token streams', ROUNDS, TOKENS);
console.table(rows);
