import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run-cli.js';
import { createFakeIo } from '../helpers/fake-io.js';

const KEY = 'sk-proj-Abc123Def456Ghi789';
const OPENAI_URL = 'https://api.openai.com/v1/chat/completions';
const cwd = mkdtempSync(join(tmpdir(), 'llm-loadtest-run-'));

async function run(argv: string[], options: { env?: Record<string, string>; stdin?: string } = {}) {
  const io = createFakeIo({ env: { OPENAI_API_KEY: KEY, ...options.env }, cwd, ...(options.stdin === undefined ? {} : { stdin: options.stdin }) });
  const code = await runCli(argv, io);
  return { code, out: io.out(), err: io.err() };
}

function dryRunJson(out: string): Record<string, unknown> {
  const lines = out.trim().split('\n');
  expect(lines).toHaveLength(1);
  return JSON.parse(lines[0] ?? '') as Record<string, unknown>;
}

describe('run --dry-run', () => {
  it('prints the plan for a pasted curl command without `run`, the mode line first on stderr, the key masked', async () => {
    const curl = `curl ${OPENAI_URL} -H "Authorization: Bearer $OPENAI_API_KEY" -d '{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}]}'`;
    const { code, out, err } = await run(['--curl', curl, '--dry-run']);
    expect(code).toBe(0);
    expect(err.split('\n')[0]).toBe('LMETERX_BASE_URL is not set: running locally');
    expect(out).toContain('Plan (dry run: nothing was sent)');
    expect(out).toContain('  api         openai-chat (by path /v1/chat/completions)');
    expect(out).toContain('  split       https://api.openai.com/v1 + /chat/completions');
    expect(out).toContain('  headers     Authorization: Bearer sk-…i789');
    expect(out).toContain('  - added stream_options.include_usage: true so the server reports token usage');
    expect(out + err).not.toContain(KEY);
  });

  it('--json prints exactly the dry-run object of docs/cli.md on stdout', async () => {
    const { code, out, err } = await run([
      'run',
      '--url',
      'api.anthropic.com/v1/messages',
      '-H',
      'x-api-key: sk-ant-api03-Qwe123Rty456',
      '--cookie',
      'session=abcdefghijklmnop',
      '--model',
      'claude-sonnet-4-5',
      '--no-stream',
      '--concurrent-users',
      '5',
      '--duration',
      '2m',
      '--slo',
      'ttft_p95<=2000',
      '--dry-run',
      '--json',
    ]);
    expect(code).toBe(0);
    expect(err).toBe('LMETERX_BASE_URL is not set: running locally\n');
    const json = dryRunJson(out);
    for (const key of ['mode', 'apiType', 'url', 'targetHost', 'apiPath', 'method', 'headers', 'cookies', 'model', 'stream', 'body', 'load', 'notes', 'warnings']) {
      expect(json).toHaveProperty(key);
    }
    expect(json).toMatchObject({
      mode: 'local',
      apiType: 'anthropic-messages',
      url: 'http://api.anthropic.com/v1/messages',
      targetHost: 'http://api.anthropic.com/v1',
      apiPath: '/messages',
      method: 'POST',
      headers: { 'x-api-key': 'sk-…y456', 'anthropic-version': '2023-06-01', 'Content-Type': 'application/json' },
      cookies: { session: 'abc…mnop' },
      model: 'claude-sonnet-4-5',
      stream: false,
      load: { name: 'api.anthropic.com/v1/messages', concurrentUsers: 5, durationS: 120, warmupS: 0, slo: [{ raw: 'ttft_p95<=2000', metric: 'ttft', stat: 'p95', op: '<=', limit: 2000 }] },
    });
    const body = json['body'] as Record<string, unknown>;
    expect(body['model']).toBe('claude-sonnet-4-5');
    expect(body['max_tokens']).toEqual(expect.any(Number));
    expect(body['stream']).not.toBe(true);
    expect(json['notes']).toContain('added header anthropic-version: 2023-06-01');
    expect(out).not.toContain('Qwe123Rty456');
    expect(out).not.toContain('abcdefghijklmnop');
  });

  it('reads the curl command from stdin with --curl -', async () => {
    const stdin = `curl http://127.0.0.1:8000/v1/chat/completions \\\n  -d '{"model":"m","messages":[],"stream":false}'\n`;
    const { code, out } = await run(['--curl', '-', '--dry-run', '--json'], { stdin });
    expect(code).toBe(0);
    expect(dryRunJson(out)).toMatchObject({ url: 'http://127.0.0.1:8000/v1/chat/completions', model: 'm', stream: false, body: { model: 'm', messages: [], stream: false } });
  });

  it('adds -H, --cookie and --body given beside --curl, and says the body was replaced', async () => {
    const { code, out } = await run(
      ['--curl', `curl ${OPENAI_URL} -H 'X-A: 1' -d '{"model":"a","messages":[]}'`, '-H', 'X-A: 2', '--cookie', 'c=1', '--body', '{"model":"b","messages":[]}', '--dry-run', '--json'],
    );
    expect(code).toBe(0);
    expect(dryRunJson(out)).toMatchObject({ headers: { 'X-A': '2' }, cookies: { c: '***' }, model: 'b', warnings: ["--body replaces the curl command's body"] });
  });

  it('runs in platform mode when LMETERX_BASE_URL is set, with the platform defaults', async () => {
    const { code, out, err } = await run(['--url', OPENAI_URL, '--model', 'gpt-4o', '--dry-run', '--json'], { env: { LMETERX_BASE_URL: 'http://127.0.0.1:5001/' } });
    expect(code).toBe(0);
    expect(err.split('\n')[0]).toBe('LMETERX_BASE_URL is set: running on the LMeterX platform at http://127.0.0.1:5001');
    expect(dryRunJson(out)).toMatchObject({ mode: 'platform', platformBaseUrl: 'http://127.0.0.1:5001', load: { warmupS: 120 } });
  });

  it('--local wins over LMETERX_BASE_URL and says so', async () => {
    const { code, err } = await run(['--url', OPENAI_URL, '--model', 'gpt-4o', '--local', '--dry-run'], { env: { LMETERX_BASE_URL: 'http://127.0.0.1:5001' } });
    expect(code).toBe(0);
    expect(err.split('\n')[0]).toBe('--local given: running locally (LMETERX_BASE_URL is ignored)');
  });

  it('takes the timeout from curl -m unless --timeout is given', async () => {
    const curl = `curl -m 45 --connect-timeout 3 ${OPENAI_URL} -d '{"model":"m","messages":[]}'`;
    const fromCurl = dryRunJson((await run(['--curl', curl, '--dry-run', '--json'])).out);
    expect(fromCurl['timeouts']).toEqual({ requestMs: 45000, idleMs: 60000, connectMs: 3000, precheckMs: 45000 });
    const fromFlag = dryRunJson((await run(['--curl', curl, '--timeout', '2m', '--idle-timeout', '15', '--dry-run', '--json'])).out);
    expect(fromFlag['timeouts']).toEqual({ requestMs: 120000, idleMs: 15000, connectMs: 3000, precheckMs: 120000 });
  });
});

