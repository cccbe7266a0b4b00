import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { runCli } from '../../src/cli/run-cli.js';
import { createFakeIo } from '../helpers/fake-io.js';

/**
 * Over 200 malformed invocations (flags, curl commands, files): each one is exit 2, one clear message that
 * names the input, never a stack trace or an "internal error". Nothing is sent anywhere: run invocations are
 * dry runs against a port nothing listens on.
 */
const URL = 'http://127.0.0.1:9/v1/chat/completions';
const TARGET = ['--local', '--url', URL, '--model', 'm'];

interface Case {
  label: string;
  args: string[];
  /** What the message must name (any one of them). */
  names: string[];
}

const cases: Case[] = [];

// Numeric flags, each with values no flag accepts.
const NUMERIC = [
  '--concurrent-users', '--spawn-rate', '--duration', '--warmup', '--rate', '--max-requests', '--workers', '--timeout',
  '--idle-timeout', '--success-threshold',
];
const STEP = ['--step-start-users', '--step-increment', '--step-duration', '--step-max-users', '--step-sustain'];
const BAD_NUMBERS = ['abc', '-1', 'NaN', 'Infinity', '1e400', '99999999999999999999', '', ' ', '1..2', '0x1g', '½', '--1'];
for (const flag of NUMERIC) {
  for (const value of BAD_NUMBERS) cases.push({ label: `${flag} ${JSON.stringify(value)}`, args: [...TARGET, `${flag}=${value}`, '--dry-run'], names: [flag] });
}
const STEP_OK = ['--step-start-users', '1', '--step-increment', '1', '--step-duration', '10', '--step-max-users', '5', '--step-sustain', '10'];
for (const flag of STEP) {
  for (const value of ['abc', '0', '-3', '1.5', '99999999999999999999', '']) {
    const others = [];
    for (let i = 0; i < STEP_OK.length; i += 2) if (STEP_OK[i] !== flag) others.push(STEP_OK[i] ?? '', STEP_OK[i + 1] ?? '');
    cases.push({ label: `${flag} ${JSON.stringify(value)}`, args: [...TARGET, '--load-mode', 'stepped', ...others, `${flag}=${value}`, '--dry-run'], names: [flag] });
  }
}
for (const [flag, values] of [
  ['--arrival', ['uniform', 'POISSON', '', 'poisson,constant']],
  ['--load-mode', ['ramp', 'Fixed', '', 'stepped;']],
  ['--api', ['openai', 'gemini', '', 'anthropic ']],
  ['--slo', ['', 'ttft', 'ttft_p95', 'ttft_p95<=', 'ttft_p101<=5', 'speed_p95<=5', 'ttft_p95>=5', 'ttft_p95<=-1']],
] as const) {
  for (const value of values) cases.push({ label: `${flag} ${JSON.stringify(value)}`, args: [...TARGET, `${flag}=${value}`, '--dry-run'], names: [flag, 'SLO', 'slo'] });
}

// Target flags.
for (const url of ['not a url', 'ftp://x/v1/chat/completions', 'http://', 'javascript:alert(1)', 'http://x:99999/v1/chat/completions', 'file:///etc/passwd', '://x', 'http://x/api/embed', 'http://x/', 'http://x/v1beta/models/gemini-pro:generateContent']) {
  cases.push({ label: `--url ${url}`, args: ['--local', '--url', url, '--model', 'm', '--dry-run'], names: ['--url', 'URL', url] });
}
for (const header of ['NoColon', ': value', 'Bad Name: v', 'X\u0000: v', 'X: a\u0000b', 'X: a\rb', 'X: a\nb', 'X: \u001b[2J', 'X(y): z', 'X: 日本']) {
  cases.push({ label: `-H ${JSON.stringify(header)}`, args: [...TARGET, '-H', header, '--dry-run'], names: ['header', 'Header', 'X'] });
}
for (const cookie of ['novalue', '=v', 'a=b\r\nc=d', 'a=\u0000']) {
  cases.push({ label: `--cookie ${JSON.stringify(cookie)}`, args: [...TARGET, '--cookie', cookie, '--dry-run'], names: ['cookie'] });
}
for (const body of ['{bad json', '[1,2]', '"text"', '42', 'null', '{"model":"m",}', '{"model":}', '@', `{"a":${'['.repeat(300)}${']'.repeat(300)}}`, '{"messages":"x"']) {
  cases.push({ label: `--body ${JSON.stringify(body.slice(0, 30))}`, args: [...TARGET, '--body', body, '--dry-run'], names: ['body', '--body', 'JSON'] });
}
for (const model of ['', '   ']) cases.push({ label: `--model ${JSON.stringify(model)}`, args: ['--local', '--url', URL, '--model', model, '--dry-run'], names: ['--model'] });
for (const name of ['', '  ']) cases.push({ label: `--name ${JSON.stringify(name)}`, args: [...TARGET, '--name', name, '--dry-run'], names: ['--name'] });
cases.push({ label: '--url and --curl', args: ['--local', '--url', URL, '--curl', `curl ${URL}`, '--dry-run'], names: ['--url', '--curl'] });
cases.push({ label: 'no target', args: ['--local', '--dry-run'], names: ['--url', '--curl', 'target'] });
cases.push({ label: 'unknown flag', args: [...TARGET, '--bogus-flag', '--dry-run'], names: ['--bogus-flag'] });
cases.push({ label: 'help bogus', args: ['help', 'bogus'], names: ['bogus'] });
cases.push({ label: 'unknown command option', args: ['report', '--bogus'], names: ['--bogus'] });

