import { Command } from 'commander';
import { inputError } from '../../failures/errors.js';
// options.ts is light (no zod, no server): the flags are checked against the server's own ranges.
import {
  describeRangeViolation,
  MOCK_NUMBER_RANGES,
  type MockBehaviour,
  type MockServerOptions,
  type NumberRange,
} from '../../mock/options.js';
import type { CliContext } from '../io.js';

/** The flags as commander hands them over: numbers still text, so errors can name the flag and value. */
interface MockFlags {
  port: string;
  host: string;
  ttft?: string;
  itl?: string;
  jitter?: string;
  outputTokens?: string;
  chunkTokens?: string;
  reasoningTokens?: string;
  usage: boolean;
  roleChunk: boolean;
  errorRate?: string;
  failStatus?: string;
  quotaExceeded?: boolean;
  retryAfter?: string;
  midStreamErrorAfter?: string;
  dropAfter?: string;
  hang?: boolean;
  slowHeaders?: string;
  model?: string[];
  apiKey?: string;
  seed?: string;
}

/** Flag → option, for the numeric flags (validated with the server's own ranges). */
const NUMBER_FLAGS: ReadonlyArray<[keyof MockFlags, string, keyof MockBehaviour]> = [
  ['ttft', '--ttft', 'ttftMs'],
  ['itl', '--itl', 'itlMs'],
  ['jitter', '--jitter', 'jitterMs'],
  ['outputTokens', '--output-tokens', 'outputTokens'],
  ['chunkTokens', '--chunk-tokens', 'chunkTokens'],
  ['reasoningTokens', '--reasoning-tokens', 'reasoningTokens'],
  ['errorRate', '--error-rate', 'errorRate'],
  ['failStatus', '--fail-status', 'failStatus'],
  ['retryAfter', '--retry-after', 'retryAfterS'],
  ['midStreamErrorAfter', '--mid-stream-error-after', 'midStreamErrorAfterTokens'],
  ['dropAfter', '--drop-after', 'dropAfterTokens'],
  ['slowHeaders', '--slow-headers', 'slowHeadersMs'],
];

/** `llm-loadtest mock`: the bundled mock LLM server, until SIGINT/SIGTERM. */
export function createMockCommand(ctx: CliContext): Command {
  return new Command('mock')
    .description('Run the bundled mock LLM server (OpenAI /v1/chat/completions + Anthropic /v1/messages, JSON and SSE)')
    .option('--port <n>', 'port to listen on (0: a free port)', '0')
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .option('--ttft <ms>', 'time to first token (default 0)')
    .option('--itl <ms>', 'time between tokens; an event of k tokens follows after k × itl (default 0)')
    .option('--jitter <ms>', 'vary every delay uniformly within ± this (default 0)')
    .option('--output-tokens <n>', "answer tokens, or the request's max_tokens when lower (default 128)")
    .option('--chunk-tokens <n>', 'tokens per SSE event (default 1)')
    .option('--reasoning-tokens <n>', 'reasoning tokens before the answer (default 0)')
    .option('--no-usage', 'report no token usage (OpenAI: no usage chunk or field)')
    .option('--no-role-chunk', 'OpenAI: no role-only first chunk')
    .option('--error-rate <0..1>', 'fraction of requests that get the faults (default: all when a fault is set; status 500 when none is)')
    .option('--fail-status <code>', "answer with this status and the provider's real error body (401, 403, 404, 429, 500, 503, 529...)")
    .option('--quota-exceeded', 'with --fail-status 429: insufficient_quota (Anthropic: 400 low credit balance)')
    .option('--retry-after <s>', 'retry-after of 429/503/529 answers (default 1)')
    .option('--mid-stream-error-after <tokens>', 'an error event inside the 200 stream after this many tokens')
    .option('--drop-after <tokens>', 'drop the connection after this many tokens')
    .option('--hang', 'accept requests and never answer')
    .option('--slow-headers <ms>', 'delay before the status line (default 0)')
    .option('--model <name...>', 'models listed by /v1/models (default mock-model; any requested model is echoed)')
    .option('--api-key <key>', 'require this key (Authorization: Bearer, x-api-key or api-key), else 401')
    .option('--seed <n>', 'seed of the jitter generator (default 1)')
    .addHelpText(
      'after',
      '\nEvery option can also be set per request with a header x-mock-<option>, e.g. x-mock-ttft-ms: 200,\n' +
        'x-mock-fail-status: 429, x-mock-hang: true (off clears a fault). GET /mock/stats shows counters and\n' +
        'per-request records (server-side first-token times); POST /mock/reset clears them.',
    )
    .action(async (flags: MockFlags) => {
      const options = readMockFlags(flags);
      const { startMockServer } = await import('../../mock/server.js');
      const server = await startMockServer(options);
      ctx.io.stdout.write(`${server.url}\n`);
      ctx.io.stderr.write(
        `mock LLM server listening on ${server.url} (OpenAI ${server.url}/v1/chat/completions, Anthropic ${server.url}/v1/messages); Ctrl-C to stop\n` +
          `try: curl -N ${server.url}/v1/chat/completions -H 'content-type: application/json' ` +
          `-d '{"model":"mock-model","stream":true,"messages":[{"role":"user","content":"hi"}]}'\n`,
      );
      await new Promise<void>((resolve) => {
        const unsubscribe = [ctx.io.onSignal('SIGINT', stop), ctx.io.onSignal('SIGTERM', stop)];
        function stop(): void {
          for (const off of unsubscribe) off();
          resolve();
        }
      });
      await server.close();
      ctx.io.stderr.write(`mock LLM server stopped after ${server.stats().requests} requests\n`);
    });
}

function readMockFlags(flags: MockFlags): MockServerOptions {
  const options: MockServerOptions = {
    host: flags.host,
    port: parseFlagNumber('--port', flags.port, { min: 0, max: 65_535, integer: true, nullable: false }) as number,
    usage: flags.usage,
    roleChunk: flags.roleChunk,
    quotaExceeded: flags.quotaExceeded === true,
    hang: flags.hang === true,
  };
  const target = options as Record<string, unknown>;
  for (const [flagKey, flag, optionKey] of NUMBER_FLAGS) {
    const raw = flags[flagKey];
    if (typeof raw !== 'string') continue;
    const range = (MOCK_NUMBER_RANGES as Readonly<Record<string, NumberRange>>)[optionKey] as NumberRange;
    target[optionKey] = parseFlagNumber(flag, raw, range);
  }
  if (flags.model !== undefined) options.models = flags.model;
  if (flags.apiKey !== undefined) options.apiKey = flags.apiKey;
  if (flags.seed !== undefined) {
    options.seed = parseFlagNumber('--seed', flags.seed, { min: 0, max: 2 ** 32 - 1, integer: true, nullable: false }) as number;
  }
  return options;
}

function parseFlagNumber(flag: string, raw: string, range: NumberRange): number | null {
  const text = raw.trim();
  const value = range.nullable && text.toLowerCase() === 'off' ? null : text === '' ? Number.NaN : Number(text);
  const problem = describeRangeViolation(value, range);
  if (problem === null) return value;
  const kind = range.integer ? 'a whole number' : 'a number';
  throw inputError(
    'OPTION_INVALID',
    `${flag} ${JSON.stringify(raw)}: ${Number.isNaN(value) ? `is not ${kind}` : problem}`,
    `give ${flag} ${kind} between ${range.min} and ${range.max}`,
    { flag, value: raw },
  );
}
