/**
 * Limits of the LMeterX platform's TaskCreateReq and of its service layer (headers/cookies ≤ 20, not
 * 50): the one table of them. Platform mode checks flags against it (input/options.ts) and the payload
 * schema carries it (platform/schema.ts); local mode is not bound by it. Minimums are 1 unless named.
 */
export const PLATFORM_LIMITS = {
  nameChars: 100,
  hostChars: 255,
  pathChars: 255,
  modelChars: 255,
  concurrentUsers: 5000,
  spawnRate: 1000,
  durationS: 172_800,
  warmupMinS: 10,
  warmupMaxS: 1800,
  headers: 20,
  cookies: 20,
  headerKeyChars: 100,
  headerValueChars: 1000,
  payloadChars: 50_000,
  testDataChars: 1_000_000,
  stepStartUsers: 5000,
  stepIncrement: 1000,
  stepDurationS: 86_400,
  stepMaxUsers: 5000,
  stepSustainS: 172_800,
} as const;
