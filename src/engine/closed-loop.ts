import type { LoadOptions } from '../model/plan.js';
import type { ExecutorHost, LoadExecutor } from './load-executor.js';
import { ownedShare, type Partition } from './partition.js';
import { nextUserChangeS, usersAt } from './schedule.js';
import type { User } from './user.js';

/**
 * Closed loop (fixed users with a spawn rate, stepped, or a profile's user stages): a user that finished
 * simply goes again, unless the shape now wants fewer users (a later stage with fewer): then it rests
 * until a stage wants it again.
 */
export class ClosedLoop implements LoadExecutor {
  readonly droppedArrivals = 0;
  readonly scheduleLag = null;
  private readonly host: ExecutorHost;
  private readonly load: LoadOptions;
  private readonly partition: Partition;
  private created = 0;
  private shapeStartMs = 0;
  /** Users of this thread sending (or thinking), and those resting because the shape wants fewer. */
  private active = 0;
  private readonly resting: User[] = [];
  private wanted = 0;

  constructor(host: ExecutorHost, load: LoadOptions, partition: Partition) {
    this.host = host;
    this.load = load;
    this.partition = partition;
  }

  begin(runStartMs: number, warmupEndMs: number): void {
    // Stepped load runs its start users through warmup and steps from the end of it.
    this.shapeStartMs = this.load.loadMode === 'stepped' ? warmupEndMs : runStartMs;
    this.applyShape();
  }

  release(user: User): void {
    if (this.active > this.wanted) {
      this.active -= 1;
      this.resting.push(user);
      this.host.restUser(performance.now());
      return;
    }
    this.host.queueSend(user);
  }

  finishDue(): void {
    // Nothing is planned ahead: users go again as soon as they finish.
  }

  halt(): void {
    // Nothing is queued here: the thread drops the users waiting to go again.
  }

  /** Start the users the shape wants by now (all threads together), and sleep until it wants more. */
  private applyShape(): void {
    const host = this.host;
    if (host.stopping !== null) return;
    const { index, count } = this.partition;
    const now = performance.now();
    const wanted = usersAt((now - this.shapeStartMs) / 1000, this.load);
    this.wanted = ownedShare(wanted, this.partition);
    host.beforeSends();
    while (this.active < this.wanted) {
      const user = this.resting.pop();
      if (user === undefined) break;
      this.active += 1;
      host.wakeUser();
      if (host.canSend(now)) user.send();
    }
    for (let id = index + this.created * count; id < wanted; id += count) {
      const user = host.addUser(id);
      this.created += 1;
      this.active += 1;
      if (!host.canSend(now)) break;
      user.send();
    }
    host.reportUsers(now);
    const nextS = nextUserChangeS((now - this.shapeStartMs) / 1000, this.load);
    if (nextS !== null) host.at(this.shapeStartMs + nextS * 1000, () => this.applyShape());
  }
}