describe("README's quick start, as dry runs", () => {
  it.each<[string, string[]]>([
    [
      'curl',
      [
        '--curl',
        'curl https://api.openai.com/v1/chat/completions \\\n  -H "Authorization: Bearer $OPENAI_API_KEY" -H "Content-Type: application/json" \\\n  -d "{\\"model\\": \\"gpt-4o-mini\\", \\"messages\\": [{\\"role\\": \\"user\\", \\"content\\": \\"Hello\\"}]}"',
        '--concurrent-users',
        '20',
        '--duration',
        '2m',
      ],
    ],
    ['url', ['--url', 'http://localhost:8000/v1/chat/completions', '--model', 'qwen2.5-7b', '--test-data', 'default', '--rate', '5', '--duration', '5m', '--slo', 'ttft_p95<=2000,e2e_p99<=30000']],
    ['anthropic', ['--url', 'https://api.anthropic.com/v1/messages', '-H', 'x-api-key: sk-ant-api03-Qwe123Rty456', '--model', 'claude-sonnet-4-5']],
  ])('%s', async (_name, argv) => {
    const { code, out } = await run([...argv, '--dry-run', '--json']);
    expect(code).toBe(0);
    expect(dryRunJson(out)['warnings']).toEqual([]);
  });
});

describe('run: bad input is exit 2 with a one-line message and a hint', () => {
  it.each<[string, string[], Record<string, string>, string, string]>([
    ['no target', ['--dry-run'], {}, "no target: give --url <url> or --curl '<command>'", 'e.g. llm-loadtest --url https://api.openai.com/v1/chat/completions -H "Authorization: Bearer $OPENAI_API_KEY" --model gpt-4o-mini'],
    ['--url and --curl', ['--url', OPENAI_URL, '--curl', `curl ${OPENAI_URL}`], {}, '--curl and --url cannot be used together', "give the target once: --curl '<command>' or --url <url> with -H and --body"],
    ['--local and --platform', ['--url', OPENAI_URL, '--local', '--platform', 'http://127.0.0.1:1'], {}, '--local and --platform cannot be used together', 'choose one: --local runs the bundled engine, --platform <url> uses an LMeterX platform'],
    [
      'a non-LLM URL',
      ['--url', 'https://api.example.com/api/users', '--dry-run'],
      {},
      'https://api.example.com/api/users does not look like an LLM API: the path is not /chat/completions or /v1/messages, and neither the headers nor the body are an LLM request',
      'llm-loadtest measures LLM APIs (TTFT, tokens/s); for a plain HTTP endpoint a generic load tester (autocannon, k6, wrk) fits better. If this is an LLM gateway, add --api <type> with the format it takes (one of openai-chat, anthropic-messages, openai-embeddings, openai-responses, ollama-chat, ollama-generate, openai-completions)',
    ],
    ['no model', ['--url', OPENAI_URL, '--dry-run'], {}, 'no model: --model was not given and the body has no "model"', 'add --model <name> (e.g. --model gpt-4o-mini) or put "model" in the body'],
    [
      'an unset variable',
      ['--curl', `curl ${OPENAI_URL} -H "Authorization: Bearer $NOT_SET_KEY"`, '--dry-run'],
      {},
      'the curl command uses $NOT_SET_KEY, but that environment variable is not set',
      'export NOT_SET_KEY=... before running, or paste the command with the value written out',
    ],
    [
      'a pipe',
      ['--curl', `curl ${OPENAI_URL} -d '{}' | jq .`],
      {},
      'the curl command contains the shell operator "|": only one plain curl command can be load tested',
      'paste the curl command alone: no pipes, redirections or other commands (|, ;, >, &&); put an API key in an environment variable, not a subshell',
    ],
    ['0 users', ['--url', OPENAI_URL, '--model', 'm', '--concurrent-users', '0'], {}, '--concurrent-users "0" is invalid: expected a whole number from 1 to 50000', 'fix the value; `llm-loadtest run --help` lists the options and their defaults'],
    [
      'a platform limit',
      ['--url', OPENAI_URL, '--model', 'm', '--spawn-rate', '2000', '--dry-run'],
      { LMETERX_BASE_URL: 'http://127.0.0.1:5001' },
      '--spawn-rate "2000" is invalid: expected a whole number from 1 to 1000 (platform mode)',
      'fix the value; `llm-loadtest run --help` lists the options and their defaults',
    ],
    ['a missing body file', ['--url', OPENAI_URL, '--body', '@missing.json'], {}, `--body: file ${join(cwd, 'missing.json')} does not exist`, 'check the path (relative paths start from the current folder)'],
    [
      'invalid JSON',
      ['--url', OPENAI_URL, '--body', '{"model": gpt}'],
      {},
      '--body is not valid JSON: error at line 1, column 11 (position 10) near "{\\"model\\": gpt}"',
      'JSON needs double quotes around names and strings and no trailing commas; check the quoting in your shell',
    ],
    ['--curl - without stdin', ['--curl', '-'], {}, '--curl - reads the curl command from standard input, but nothing was piped in', "pipe it in (`pbpaste | llm-loadtest --curl -`) or pass it inline: --curl 'curl ...'"],
    ['a bad choice', ['--url', OPENAI_URL, '--api', 'gemini'], {}, "option '--api <type>' argument 'gemini' is invalid. Allowed choices are openai-chat, anthropic-messages, openai-embeddings, openai-responses, ollama-chat, ollama-generate, openai-completions.", 'run `llm-loadtest --help` (or `llm-loadtest <command> --help`) for the options'],
  ])('%s', async (_name, argv, env, message, hint) => {
    const { code, out, err } = await run(argv, { env });
    expect(code).toBe(2);
    expect(out).toBe('');
    const lines = err.trimEnd().split('\n').filter((line) => line.startsWith('Error: ') || line.startsWith('Hint: '));
    expect(lines).toEqual([`Error: ${message}`, `Hint: ${hint}`]);
  });

  it.each([
    [['--frobnicate'], "unknown option '--frobnicate'"],
    [['run', '--url', OPENAI_URL, '--arrival', 'burst'], "option '--arrival <kind>' argument 'burst' is invalid. Allowed choices are poisson, constant."],
  ])('a usage error %j is exactly the error line and the hint on stderr', async (argv, message) => {
    const { code, out, err } = await run(argv);
    expect(code).toBe(2);
    expect(out).toBe('');
    expect(err).toBe(`Error: ${message}\nHint: run \`llm-loadtest --help\` (or \`llm-loadtest <command> --help\`) for the options\n`);
  });

  it('--json prints the error object of docs/cli.md on stdout', async () => {
    const { code, out } = await run(['--url', 'https://example.com/graphql', '--json']);
    expect(code).toBe(2);
    expect(dryRunJson(out)).toEqual({
      ok: false,
      stage: 'input',
      code: 'TARGET_NOT_LLM',
      category: 'input',
      message:
        'https://example.com/graphql does not look like an LLM API: the path is not /chat/completions or /v1/messages, and neither the headers nor the body are an LLM request',
      hint: 'llm-loadtest measures LLM APIs (TTFT, tokens/s); for a plain HTTP endpoint a generic load tester (autocannon, k6, wrk) fits better. If this is an LLM gateway, add --api <type> with the format it takes (one of openai-chat, anthropic-messages, openai-embeddings, openai-responses, ollama-chat, ollama-generate, openai-completions)',
    });
  });

  it.each<[string, string[], string]>([
    ['headers', Array.from({ length: 21 }, (_, i) => ['-H', `X-H${i}: v`]).flat(), "Error: -H/--header 21 headers is out of the platform's range: at most 20\n"],
    ['cookies', Array.from({ length: 21 }, (_, i) => ['--cookie', `c${i}=v`]).flat(), "Error: --cookie 21 cookies is out of the platform's range: at most 20\n"],
    ['payload', ['--body', JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'x'.repeat(50_000) }] })], "Error: --body 50109 characters of JSON is out of the platform's range: at most 50000\n"],
  ])('a dry run in platform mode refuses what the platform would (%s); locally it is fine', async (_name, extra, message) => {
    const argv = ['--url', OPENAI_URL, '--model', 'm', ...extra, '--dry-run'];
    const platform = await run(argv, { env: { LMETERX_BASE_URL: 'http://127.0.0.1:5001' } });
    expect(platform.code).toBe(2);
    expect(platform.err).toContain(message);
    expect((await run(argv)).code).toBe(0);
  });

  it('a stepped plan past the platform step limits: refused in platform mode, run as given locally', async () => {
    const steps = ['--load-mode', 'stepped', '--step-start-users', '10', '--step-increment', '2000', '--step-duration', '60', '--step-max-users', '8000', '--step-sustain', '60'];
    const argv = ['--url', OPENAI_URL, '--model', 'm', ...steps, '--dry-run', '--json'];
    const platform = await run(argv, { env: { LMETERX_BASE_URL: 'http://127.0.0.1:5001' } });
    expect(platform.code).toBe(2);
    expect(platform.err).toContain('--step-increment "2000" is invalid: expected a whole number from 1 to 1000; --step-max-users "8000" is invalid: expected a whole number from 1 to 5000');
    const local = await run(argv);
    expect(local.code).toBe(0);
    expect(dryRunJson(local.out)).toMatchObject({ mode: 'local', load: { concurrentUsers: 8000, spawnRate: 2000, step: { increment: 2000, maxUsers: 8000 } } });
  });

  it('refuses an --out folder that already holds a run', async () => {
    const out = join(cwd, 'previous-run');
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, 'summary.json'), '{}');
    const { code, err } = await run(['--url', OPENAI_URL, '--model', 'm', '--out', 'previous-run', '--dry-run']);
    expect(code).toBe(2);
    expect(err).toContain(`Error: --out ${out}: the folder already holds a run (summary.json)\n`);
  });

  it('refuses a --test-data file that does not exist', async () => {
    const { code, err } = await run(['--url', OPENAI_URL, '--model', 'm', '--test-data', 'prompts.jsonl', '--dry-run']);
    expect(code).toBe(2);
    expect(err).toContain(`Error: --test-data: file ${join(cwd, 'prompts.jsonl')} does not exist\n`);
  });
});

describe('run --help', () => {
  it('lists the options of docs/cli.md', async () => {
    const { code, out } = await run(['run', '--help']);
    expect(code).toBe(0);
    for (const flag of ['--url', '--curl', '--local', '--platform', '--header', '--cookie', '--body', '--model', '--no-stream', '--concurrent-users', '--duration', '--spawn-rate', '--name', '--test-data', '--warmup', '--load-mode', '--step-start-users', '--step-increment', '--step-duration', '--step-max-users', '--step-sustain', '--api', '--rate', '--arrival', '--max-requests', '--workers', '--timeout', '--idle-timeout', '--insecure', '--out', '--json', '--dry-run', '--skip-precheck', '--success-threshold', '--slo', '--wait', '--no-progress', '--quiet', '--no-color']) {
      expect(out).toContain(flag);
    }
  });
});
