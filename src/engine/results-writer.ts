import { closeSync, constants, fstatSync, fsyncSync, ftruncateSync, lstatSync, mkdirSync, openSync, readdirSync, readSync, statSync, writeSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { AppError, inputError } from '../failures/errors.js';

/** Files a folder holds once a run has used it: their presence means "refuse, do not overwrite". */
const RUN_FILES = ['results.jsonl', 'summary.json'];
/** Every file a run writes: none of them may be a link (writing would follow it). */
const WRITTEN_FILES = [...RUN_FILES, 'report.html', 'report.csv', 'metrics.prom', 'summary.previous.json'];

/** `<name>-<UTC stamp>`: safe in a file name on every OS, sorted by time. */
export function defaultRunDirName(name: string, at: Date): string {
  const safe = name.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 80) || 'run';
  const stamp = at.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `${safe}-${stamp}`;
}

/**
 * The run's folder: `--out`, or ./llm-loadtest-runs/<name>-<UTC stamp>. Refused (exit 2): a path that is
 * not a folder (a file, a link to one, /dev/null), a folder that already holds a run (its results would
 * be mixed with this one's), and a folder holding a symbolic link where a run file goes (writing would
 * follow it onto another file). Nothing is created yet.
 */
export function resolveRunDir(options: { outDir: string | null; name: string; cwd: string; now?: Date }): string {
  const dir =
    options.outDir === null
      ? join(options.cwd, 'llm-loadtest-runs', defaultRunDirName(options.name, options.now ?? new Date()))
      : isAbsolute(options.outDir)
        ? options.outDir
        : resolve(options.cwd, options.outDir);
  let entries: string[] | null;
  try {
    entries = statSync(dir).isDirectory() ? readdirSync(dir) : null;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    if (code === 'ENOENT') return dir;
    if (code === 'ENOTDIR') entries = null;
    else throw unwritable(dir, `cannot be read (${code})`);
  }
  if (entries === null) throw unwritable(dir, 'is not a folder (a file, a link to a file, or a device)');
  const held = entries.filter((file) => RUN_FILES.includes(file));
  if (held.length > 0) {
    throw inputError(
      'OUT_DIR_HAS_RUN',
      `--out ${dir}: the folder already holds a run (${held.join(', ')})`,
      'give a new folder with --out, or leave --out out to get a fresh time-stamped one',
    );
  }
  const links = entries.filter((file) => WRITTEN_FILES.includes(file) && lstatSync(join(dir, file)).isSymbolicLink());
  if (links.length > 0) throw unwritable(dir, `holds a symbolic link where a run file goes (${links.join(', ')}): writing would follow it`);
  return dir;
}

function unwritable(dir: string, what: string): Error {
  return inputError('OUT_DIR_UNWRITABLE', `--out ${dir}: ${what}`, 'give a new or empty folder you can write to with --out');
}

