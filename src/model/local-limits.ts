/**
 * Upper bounds of local mode's load flags (docs/cli.md "Load"), each for a reason: past them the engine
 * would not do what was asked, or would do it out of bounded memory, rather than fail cleanly.
 */
export const LOCAL_LIMITS = {
  /**
   * Users (and step users, spawn rate): each holds a connection, and one machine opens about 28,000 to
   * one host and port (the ephemeral port range); beyond 50,000 memory grows with no more load sent.
   */
  users: 50_000,
  spawnRate: 50_000,
  /** Requests per second: one Node process sends at most some 10,000–20,000; a schedule far beyond it only queues. */
  rate: 100_000,
  /** Worker threads: each is a whole V8 instance (tens of MB); past the cores they only compete. */
  workers: 64,
  maxRequests: 1_000_000_000,
  /** Burst rounds, and the pause between them (seconds): a week of pauses at most, as for --duration. */
  burstRounds: 10_000,
  burstPauseS: 604_800,
  /** Seconds. Node's timers overflow past 24.8 days (2^31 ms): a week of load, a day of warmup. */
  durationS: 604_800,
  warmupS: 86_400,
  /** Seconds: no single request or gap between reads is worth waiting more than a day for. */
  timeoutS: 86_400,
  /** Each step, and the sustain, within the week the whole stepped load may last. */
  stepDurationS: 604_800,
  stepSustainS: 604_800,
} as const;
