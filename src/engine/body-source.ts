import type { Partition } from './partition.js';

/**
 * Where each request's body comes from. The thread asks once per request; a workload that picks its
 * prompt per request is another implementation, and the users and executors do not change.
 */
export interface BodySource {
  /** The body of the next request, of this conversation (synthetic prompts start with its cache-bust tag). */
  next(conversation: number): Buffer;
  /** Of the body `next` last returned: its prompt tokens as sent (synthetic prompts), else null. */
  readonly inputTokens: number | null;
  /** Of the body `next` last returned: the output length it asks for when we set it, else null. */
  readonly outputTokens: number | null;
}

/** The test data in turn; threads interleave (thread k takes k, k + count, ...) so together they go round. */
export class RoundRobinBodies implements BodySource {
  private readonly bodies: readonly Buffer[];
  private readonly stride: number;
  private index: number;
  readonly inputTokens = null;
  readonly outputTokens: number | null;

  /** `outputTokens`: the length every body asks for (`--output-tokens` on the given prompts), or null. */
  constructor(bodies: readonly Buffer[], partition: Partition, outputTokens: number | null = null) {
    this.bodies = bodies;
    this.outputTokens = outputTokens;
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
