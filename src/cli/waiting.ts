/** The first waiting line comes after this long (well within the 2 s an agent's tool call can bear)... */
const FIRST_LINE_MS = 1000;
/** ...and then one every this long, until the wait ends. */
const EVERY_MS = 5000;

/**
 * A wait said out loud on stderr: nothing when the answer comes within a second, else a line then and
 * every few seconds after, saying what we wait for, how long so far and the limit, e.g.
 * `waiting for the pre-check answer from http://h/v1/chat/completions: 6 s so far (limit 120 s)`.
 * Returns the function that ends it.
 */
export function startWaiting(say: (line: string) => void, what: string, limitMs: number | null): () => void {
  const startedAt = performance.now();
  const line = (): void => {
    const soFarS = Math.round((performance.now() - startedAt) / 1000);
    say(`waiting for ${what}: ${soFarS} s so far${limitMs === null ? '' : ` (limit ${formatLimit(limitMs)})`}`);
  };
  let every: ReturnType<typeof setInterval> | undefined;
  const first = setTimeout(() => {
    line();
    every = setInterval(line, EVERY_MS);
    every.unref();
  }, FIRST_LINE_MS);
  first.unref();
  return () => {
    clearTimeout(first);
    clearInterval(every);
  };
}

/** Say the wait while the promise is pending. */
export async function sayWhileWaiting<T>(promise: Promise<T>, say: (line: string) => void, what: string, limitMs: number | null): Promise<T> {
  const stop = startWaiting(say, what, limitMs);
  try {
    return await promise;
  } finally {
    stop();
  }
}

function formatLimit(ms: number): string {
  return `${Math.round(ms / 100) / 10} s`;
}