// curl commands.
const CURLS = [
  'curl',
  'wget http://x/v1/chat/completions',
  `curl ${URL} | jq .`,
  `curl '${URL}`,
  `curl ${URL} -d '{bad json'`,
  `curl ${URL} -d '[1]'`,
  `curl ${URL} -H`,
  `curl ${URL} -H 'NoColonHere' -d '{"model":"m","messages":[]}'`,
  `curl ${URL} -m abc -d '{"model":"m","messages":[]}'`,
  `curl ${URL} -m 0 -d '{"model":"m","messages":[]}'`,
  `curl ${URL} --connect-timeout -5 -d '{"model":"m","messages":[]}'`,
  `curl ${URL} -d @/nonexistent/body.json`,
  `curl $UNSET_VARIABLE_FOR_FUZZ -d '{"model":"m","messages":[]}'`,
  `curl ^"${URL}^" -d ^"{}^"`,
  `curl ${URL} && rm -rf /tmp/x`,
  `curl ${URL}; ls`,
  'curl `id`',
  'curl $(id)',
  `curl ${URL} > out.txt`,
  'curl ftp://x/v1/chat/completions -d \'{"model":"m","messages":[]}\'',
  'curl http://x/ -d \'{"model":"m","messages":[]}\'',
  'curl http://x/api/embed -d \'{"model":"m","input":"x"}\'',
  `curl ${URL} -d '{"messages":[]}'`,
  `curl ${URL} -b 'a=b\r\nc' -d '{"model":"m","messages":[]}'`,
  `curl ${URL} -H $'X: a\\x01b' -d '{"model":"m","messages":[]}'`,
  `curl -X POST -d '{"model":"m"}'`,
  `curl ${URL} -d '{"model":"m","x":${'['.repeat(200)}${']'.repeat(200)}}'`,
  'Invoke-WebRequest -Uri http://x/v1/chat/completions',
  '',
  '   ',
];
for (const curl of CURLS) cases.push({ label: `--curl ${JSON.stringify(curl.slice(0, 40))}`, args: ['--local', '--curl', curl, '--dry-run'], names: ['curl', '--curl', 'body', 'header', 'URL', 'url', 'model', 'JSON', 'cookie', 'UNSET_VARIABLE_FOR_FUZZ', 'http://', 'ftp://'] });

// Files: the body, the test data, report and compare inputs.
const FILES: Array<[string, string | Buffer]> = [
  ['empty.json', ''],
  ['binary.json', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0xff])],
  ['array.json', '[]'],
  ['numbers.json', '[1,2,3]'],
  ['string.json', '"hello"'],
  ['broken.json', '{"model":'],
  ['nul.jsonl', '\u0000\u0000\u0000'],
  ['objects.jsonl', '{"foo":1}\n{"bar":2}\n'],
  ['deep.json', `{"a":${'['.repeat(2000)}${']'.repeat(2000)}}`],
  ['html.json', '<html><body>nope</body></html>'],
];
let dir = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'fuzz-'));
  for (const [name, content] of FILES) writeFileSync(join(dir, name), content);
  writeFileSync(join(dir, 'prompts.txt'), 'hello');
});
for (const [name] of FILES) {
  // A JSON string is one prompt: valid test data.
  if (name !== 'string.json') cases.push({ label: `--test-data ${name}`, args: [...TARGET, '--test-data', name, '--dry-run'], names: ['--test-data'] });
  if (!['html.json', 'nul.jsonl', 'objects.jsonl'].includes(name)) {
    cases.push({ label: `--body @${name}`, args: ['--local', '--url', URL, '--body', `@${name}`, '--dry-run'], names: [name, '--body', 'body'] });
  }
  cases.push({ label: `report ${name}`, args: ['report', name], names: [name] });
  cases.push({ label: `compare ${name}`, args: ['compare', name, name], names: [name] });
}
cases.push({ label: '--test-data missing', args: [...TARGET, '--test-data', 'missing.jsonl', '--dry-run'], names: ['--test-data'] });
cases.push({ label: '--body @missing', args: ['--local', '--url', URL, '--body', '@missing.json', '--dry-run'], names: ['missing.json'] });
cases.push({ label: 'report missing', args: ['report', 'missing-run'], names: ['missing-run'] });
cases.push({ label: 'report of a folder without a run', args: ['report', '.'], names: ['.'] });
cases.push({ label: '--out /dev/null', args: [...TARGET, '--out', '/dev/null', '--dry-run'], names: ['--out'] });
cases.push({ label: '--out at a file', args: [...TARGET, '--out', 'prompts.txt', '--dry-run'], names: ['--out'] });

describe('fuzz: malformed invocations', () => {
  test('there are at least 200 of them', () => {
    expect(cases.length).toBeGreaterThanOrEqual(200);
  });

  test.each(cases.map((c) => [c.label, c] as const))('%s → exit 2, named, no stack', async (_label, c) => {
    const io = createFakeIo({ cwd: dir, env: { NO_COLOR: '1' } });
    const code = await runCli(c.args, io);
    const err = io.err();
    expect({ code, err }).toMatchObject({ code: 2 });
    expect(err).toMatch(/Error: /);
    expect(err).not.toMatch(/\n\s+at /);
    expect(err).not.toContain('internal error');
    const line = err.slice(err.indexOf('Error: '));
    expect(c.names.some((name) => line.includes(name)), `the message names one of ${c.names.join(', ')}: ${line}`).toBe(true);
  });
});
