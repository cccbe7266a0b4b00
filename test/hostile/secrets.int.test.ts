import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { runCli } from '../../src/cli/run-cli.js';
import { createFakeIo } from '../helpers/fake-io.js';
import { startRawServer, type HostileServer } from '../helpers/hostile-servers.js';

/**
 * Every kind of secret a target is given, echoed back by a hostile server inside its error message, JSON-escaped
 * (so it only matches once decoded) and placed so that the 200-character cut of the message falls in the middle
 * of one secret per request. No secret may reach any output or file: not whole, not its first 10 characters,
 * not any 8-character window from its middle.
 */
const rand = (seed: number, length: number): string => {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789Qq';
  let state = seed;
  let out = '';
  for (let i = 0; i < length; i += 1) {
    state = (state * 1103515245 + 12345) % 2147483648;
    out += alphabet[state % alphabet.length];
  }
  return out;
};

const SECRETS = {
  bearer: `sk-proj-${rand(1, 40)}`,
  anthropic: `sk-ant-api03-${rand(2, 50)}`,
  azure: rand(3, 32),
  google: `AIza${rand(4, 35)}`,
  queryKey: rand(5, 24),
  queryToken: rand(6, 28),
  cookie: rand(7, 30),
  proxyBasic: Buffer.from(`proxyuser:${rand(8, 16)}`).toString('base64'),
  bodyKey: rand(9, 26),
  password: rand(10, 18),
};
type SecretName = keyof typeof SECRETS;

/** The pieces of a secret that must never be seen: whole, its first 10 characters, every 8-char window of its middle. */
function pieces(secret: string): string[] {
  const out = [secret, secret.slice(0, 10)];
  const from = Math.floor(secret.length / 4);
  const to = Math.ceil((secret.length * 3) / 4) - 8;
  for (let i = from; i <= to; i += 1) out.push(secret.slice(i, i + 8));
  return out;
}

function expectNoSecret(texts: Array<[string, string]>, names: readonly SecretName[]): void {
  const leaks: string[] = [];
  for (const [where, text] of texts) {
    for (const name of names) {
      for (const piece of pieces(SECRETS[name])) if (text.includes(piece)) leaks.push(`${name} (${piece}) in ${where}`);
    }
  }
  expect(leaks).toEqual([]);
}

/**
 * The echo server: each request's 401 message quotes its URL, every header and its body; request k is padded
 * so that the cut at 200 characters falls in the middle of secret k (round robin); letters Q and q are sent
 * JSON-escaped (\u0051).
 */
let server: HostileServer;
let straddled = 0;
beforeAll(async () => {
  const order = Object.values(SECRETS);
  server = await startRawServer((request, body, response) => {
    const headers = Object.entries(request.headers)
      .map(([name, value]) => `${name}: ${String(value)}`)
      .join('; ');
    const said = ` you sent ${request.url ?? ''} with ${headers} and ${body}`;
    const target = order[straddled % order.length] ?? '';
    straddled += 1;
    const at = said.indexOf(target);
    const padding = at < 0 ? 0 : Math.max(0, 200 - at - Math.floor(target.length / 2));
    const json = JSON.stringify({ error: { message: `${'x'.repeat(padding)}${said}`, type: 'invalid_request_error', code: 'invalid_api_key' } })
      .replace(/Q/g, '\\u0051')
      .replace(/q/g, '\\u0071');
    response.writeHead(401, { 'content-type': 'application/json' });
    response.end(json);
  });
});
afterAll(async () => {
  await server.close();
});

const HEADER_ARGS = [
  '-H', `Authorization: Bearer ${SECRETS.bearer}`,
  '-H', `x-api-key: ${SECRETS.anthropic}`,
  '-H', `api-key: ${SECRETS.azure}`,
  '-H', `Proxy-Authorization: Basic ${SECRETS.proxyBasic}`,
  '-H', `Cookie: session=${SECRETS.cookie}`,
  '-H', 'x-portkey-provider: openai',
];
const BODY = JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'hi' }], api_key: SECRETS.bodyKey });
const HEADER_SECRETS: SecretName[] = ['bearer', 'anthropic', 'azure', 'google', 'queryKey', 'queryToken', 'cookie', 'proxyBasic', 'bodyKey'];

