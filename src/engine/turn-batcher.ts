import type { User } from './user.js';

/** Whether a request may start now; checked before each batched send. */
export interface SendGate {
  canSend(nowMs: number): boolean;
  /** Before a batch of sends: the records finished so far reach the results file (a hard kill loses none). */
  beforeSends(): void;
}

/**
 * Work done once per event-loop turn rather than per read: users' stamped reads are parsed after every
 * read of the turn was stamped (one stream's parsing never delays another's timestamp), then users
 * that finished go again, after the response's callbacks, when their connection is back in the pool.
 */
export class TurnBatcher {
  private readonly gate: SendGate;
  private parseQueue: User[] = [];
  private parseScheduled = false;
  private draining = false;
  private pendingSends: User[] = [];
  /** Beside pendingSends: the planned start of an open-loop arrival, -1 for a closed-loop user. */
  private pendingScheduled: number[] = [];
  private sendScheduled = false;

  constructor(gate: SendGate) {
    this.gate = gate;
  }

  queueParse(user: User): void {
    this.parseQueue.push(user);
    if (this.parseScheduled) return;
    this.parseScheduled = true;
    setImmediate(this.drainParseQueue);
  }

  /** Send `user` once this turn's reads are handled; `scheduledAtMs`: an open-loop arrival's planned start. */
  queueSend(user: User, scheduledAtMs = -1): void {
    this.pendingSends.push(user);
    this.pendingScheduled.push(scheduledAtMs);
    if (this.sendScheduled || this.draining) return;
    this.sendScheduled = true;
    setImmediate(this.flushSends);
  }

  /** The run is stopping: users waiting to go again stay idle. */
  dropSends(): void {
    this.pendingSends = [];
    this.pendingScheduled = [];
  }

  /** A bound field, not a closure per call: runs once per event-loop turn with reads. */
  private readonly drainParseQueue = (): void => {
    this.parseScheduled = false;
    const users = this.parseQueue;
    this.parseQueue = [];
    this.draining = true;
    for (const user of users) user.parsePending();
    this.draining = false;
    // Users whose streams were settled here go again now: their connections are back in the pool.
    if (this.pendingSends.length > 0) this.flushSends();
  };

  private readonly flushSends = (): void => {
    this.sendScheduled = false;
    const users = this.pendingSends;
    const scheduled = this.pendingScheduled;
    this.pendingSends = [];
    this.pendingScheduled = [];
    this.gate.beforeSends();
    const now = performance.now();
    for (let i = 0; i < users.length; i += 1) {
      const user = users[i];
      if (user === undefined) continue;
      // An arrival planned before the end still goes (it was due); its queue time counts from its plan.
      const at = scheduled[i] ?? -1;
      if (!this.gate.canSend(at >= 0 ? at : now)) return;
      user.send(at);
    }
  };
}
