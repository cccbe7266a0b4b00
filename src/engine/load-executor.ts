import type { StopReason } from './stop-rules.js';
import type { User } from './user.js';

/** What an executor needs from the thread it drives. */
export interface ExecutorHost {
  /** Why the run is stopping, null while it runs. */
  readonly stopping: StopReason | null;
  /** A new user with this id, owned (timeouts, grace) and counted by the thread. */
  addUser(id: number): User;
  /** Tell the timeline how many users this thread has now. */
  reportUsers(atMs: number): void;
  /** A user rests (a stage wants fewer): it no longer counts, and the timeline is told. */
  restUser(atMs: number): void;
  /** A resting user goes again (counted again; the caller reports the users). */
  wakeUser(): void;
  /** Whether a request may start at `nowMs`; stops the run when a stop rule says so. */
  canSend(nowMs: number): boolean;
  /** Send this user (again) once this event-loop turn's reads are handled, at one flush of the records. */
  queueSend(user: User, scheduledAtMs?: number): void;
  /** Before sending directly (not through queueSend): the records finished so far reach the results file. */
  beforeSends(): void;
  /** Run `fn` at `atMs` (performance.now() time) unless the run stops first. */
  at(atMs: number, fn: () => void): void;
}

/** How late an open loop sent the arrivals that had a free user, over the measured window (ms; null: none sent). */
export interface ScheduleLag {
  p99Ms: number | null;
  maxMs: number | null;
}

/**
 * Decides when a thread's requests start: the closed loop (users that go again as soon as they finish)
 * or the open loop (arrivals at a rate, users capping concurrency). The thread holds one and never asks
 * which.
 */
export interface LoadExecutor {
  /** The run has started: start the first users or arrivals. */
  begin(runStartMs: number, warmupEndMs: number): void;
  /** `user` finished a request while the run goes on: send it again, or keep it for later. */
  release(user: User): void;
  /** The duration is up: start what was due before the end, even if its timer has not run yet. */
  finishDue(): void;
  /** The run is stopping: forget what is queued. */
  halt(): void;
  /** Arrivals still queued when the run stopped (never sent). */
  readonly droppedArrivals: number;
  /** Open loop: how late it sent; null for a loop without a schedule (closed loop, burst). */
  readonly scheduleLag: ScheduleLag | null;
}