function allTexts(io: ReturnType<typeof createFakeIo>, out: string | null): Array<[string, string]> {
  const texts: Array<[string, string]> = [
    ['stdout', io.out()],
    ['stderr', io.err()],
  ];
  if (out !== null) for (const file of readdirSync(out)) texts.push([file, readFileSync(join(out, file), 'utf8')]);
  return texts;
}

describe('secrets echoed by a hostile server', () => {
  test('headers, query keys, a cookie and a body key: in no output and no file of a run, across the cut', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'secrets-')), 'run');
    const io = createFakeIo();
    const url = `${server.url}/v1/chat/completions?key=${SECRETS.google}&api_key=${SECRETS.queryKey}&access_token=${SECRETS.queryToken}`;
    const code = await runCli(
      ['run', '--local', '--url', url, ...HEADER_ARGS, '--body', BODY, '--skip-precheck', '--concurrent-users', '1',
        '--duration', '20', '--max-requests', '20', '--out', out, '--no-progress', '--json'],
      io,
    );
    expect(code).toBe(5);
    // Every secret was straddled by the cut at least once (20 requests, 10 secrets).
    expect(straddled).toBeGreaterThanOrEqual(20);
    const results = readFileSync(join(out, 'results.jsonl'), 'utf8');
    expect(results).toContain('"errorCategory":"auth"');
    expectNoSecret(allTexts(io, out), HEADER_SECRETS);
    // Ordinary words stay: the gateway's provider header is kept in the summary, and the message reads on.
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as { target: { headers: Record<string, string> } };
    expect(summary.target.headers['x-portkey-provider']).toBe('openai');
    expect(results).toContain('you sent /v1/chat/completions?key=');
  }, 60_000);

  test('the pre-check failure (stderr and the JSON error) masks them too', async () => {
    const io = createFakeIo();
    const url = `${server.url}/v1/chat/completions?key=${SECRETS.google}&api_key=${SECRETS.queryKey}&access_token=${SECRETS.queryToken}`;
    const code = await runCli(['run', '--local', '--url', url, ...HEADER_ARGS, '--body', BODY, '--json', '--no-progress'], io);
    expect(code).toBe(3);
    expect(io.err()).toContain('pre-check failed (auth, HTTP 401)');
    expectNoSecret(allTexts(io, null), HEADER_SECRETS);
  });

  test('user:password in the URL: in no output and no file', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'secrets-')), 'run');
    const io = createFakeIo();
    const withUser = server.url.replace('http://', `http://someone:${SECRETS.password}@`);
    const code = await runCli(
      ['run', '--local', '--url', `${withUser}/v1/chat/completions`, '--model', 'm', '--skip-precheck', '--concurrent-users', '1',
        '--duration', '20', '--max-requests', '3', '--out', out, '--no-progress'],
      io,
    );
    expect(code).toBe(5);
    expectNoSecret(allTexts(io, out), ['password']);
    expect(io.err()).not.toContain('someone:');
  });

  test('the dry run masks the body key, header keys and the query, and keeps x-portkey-provider', async () => {
    for (const json of [false, true]) {
      const io = createFakeIo();
      const url = `${server.url}/v1/chat/completions?key=${SECRETS.google}&api_key=${SECRETS.queryKey}`;
      const code = await runCli(['run', '--local', '--url', url, ...HEADER_ARGS, '--body', BODY, '--dry-run', ...(json ? ['--json'] : [])], io);
      expect(code).toBe(0);
      expectNoSecret(allTexts(io, null), ['bearer', 'anthropic', 'azure', 'google', 'queryKey', 'cookie', 'proxyBasic', 'bodyKey']);
      expect(io.out()).toMatch(/x-portkey-provider"?: ?"?openai/);
    }
  });
});
