import { describe, expect, it } from 'vitest';
import { detectCommandName } from '../../src/cli/io.js';
import { nameCommand } from '../../src/cli/render-error.js';
import { runCli } from '../../src/cli/run-cli.js';
import { createFakeIo } from '../helpers/fake-io.js';

/** Hints that say what to do next: the flag the user left out, and the command they actually ran. */
async function run(argv: string[], commandName?: string) {
  const io = { ...createFakeIo(), ...(commandName === undefined ? {} : { commandName }) };
  const code = await runCli(argv, io);
  return { code, out: io.out(), err: io.err() };
}

describe('a target given without its flag', () => {
  it('a URL as a positional argument: use --url', async () => {
    const { code, err } = await run(['https://api.example.test/v1/chat/completions', '--model', 'm']);
    expect(code).toBe(2);
    expect(err).toBe(
      'Error: "https://api.example.test/v1/chat/completions" was given as an argument, not as --url\n' +
        'Hint: use --url: `llm-loadtest --url https://api.example.test/v1/chat/completions …` (or --curl \'<curl command>\')\n',
    );
  });

  it('after `run` and without a scheme, too', async () => {
    const { err } = await run(['run', '--model', 'm', 'localhost:8000/v1/chat/completions']);
    expect(err).toContain('Error: "localhost:8000/v1/chat/completions" was given as an argument, not as --url\n');
  });

  it('a curl command pasted without --curl', async () => {
    const { code, err } = await run(['curl', 'https://api.example.test/v1/chat/completions', '-H', 'x: y']);
    expect(code).toBe(2);
    expect(err).toContain('Error: a curl command was given without --curl\n');
    expect(err).toContain("Hint: pass the whole command as one quoted value: `llm-loadtest --curl 'curl https://… -H … -d …'`");
  });

  it('any other stray word keeps commander\'s message', async () => {
    const { code, err } = await run(['--url', 'https://api.example.test/v1/chat/completions', 'extra']);
    expect(code).toBe(2);
    expect(err).toContain("Error: too many arguments for 'run'");
  });
});

describe('hints name the command that was run', () => {
  it('through the skill\'s launcher: node scripts/run.mjs', async () => {
    const { err } = await run(['https://api.example.test/v1/chat/completions'], 'node scripts/run.mjs');
    expect(err).toContain('Hint: use --url: `node scripts/run.mjs --url https://api.example.test/v1/chat/completions …`');
    const usage = await run(['--nope'], 'node scripts/run.mjs');
    expect(usage.err).toContain('Hint: run `node scripts/run.mjs --help` (or `node scripts/run.mjs <command> --help`) for the options\n');
  });

  it("--help's usage line too", async () => {
    expect((await run(['--help'], 'node scripts/run.mjs')).out).toContain('Usage: node scripts/run.mjs [options] [command]');
    expect((await run(['--help'])).out).toContain('Usage: llm-loadtest [options] [command]');
  });

  it('--json errors too', async () => {
    const { out } = await run(['--concurrent-users', '0', '--url', 'https://api.example.test/v1/chat/completions', '--model', 'm', '--json'], 'node scripts/run.mjs');
    expect((JSON.parse(out) as { hint: string }).hint).toBe('fix the value; `node scripts/run.mjs run --help` lists the options and their defaults');
  });

  it.each([
    ['/usr/lib/node_modules/llm-loadtest/dist/cli/main.js', '/home/me', 'llm-loadtest'],
    ['/home/me/.skills/lmeterx/scripts/run.mjs', '/home/me/.skills/lmeterx', 'node scripts/run.mjs'],
    ['/home/me/.skills/lmeterx/scripts/run.mjs', '/tmp/work', 'node /home/me/.skills/lmeterx/scripts/run.mjs'],
    ['/home/me/my skills/scripts/run.mjs', '/tmp', 'node "/home/me/my skills/scripts/run.mjs"'],
    [undefined, '/tmp', 'llm-loadtest'],
  ])('detectCommandName(%s, %s) = %s', (script, cwd, expected) => {
    expect(detectCommandName(script, cwd)).toBe(expected);
  });

  it('only command words are renamed, ordinary text is not', () => {
    const name = 'node scripts/run.mjs';
    expect(nameCommand('see `llm-loadtest status abc`', name)).toBe('see `node scripts/run.mjs status abc`');
    expect(nameCommand('pipe it in (`pbpaste | llm-loadtest --curl -`)', name)).toBe('pipe it in (`pbpaste | node scripts/run.mjs --curl -`)');
    expect(nameCommand('give the results.jsonl of an llm-loadtest run', name)).toBe('give the results.jsonl of an llm-loadtest run');
    expect(nameCommand('see `llm-loadtest status abc`', undefined)).toBe('see `llm-loadtest status abc`');
  });
});

describe('--quiet: nothing but errors and the result', () => {
  it('a dry run under --quiet: no mode line, no notes, no warnings; the plan on stdout', async () => {
    const { code, out, err } = await run(['--url', 'https://api.example.test/v1/chat/completions', '--model', 'm', '--api', 'anthropic-messages', '--quiet', '--dry-run']);
    expect(code).toBe(0);
    expect(err).toBe('');
    expect(out).toContain('Plan (dry run: nothing was sent)');
  });

  it('an error under --quiet is still said', async () => {
    const { code, err } = await run(['--url', 'https://api.example.test/v1/chat/completions', '--quiet']);
    expect(code).toBe(2);
    expect(err).toMatch(/^Error: no model/);
  });
});
