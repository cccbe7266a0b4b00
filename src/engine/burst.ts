import type { ExecutorHost, LoadExecutor } from './load-executor.js';
import type { Partition } from './partition.js';

/**
 * Burst (`--burst N`): all N users are created and sent at once, one request each, with no spawn ramp.
 * The run's max-requests (N) is then reached, so the thread stops starting requests and ends when the
 * last answer is in; a user that finished is never sent again.
 */
export class BurstExecutor implements LoadExecutor {
  readonly droppedArrivals = 0;
  readonly scheduleLag = null;
  private readonly host: ExecutorHost;
  private readonly users: number;
  private readonly partition: Partition;

  constructor(host: ExecutorHost, users: number, partition: Partition) {
    this.host = host;
    this.users = users;
    this.partition = partition;
  }

  begin(): void {
    const host = this.host;
    const now = performance.now();
    const { index, count } = this.partition;
    host.beforeSends();
    // Created first, sent in a second pass: the sends then leave in one tight loop.
    const users = [];
    for (let id = index; id < this.users; id += count) users.push(host.addUser(id));
    host.reportUsers(now);
    for (const user of users) {
      if (!host.canSend(now)) break;
      user.send();
    }
    // Every request is out: this check meets max-requests and the run waits for the answers.
    host.canSend(now);
  }

  release(): void {
    // One request per user: a finished user stays done.
  }

  finishDue(): void {
    // Nothing is planned ahead.
  }

  halt(): void {
    // Nothing is queued.
  }
}
