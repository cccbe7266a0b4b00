import { Command } from 'commander';
import type { CliContext } from '../io.js';
import { readMockFlags, type MockFlags } from '../mock-flags.js';

/** `llm-loadtest mock`: the bundled mock LLM server, until SIGINT/SIGTERM. */
export function createMockCommand(ctx: CliContext): Command {
  return new Command('mock')
    .description('Run the bundled mock LLM server (every API llm-loadtest speaks: OpenAI chat, Responses, completions, embeddings, Anthropic messages, Ollama native)')
    .option('--port <n>', 'port to listen on (0: a free port)', '0')
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .option('--ttft <ms>', 'time to first token (default 0)')
    .option('--itl <ms>', 'time between tokens; an event of k tokens follows after k × itl (default 0)')
    .option('--jitter <ms>', 'vary every delay uniformly within ± this (default 0)')
    .option('--output-tokens <n>', "answer tokens, or the request's max_tokens when lower (default 128)")
    .option('--chunk-tokens <n>', 'tokens per SSE event (default 1)')
    .option('--reasoning-tokens <n>', 'reasoning tokens before the answer (default 0)')
    .option('--cached-tokens <n>', 'prompt tokens reported as read from the prompt cache (default 0)')
    .option('--no-usage', 'report no token usage (OpenAI: no usage chunk or field)')
    .option('--no-role-chunk', 'OpenAI: no role-only first chunk')
    .option('--error-rate <0..1>', 'fraction of requests that get the faults (default: all when a fault is set; status 500 when none is)')
    .option('--fail-status <code>', "answer with this status and the provider's real error body (401, 403, 404, 429, 500, 503, 529...)")
    .option('--quota-exceeded', 'with --fail-status 429: insufficient_quota (Anthropic: 400 low credit balance)')
    .option('--retry-after <s>', 'retry-after of 429/503/529 answers (default 1)')
    .option('--mid-stream-error-after <tokens>', 'an error event inside the 200 stream after this many tokens')
    .option('--mid-stream-error-status <code>', "that error event carries this status's error object (401: OpenAI invalid_api_key)")
    .option('--usage-misreport-pct <pct>', 'usage reports this many percent more output tokens than were written (negative: fewer)')
    .option('--drop-after <tokens>', 'drop the connection after this many tokens')
    .option('--hang', 'accept requests and never answer')
    .option('--slow-headers <ms>', 'delay before the status line (default 0)')
    .option('--model <name...>', 'models listed by /v1/models (default mock-model; any requested model is echoed)')
    .option('--api-key <key>', 'require this key (Authorization: Bearer, x-api-key or api-key), else 401')
    .option('--seed <n>', 'seed of the jitter generator (default 1)')
    .option('--response-header <header>', 'add "Name: value" to every answer, e.g. a gateway\'s x-litellm-overhead-duration-ms: 3 (repeatable; {id}: the request id)', (value: string, previous: string[] = []) => [...previous, value])
    .option('--gateway-headers', 'answer with the headers a gateway adds (LiteLLM overhead, Server-Timing, openai-processing-ms, Envoy, Portkey, x-request-id), fixed values')
    .option('--max-concurrent <n>', 'answer at most n requests at once; later ones wait in a FIFO queue (default: no limit)')
    .option('--count-prompt', "count each prompt exactly with the model's tokenizer, report it as usage and in /mock/stats records")
    .option('--metrics-fault <kind>', 'GET /metrics (vLLM names) misbehaves: hang, error (HTTP 500) or malformed')
    .addHelpText(
      'after',
      '\nEvery answer option (not --port, --host, --model, --api-key, --seed, --max-concurrent, --count-prompt,\n' +
        '--metrics-fault) can also be set ' +
        'per request with a header x-mock-<option>, e.g. x-mock-ttft-ms: 200, x-mock-fail-status: 429,\n' +
        'x-mock-hang: true (off clears a fault). GET /mock/stats shows counters and\n' +
        'per-request records (server-side first-token times); POST /mock/reset clears them.\n' +
        'GET /metrics answers in vLLM\'s Prometheus names (running/waiting, KV cache, TTFT/E2E histograms).',
    )
    .action(async (flags: MockFlags) => {
      const options = readMockFlags(flags);
      const { startMockServer } = await import('../../mock/server.js');
      const server = await startMockServer(options);
      ctx.io.stdout.write(`${server.url}\n`);
      ctx.io.stderr.write(
        `mock LLM server listening on ${server.url} (OpenAI ${server.url}/v1/chat/completions, /v1/responses, /v1/completions, /v1/embeddings, Anthropic ${server.url}/v1/messages, Ollama ${server.url}/api/chat, /api/generate); Ctrl-C to stop\n` +
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

