import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, writeFileSync, writeSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { inputError } from '../failures/errors.js';

/** Files a folder holds once a run has used it: their presence means "refuse, do not overwrite". */
const RUN_FILES = ['results.jsonl', 'summary.json'];

/** `<name>-<UTC stamp>`: safe in a file name on every OS, sorted by time. */
export function defaultRunDirName(name: string, at: Date): string {
  const safe = name.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 80) || 'run';
  const stamp = at.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `${safe}-${stamp}`;
}

/**
 * The run's folder: `--out`, or ./llm-loadtest-runs/<name>-<UTC stamp>. A folder that already holds a
 * run is refused (exit 2): its results would be mixed with this one's. Nothing is created yet.
 */
export function resolveRunDir(options: { outDir: string | null; name: string; cwd: string; now?: Date }): string {
  const dir =
    options.outDir === null
      ? join(options.cwd, 'llm-loadtest-runs', defaultRunDirName(options.name, options.now ?? new Date()))
      : isAbsolute(options.outDir)
        ? options.outDir
        : resolve(options.cwd, options.outDir);
  if (existsSync(dir)) {
    const held = readdirSync(dir).filter((file) => RUN_FILES.includes(file));
    if (held.length > 0) {
      throw inputError(
        'OUT_DIR_HAS_RUN',
        `--out ${dir}: the folder already holds a run (${held.join(', ')})`,
        'give a new folder with --out, or leave --out out to get a fresh time-stamped one',
      );
    }
  }
  return dir;
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

/**
 * results.jsonl, opened once in append mode. Lines are batched and written on a short timer (a crash
 * loses at most that much); `setImmediate(true)` switches to one write per line (after the first
 * Ctrl-C, so a second one loses nothing already finished).
 */
export class ResultsWriter {
  readonly path: string;
  private fd: number | null;
  private buffer: string[] = [];
  private immediate = false;
  private readonly timer: NodeJS.Timeout;

  constructor(dir: string, flushIntervalMs = 100) {
    this.path = join(dir, 'results.jsonl');
    this.fd = openSync(this.path, 'a');
    this.timer = setInterval(() => this.flush(), flushIntervalMs);
    this.timer.unref();
  }

  /** One JSON line (without the newline). */
  writeLine(line: string): void {
    if (this.fd === null) return;
    this.buffer.push(line);
    if (this.immediate || this.buffer.length >= 512) this.flush();
  }

  /** Several JSON lines already joined with newlines, ending with one (from a worker). */
  writeBlock(block: string): void {
    if (this.fd === null || block === '') return;
    this.flush();
    writeSync(this.fd, block);
  }

  setImmediate(on: boolean): void {
    this.immediate = on;
    if (on) this.flush();
  }

  flush(): void {
    if (this.fd === null || this.buffer.length === 0) return;
    const text = `${this.buffer.join('\n')}\n`;
    this.buffer = [];
    writeSync(this.fd, text);
  }

  close(): void {
    clearInterval(this.timer);
    this.flush();
    if (this.fd !== null) {
      fsyncSync(this.fd);
      closeSync(this.fd);
      this.fd = null;
    }
  }
}

/** summary.json and the other whole files of a run, written at the end. */
export function writeRunFile(dir: string, file: string, text: string): string {
  const path = join(dir, file);
  writeFileSync(path, text);
  return path;
}
