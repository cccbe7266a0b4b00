import type { Partition } from './partition.js';

/**
 * Where each request's body comes from. The thread asks once per request; a workload that picks its
 * prompt per request is another implementation, and the users and executors do not change.
 */
export interface BodySource {
  next(): Buffer;
}

/** The test data in turn; threads interleave (thread k takes k, k + count, ...) so together they go round. */
export class RoundRobinBodies implements BodySource {
  private readonly bodies: readonly Buffer[];
  private readonly stride: number;
  private index: number;

  constructor(bodies: readonly Buffer[], partition: Partition) {
    this.bodies = bodies;
    this.stride = partition.count;
    this.index = partition.index;
  }

  next(): Buffer {
    const bodies = this.bodies;
    // In range: prepareRequest makes one body per prompt or one for the given body.
    const body = bodies[this.index % bodies.length] as Buffer;
    this.index += this.stride;
    return body;
  }
}