/** Create the folder resolveRunDir chose (after the pre-check passed: a failed target leaves nothing). */
export function createRunDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (error) {
    throw inputError(
      'OUT_DIR_UNWRITABLE',
      `--out ${dir}: cannot create the folder (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
      'give a folder you can write to with --out',
    );
  }
}

/** What a failed write of results.jsonl says (a full disk), for the run to stop on and report. */
export function writeFailedError(path: string, cause: unknown): Error {
  const code = errnoOf(cause);
  const why = code === 'ENOSPC' ? 'the disk is full' : code === 'EDQUOT' ? 'the disk quota is used up' : String((cause as Error).message);
  return new AppError('OUT_WRITE_FAILED', `could not write ${path}: ${why} (${code}); the load was stopped, every complete record is kept`, {
    category: 'input',
    stage: 'run',
    hint: 'free space on that disk (or give --out on another one) and run again; `llm-loadtest report <dir>` rebuilds the reports from the kept records',
    details: { path, errno: code },
  });
}

export function errnoOf(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'error';
}

/** fs.writeSync's shape (tests pass one that fails like a full disk). */
export type WriteFunction = (fd: number, buffer: Buffer, offset: number, length: number) => number;

/**
 * results.jsonl, opened once in append mode, never through a symbolic link. Lines are buffered for at
 * most one event-loop turn: `flush()` runs before the engine sends its next batch of requests and on the
 * next turn, so a hard kill (SIGKILL, power loss aside) loses at most the requests in flight. A failed
 * write (a full disk) truncates the file back to its last complete line, stops writing and calls
 * `onFailure` once.
 */
export class ResultsWriter {
  readonly path: string;
  /** The open file (worker threads append to it directly); -1 once closed or failed. */
  fd: number;
  failure: Error | null = null;
  private buffer: string[] = [];
  private immediate = false;
  private scheduled = false;
  private readonly write: WriteFunction;
  private readonly onFailure: (error: Error, cause: unknown) => void;

  private readonly ownsFd: boolean;

  /** `fd`: append to a file another thread opened (a worker thread), without closing it. */
  constructor(dir: string, options: { write?: WriteFunction; onFailure?: (error: Error, cause: unknown) => void; fd?: number } = {}) {
    this.path = join(dir, 'results.jsonl');
    this.write = options.write ?? writeSync;
    this.onFailure = options.onFailure ?? (() => undefined);
    this.ownsFd = options.fd === undefined;
    if (options.fd !== undefined) {
      this.fd = options.fd;
      return;
    }
    try {
      this.fd = openSync(this.path, constants.O_RDWR | constants.O_APPEND | constants.O_CREAT | constants.O_NOFOLLOW, 0o644);
    } catch (error) {
      throw unwritable(dir, `results.jsonl cannot be opened (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
    }
  }

  /** One JSON line (without the newline). */
  writeLine(line: string): void {
    if (this.fd < 0) return;
    this.buffer.push(line);
    if (this.immediate || this.buffer.length >= 512) this.flush();
    else if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.flushSoon);
    }
  }

  /** Several JSON lines already joined with newlines, ending with one (from a worker). */
  writeBlock(block: string): void {
    if (this.fd < 0 || block === '') return;
    this.flush();
    this.append(block);
  }

  /** One write per line from now on (after the first Ctrl-C, so a second one loses nothing finished). */
  setImmediate(on: boolean): void {
    this.immediate = on;
    if (on) this.flush();
  }

  flush(): void {
    if (this.fd < 0 || this.buffer.length === 0) return;
    const text = `${this.buffer.join('\n')}\n`;
    this.buffer = [];
    this.append(text);
  }

  private readonly flushSoon = (): void => {
    this.scheduled = false;
    this.flush();
  };

  private append(text: string): void {
    const bytes = Buffer.from(text);
    let written = 0;
    try {
      while (written < bytes.length) written += this.write(this.fd, bytes, written, bytes.length - written);
    } catch (error) {
      this.fail(error);
    }
  }

  /** Cut a torn last line off, stop writing, say so once. */
  private fail(cause: unknown): void {
    const fd = this.fd;
    this.fd = -1;
    this.buffer = [];
    try {
      truncateToLastLine(fd);
    } catch {
      // The file keeps its torn line; the reader skips a line that does not parse.
    }
    if (this.ownsFd) closeQuietly(fd);
    this.failure = writeFailedError(this.path, cause);
    this.onFailure(this.failure, cause);
  }

  /** A worker thread could not append (it truncated the torn line): no more writes, say why once. */
  markFailed(cause: Error): void {
    if (this.failure !== null) return;
    this.buffer = [];
    this.failure = writeFailedError(this.path, cause);
    this.onFailure(this.failure, cause);
  }

  close(): void {
    if (this.fd < 0) return;
    this.flush();
    if (this.fd < 0) return;
    const fd = this.fd;
    this.fd = -1;
    if (!this.ownsFd) return;
    try {
      fsyncSync(fd);
    } catch {
      // fsync is for power loss; the lines are already with the OS.
    }
    closeQuietly(fd);
  }
}

/** Truncate an append-only file after its last newline (a write cut short leaves a torn line). */
function truncateToLastLine(fd: number): void {
  const size = fstatSync(fd).size;
  const tail = Buffer.alloc(Math.min(size, 1024 * 1024));
  readSync(fd, tail, 0, tail.length, size - tail.length);
  const lastNewline = tail.lastIndexOf(0x0a);
  const keep = lastNewline < 0 ? size - tail.length : size - tail.length + lastNewline + 1;
  if (keep < size) ftruncateSync(fd, keep);
}

function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // Nothing more to lose.
  }
}
