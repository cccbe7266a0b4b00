import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run-cli.js';
import { TOOL_VERSION } from '../../src/version.js';
import { createFakeIo } from '../helpers/fake-io.js';

describe('program', () => {
  it('prints the version and exits 0', async () => {
    const io = createFakeIo();
    expect(await runCli(['--version'], io)).toBe(0);
    expect(io.out().trim()).toBe(TOOL_VERSION);
  });

  it('prints help on stdout and exits 0', async () => {
    const io = createFakeIo();
    expect(await runCli(['--help'], io)).toBe(0);
    expect(io.out()).toContain('Usage: llm-loadtest');
  });

  it.each([
    [['status'], "missing required argument 'task-id'"],
    [['results', 'task-1', '--bogus'], "unknown option '--bogus'"],
    [['compare', 'a'], "missing required argument 'candidate'"],
    [['report'], "missing required argument 'run'"],
  ])('a usage error of a subcommand %j is exit 2 with one error line and the hint (never commander exiting by itself)', async (argv, message) => {
    const io = createFakeIo();
    expect(await runCli(argv, io)).toBe(2);
    expect(io.out()).toBe('');
    expect(io.err()).toBe(`Error: ${message}\nHint: run \`llm-loadtest --help\` (or \`llm-loadtest <command> --help\`) for the options\n`);
  });

  it('prints a subcommand\'s help on the injected stdout and exits 0', async () => {
    const io = createFakeIo();
    expect(await runCli(['status', '--help'], io)).toBe(0);
    expect(io.out()).toContain('Usage: llm-loadtest status');
  });

  it('rejects an unknown option with exit 2 and a hint', async () => {
    const io = createFakeIo();
    expect(await runCli(['--frobnicate'], io)).toBe(2);
    expect(io.err()).toContain("Error: unknown option '--frobnicate'");
    expect(io.err()).toContain('Hint: run `llm-loadtest --help`');
  });
});
