import { relative, sep } from 'node:path';
import { Chalk, type ChalkInstance } from 'chalk';

/** A text sink: process.stdout/stderr, or a buffer in tests. */
export interface OutStream {
  write(chunk: string): unknown;
  isTTY?: boolean | undefined;
  columns?: number | undefined;
}

export type SignalName = 'SIGINT' | 'SIGTERM';

/**
 * Everything the CLI takes from the operating system, injected (k6's GlobalState): tests pass a fake,
 * main.ts passes the real process. Nothing below cli/ touches `process` directly.
 */
export interface Io {
  stdout: OutStream;
  stderr: OutStream;
  /** Whole standard input as text (for `--curl -`); rejects when there is no stdin. */
  readStdin(): Promise<string>;
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  /** Subscribe to a signal; returns the unsubscribe function. */
  onSignal(signal: SignalName, handler: () => void): () => void;
  /**
   * How the user started us, for hints that name a command: `llm-loadtest` (the default), or
   * `node scripts/run.mjs` through the skill's launcher.
   */
  commandName?: string;
  /** Send a signal to this process (with no handler left, its default ends the process). */
  raise(signal: SignalName): void;
}

/** `node <launcher>` when started through scripts/run.mjs (relative when under cwd), else the bin's name. */
export function detectCommandName(scriptPath: string | undefined, cwd: string): string {
  if (scriptPath === undefined || !/(^|[\\/])scripts[\\/]run\.mjs$/.test(scriptPath)) return 'llm-loadtest';
  const rel = relative(cwd, scriptPath);
  const shown = rel !== '' && !rel.startsWith('..') && !rel.startsWith(sep) ? rel : scriptPath;
  return `node ${/\s/.test(shown) ? JSON.stringify(shown) : shown}`;
}

export function createProcessIo(): Io {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    readStdin: async () => {
      if (process.stdin.isTTY) throw new Error('stdin is a terminal');
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks).toString('utf8');
    },
    env: process.env,
    cwd: process.cwd(),
    commandName: detectCommandName(process.argv[1], process.cwd()),
    onSignal: (signal, handler) => {
      process.on(signal, handler);
      return () => process.off(signal, handler);
    },
    raise: (signal) => {
      process.kill(process.pid, signal);
    },
  };
}

/** Colour for one stream: off when it is not a TTY, when NO_COLOR is set, or with --no-color. */
export function createStyle(stream: OutStream, env: Io['env'], noColor = false): ChalkInstance {
  const off = noColor || stream.isTTY !== true || (env['NO_COLOR'] ?? '') !== '' || env['TERM'] === 'dumb';
  return new Chalk({ level: off ? 0 : 1 });
}

/** Per-invocation state the commands share: io, and whether output is machine-readable. */
export interface CliContext {
  io: Io;
  /** Set by commands that saw --json, so errors are printed as JSON too. */
  json: boolean;
  /** A command that finished but must not exit 0 (a failed threshold: 5; interrupted: 130) sets this. */
  exitCode?: number;
}
