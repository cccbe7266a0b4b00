import { AppError } from '../failures/errors.js';

/** Wait for `work` unless the run is stopped first (Ctrl-C, SIGTERM): then INTERRUPTED (exit 130). */
export async function unlessStopped<T>(signal: AbortSignal, what: string, work: Promise<T>): Promise<T> {
  const stopped = (): AppError =>
    new AppError('INTERRUPTED', `interrupted during ${what}: the load did not start and no file was written`, {
      category: 'interrupted',
      stage: 'run',
      hint: 'run the command again when you are ready',
    });
  if (signal.aborted) throw stopped();
  let onAbort: () => void = () => undefined;
  const aborted = new Promise<never>((_resolve, reject) => {
    onAbort = () => reject(stopped());
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([work, aborted]);
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}
