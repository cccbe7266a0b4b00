import { randomBytes } from 'node:crypto';
import { AppError } from '../failures/errors.js';
import type { LiveStats } from '../engine/live-stats.js';
import { renderDryRunJson } from '../input/dry-run.js';
import type { RunPlan } from '../model/plan.js';
import type { Summary } from '../model/summary.js';
import type { LocalRun, LocalRunEvent } from '../run/local.js';
import { maskText, targetSecrets } from '../text/mask.js';

/** starting: the pre-check; running: the load; stopping: a stop was asked; finished: every file written; failed: no run files (or some, see error). */
export type ServedRunState = 'starting' | 'running' | 'stopping' | 'finished' | 'failed';

/** What a client sees of a run: docs/serve.md "Run status". Everything secret is masked. */
export interface ServedRunStatus {
  id: string;
  state: ServedRunState;
  createdAt: string;
  endedAt: string | null;
  /** The plan as `--dry-run --json` shows it (headers, cookies and body secrets masked). */
  plan: Record<string, unknown>;
  /** The live figures of the last tick (every `tickMs`), null before the load starts. */
  live: Omit<LiveStats, 'recentTtftMs'> | null;
  /** passed, failed or interrupted, once finished. */
  verdict: Summary['verdict'] | null;
  error: { code: string; message: string; hint: string | null } | null;
}

/** One SSE message: the event name and its JSON data. */
export interface ServedRunEvent {
  event: 'state' | 'tick' | 'done';
  data: unknown;
}

const ACTIVE: ReadonlySet<ServedRunState> = new Set(['starting', 'running', 'stopping']);

/** A run the service started: its state, live figures and listeners, fed by runLocal's events. */
export class ServedRun {
  readonly id = `run-${new Date().toISOString().replace(/[-:]/g, '').replace(/\..*$/, '')}-${randomBytes(4).toString('hex')}`;
  readonly createdAt = new Date();
  state: ServedRunState = 'starting';
  endedAt: Date | null = null;
  live: LiveStats | null = null;
  outDir: string | null = null;
  summary: Summary | null = null;
  error: ServedRunStatus['error'] = null;
  done: Promise<void> = Promise.resolve();
  private handle: LocalRun | null = null;
  private readonly listeners = new Set<(event: ServedRunEvent) => void>();
  private readonly mask: (text: string) => string;
  private readonly planView: Record<string, unknown>;

  constructor(readonly plan: RunPlan) {
    const secrets = targetSecrets(plan.target);
    this.mask = (text) => maskText(text, secrets);
    const view = renderDryRunJson(plan);
    // Where the files are is the service's business: clients fetch them through /files.
    delete view['outDir'];
    delete view['output'];
    this.planView = view;
  }

  get active(): boolean {
    return ACTIVE.has(this.state);
  }

  /** Follow a started runLocal: `start` is given the event handler and returns the run. */
  follow(start: (onEvent: (event: LocalRunEvent) => void) => LocalRun): void {
    const handle = start((event) => this.onEvent(event));
    this.handle = handle;
    this.done = handle.done.then(
      (result) => {
        this.summary = result.summary;
        this.outDir = result.outDir;
        this.finish('finished');
      },
      (error: unknown) => {
        const known = error instanceof AppError;
        this.error = {
          code: known ? error.code : 'INTERNAL',
          message: this.mask(error instanceof Error ? error.message : String(error)),
          hint: known && error.hint !== undefined ? this.mask(error.hint) : null,
        };
        this.finish('failed');
      },
    );
  }

  /** Ask the run to stop (in-flight requests get the grace period, then every file is written). */
  stop(detail: string): void {
    if (!this.active) return;
    this.setState('stopping');
    this.handle?.stop('interrupted', detail);
  }

  /** A listener gets every later event; the returned function unsubscribes. */
  subscribe(listener: (event: ServedRunEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Milliseconds until the run should end, as far as its plan and live figures tell. */
  remainingMs(): number {
    if (this.live !== null) return Math.max(0, this.live.totalMs - this.live.elapsedMs);
    const { load } = this.plan;
    return (load.warmupS + load.durationS) * 1000;
  }

  status(): ServedRunStatus {
    let live: ServedRunStatus['live'] = null;
    if (this.live !== null) {
      const { recentTtftMs: _ttfts, ...rest } = this.live;
      live = rest;
    }
    return {
      id: this.id,
      state: this.state,
      createdAt: this.createdAt.toISOString(),
      endedAt: this.endedAt?.toISOString() ?? null,
      plan: this.planView,
      live,
      verdict: this.summary?.verdict ?? null,
      error: this.error,
    };
  }

  private onEvent(event: LocalRunEvent): void {
    if (event.type === 'started') {
      this.outDir = event.outDir;
      if (this.state === 'starting') this.setState('running');
    } else if (event.type === 'tick') {
      this.live = event.live;
      this.emit({ event: 'tick', data: this.status().live });
    }
  }

  private finish(state: ServedRunState): void {
    this.endedAt = new Date();
    this.setState(state);
    this.emit({ event: 'done', data: this.status() });
    this.listeners.clear();
  }

  private setState(state: ServedRunState): void {
    if (this.state === state) return;
    this.state = state;
    this.emit({ event: 'state', data: { state } });
  }

  private emit(event: ServedRunEvent): void {
    for (const listener of this.listeners) listener(event);
  }
}
