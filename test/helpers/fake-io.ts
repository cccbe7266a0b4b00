import type { Io, SignalName } from '../../src/cli/io.js';

/** An in-memory Io for CLI tests (k6's test state): captured stdout/stderr, a given env and stdin. */
export interface FakeIo extends Io {
  out(): string;
  err(): string;
  emit(signal: SignalName): void;
  /** Signals the CLI raised on itself (a second Ctrl-C). */
  raised: SignalName[];
}

export function createFakeIo(options: { env?: Record<string, string>; stdin?: string; cwd?: string } = {}): FakeIo {
  let stdout = '';
  let stderr = '';
  const handlers = new Map<SignalName, Set<() => void>>();
  const raised: SignalName[] = [];
  return {
    stdout: { write: (s: string) => (stdout += s), isTTY: false },
    stderr: { write: (s: string) => (stderr += s), isTTY: false },
    readStdin: async () => {
      if (options.stdin === undefined) throw new Error('no stdin');
      return options.stdin;
    },
    // Never reach a real platform by accident: tests that want one set it.
    env: { ...options.env },
    cwd: options.cwd ?? process.cwd(),
    onSignal: (signal, handler) => {
      const set = handlers.get(signal) ?? new Set();
      set.add(handler);
      handlers.set(signal, set);
      return () => set.delete(handler);
    },
    raise: (signal) => {
      raised.push(signal);
    },
    raised,
    out: () => stdout,
    err: () => stderr,
    emit: (signal) => {
      for (const h of handlers.get(signal) ?? []) h();
    },
  };
}
