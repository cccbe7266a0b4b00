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

  it('rejects an unknown option with exit 2 and a hint', async () => {
    const io = createFakeIo();
    expect(await runCli(['--frobnicate'], io)).toBe(2);
    expect(io.err()).toContain("Error: unknown option '--frobnicate'");
    expect(io.err()).toContain('Hint: run `llm-loadtest --help`');
  });
});
