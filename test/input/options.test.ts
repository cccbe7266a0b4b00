import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/failures/errors.js';
import { defaultLoadOptions, parseRunOptions, type RawRunOptions, type RunMode } from '../../src/input/options.js';
import { parseSlo } from '../../src/metrics/slo.js';
import { steppedTotalS } from '../../src/model/stepped.js';

function errorOf(raw: RawRunOptions, mode: RunMode): AppError {
  try {
    parseRunOptions(raw, mode);
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected an input error');
}

describe('parseRunOptions: defaults', () => {
  it.each(['local', 'platform'] as const)('defaultLoadOptions(%s) is what run parses with no flags', (mode) => {
    const { api: _api, model: _model, stream: _stream, name: _name, timeoutS: _t, idleTimeoutS: _i, ...load } =
      parseRunOptions({}, mode);
    expect(defaultLoadOptions(mode, 'n')).toEqual({ ...load, name: 'n' });
  });

  it('local defaults of docs/cli.md', () => {
    const options = parseRunOptions({}, 'local');
    expect(options).toMatchObject({
      concurrentUsers: 50,
      spawnRate: 30,
      durationS: 300,
      warmupS: 0,
      loadMode: 'fixed',
      step: null,
      rate: null,
      arrival: 'poisson',
      maxRequests: null,
      workers: 1,
      testData: '',
      successThreshold: 0.9,
      slo: [],
      timeoutS: undefined,
      idleTimeoutS: 60,
      name: null,
    });
  });

  it('platform warmup defaults to 120 s', () => {
    expect(parseRunOptions({}, 'platform').warmupS).toBe(120);
  });

  it('local mode takes any positive number of users and spawn rate', () => {
    const options = parseRunOptions({ concurrentUsers: '20000', spawnRate: '0.5', duration: '90s', warmup: '5s' }, 'local');
    expect([options.concurrentUsers, options.spawnRate, options.durationS, options.warmupS]).toEqual([20000, 0.5, 90, 5]);
  });
});

describe('parseRunOptions: invalid values name the flag, the value and the range', () => {
  it.each<[RawRunOptions, RunMode, string]>([
    [{ concurrentUsers: '0' }, 'local', '--concurrent-users "0" is invalid: expected a whole number from 1 to 50000'],
    [{ concurrentUsers: '-3' }, 'local', '--concurrent-users "-3" is invalid: expected a whole number from 1 to 50000'],
    [{ concurrentUsers: '2.5' }, 'local', '--concurrent-users "2.5" is invalid: expected a whole number from 1 to 50000'],
    [{ concurrentUsers: 'abc' }, 'local', '--concurrent-users "abc" is invalid: expected a whole number from 1 to 50000'],
    [{ concurrentUsers: '5001' }, 'platform', '--concurrent-users "5001" is invalid: expected a whole number from 1 to 5000 (platform mode)'],
    [{ spawnRate: '0' }, 'local', '--spawn-rate "0" is invalid: expected a number > 0 and ≤ 50000'],
    [{ spawnRate: '1001' }, 'platform', '--spawn-rate "1001" is invalid: expected a whole number from 1 to 1000 (platform mode)'],
    [{ duration: 'abc' }, 'local', '--duration "abc" is invalid: expected a number > 0 and ≤ 604800 s; durations are seconds or 90s, 5m, 1h'],
    [{ duration: '0' }, 'local', '--duration "0" is invalid: expected a number > 0 and ≤ 604800 s; durations are seconds or 90s, 5m, 1h'],
    [{ duration: '49h' }, 'platform', '--duration "49h" is invalid: expected a whole number from 1 to 172800 s (platform mode); durations are seconds or 90s, 5m, 1h'],
    [{ warmup: '-1' }, 'local', '--warmup "-1" is invalid: expected a number from 0 to 86400 s; durations are seconds or 90s, 5m, 1h'],
    [{ warmup: '31m' }, 'platform', '--warmup "31m" is invalid: expected a whole number from 0 to 1800 s (platform mode); durations are seconds or 90s, 5m, 1h'],
    [{ warmup: '5' }, 'platform', '--warmup "5" is invalid: expected 0 (no warmup) or a whole number from 10 to 1800 s (platform mode)'],
    [{ successThreshold: '1.5' }, 'local', '--success-threshold "1.5" is invalid: expected a number from 0 to 1'],
    [{ successThreshold: '90%' }, 'local', '--success-threshold "90%" is invalid: expected a number from 0 to 1'],
    [{ rate: '0' }, 'local', '--rate "0" is invalid: expected a number > 0 and ≤ 100000'],
    [{ maxRequests: '0' }, 'local', '--max-requests "0" is invalid: expected a whole number from 1 to 1000000000'],
    [{ workers: '0' }, 'local', '--workers "0" is invalid: expected a whole number from 1 to 64'],
    [{ timeout: '0' }, 'local', '--timeout "0" is invalid: expected a number > 0 and ≤ 86400 s; durations are seconds or 90s, 5m, 1h'],
    [{ idleTimeout: 'never' }, 'local', '--idle-timeout "never" is invalid: expected a number > 0 and ≤ 86400 s; durations are seconds or 90s, 5m, 1h'],
    [{ arrival: 'burst' }, 'local', '--arrival "burst" is invalid: expected poisson or constant'],
    [{ loadMode: 'ramp' }, 'local', '--load-mode "ramp" is invalid: expected fixed, stepped or burst'],
    [{ api: 'gemini' }, 'local', '--api "gemini" is invalid: expected openai-chat, anthropic-messages, openai-embeddings, openai-responses, ollama-chat, ollama-generate or openai-completions'],
    [{ rate: '5' }, 'platform', "--rate works only in local mode, but this run is in platform mode: the platform's engine runs closed-loop users only"],
    [{ workers: '2', maxRequests: '10' }, 'platform', '--max-requests, --workers work only in local mode, but this run is in platform mode: a platform task runs for its duration; the platform scales with its own engines'],
    [{ model: '  ' }, 'local', '--model is empty'],
    [{ name: 'x'.repeat(101) }, 'platform', '--name is invalid: expected 1 to 100 characters, got 101'],
    [{ name: '  ' }, 'local', '--name is empty'],
  ])('%o (%s)', (raw, mode, message) => {
    const error = errorOf(raw, mode);
    expect(error.message).toBe(message);
    expect(error.category).toBe('input');
    expect(error.exitCode).toBe(2);
    expect(error.hint).toBeTruthy();
  });

  it('lists every invalid value on one line', () => {
    const error = errorOf({ concurrentUsers: '0', duration: 'abc' }, 'local');
    expect(error.message).toBe(
      '--concurrent-users "0" is invalid: expected a whole number from 1 to 50000; --duration "abc" is invalid: expected a number > 0 and ≤ 604800 s; durations are seconds or 90s, 5m, 1h',
    );
    expect(error.code).toBe('OPTION_INVALID');
  });
});

describe('burst', () => {
  it('--burst N is N users, one request each, no warmup; --rounds and --pause default to 1 and 0', () => {
    expect(parseRunOptions({ burst: '50' }, 'local')).toMatchObject({ burst: { users: 50, rounds: 1, pauseS: 0 }, concurrentUsers: 50, spawnRate: 50, maxRequests: 50, warmupS: 0 });
    expect(parseRunOptions({ burst: '3', rounds: '4', pause: '1.5' }, 'local').burst).toEqual({ users: 3, rounds: 4, pauseS: 1.5 });
  });

  it('--load-mode burst --concurrent-users N is --burst N', () => {
    const viaMode = parseRunOptions({ loadMode: 'burst', concurrentUsers: '50', rounds: '2', pause: '3' }, 'local');
    expect(viaMode).toEqual(parseRunOptions({ burst: '50', rounds: '2', pause: '3' }, 'local'));
    expect(viaMode).toMatchObject({ loadMode: 'fixed', burst: { users: 50, rounds: 2, pauseS: 3 }, concurrentUsers: 50, maxRequests: 50 });
    const platform = errorOf({ loadMode: 'burst', concurrentUsers: '50' }, 'platform');
    expect([platform.code, platform.message]).toEqual(['OPTION_LOCAL_ONLY', "--load-mode burst works only in local mode, but this run is in platform mode: the platform's engine ramps users up at a spawn rate"]);
  });

  it.each<[RawRunOptions, string]>([
    [{ burst: '0' }, '--burst "0" is invalid: expected a whole number from 1 to 50000'],
    [{ burst: '2.5' }, '--burst "2.5" is invalid: expected a whole number from 1 to 50000'],
    [{ burst: '50001' }, '--burst "50001" is invalid: expected a whole number from 1 to 50000'],
    [{ burst: 'many' }, '--burst "many" is invalid'],
    [{ burst: '5', rounds: '0' }, '--rounds "0" is invalid: expected a whole number from 1 to 10000'],
    [{ burst: '5', pause: '-1' }, '--pause "-1" is invalid: expected a number from 0 to 604800 s'],
    [{ rounds: '2' }, '--rounds needs --burst'],
    [{ rounds: '2', pause: '1' }, '--rounds, --pause need --burst'],
    [{ burst: '5', concurrentUsers: '5' }, '--concurrent-users cannot be used with --burst'],
    [{ burst: '5', duration: '10', rate: '2', workers: '2' }, '--duration, --rate, --workers cannot be used with --burst'],
    [{ burst: '5', maxRequests: '5', warmup: '1', spawnRate: '9', loadMode: 'stepped' }, '--spawn-rate, --warmup, --load-mode, --max-requests cannot be used with --burst'],
    [{ loadMode: 'burst' }, '--load-mode burst needs --concurrent-users <n>'],
    [{ loadMode: 'burst', burst: '5', concurrentUsers: '5' }, '--load-mode burst and --burst both ask for a burst'],
    [{ loadMode: 'burst', concurrentUsers: '5', duration: '10', rate: '2' }, '--duration, --rate cannot be used with --load-mode burst'],
  ])('%o is refused: %s', (raw, message) => {
    const error = errorOf(raw, 'local');
    expect(error.code).toBe('OPTION_INVALID');
    expect(error.message).toContain(message);
  });

  it.each(['burst', 'rounds', 'pause'] as const)('--%s is local only', (key) => {
    const error = errorOf({ burst: '5', [key]: '2' }, 'platform');
    expect(error.code).toBe('OPTION_LOCAL_ONLY');
    expect(error.message).toContain(`--${key}`);
  });
});

describe('stepped load', () => {
  const stepped: RawRunOptions = {
    loadMode: 'stepped',
    stepStartUsers: '10',
    stepIncrement: '10',
    stepDuration: '60',
    stepMaxUsers: '50',
    stepSustain: '5m',
  };

  it('sends users = max, spawn rate = increment, duration = computed total (docs/platform.md)', () => {
    const options = parseRunOptions(stepped, 'platform');
    expect(options.step).toEqual({ startUsers: 10, increment: 10, durationS: 60, maxUsers: 50, sustainS: 300 });
    expect([options.concurrentUsers, options.spawnRate, options.durationS]).toEqual([50, 10, 4 * 60 + 300]);
  });

  it('refuses --concurrent-users, --spawn-rate and --duration beside the steps (they would be ignored)', () => {
    expect(() => parseRunOptions({ ...stepped, concurrentUsers: '7', duration: '10' }, 'local')).toThrow(
      '--concurrent-users, --duration cannot be used with --load-mode stepped: the steps set users, spawn rate and duration',
    );
  });

  it('counts at least one step when start equals max', () => {
    expect(steppedTotalS({ startUsers: 5, increment: 1, durationS: 30, maxUsers: 5, sustainS: 10 })).toBe(40);
  });

  it.each<[RawRunOptions, string]>([
    [{ loadMode: 'stepped', stepStartUsers: '1' }, '--load-mode stepped requires --step-increment, --step-duration, --step-max-users, --step-sustain'],
    [{ ...stepped, stepStartUsers: '60' }, '--step-start-users 60 is above --step-max-users 50'],
    [{ stepMaxUsers: '10' }, '--step-max-users needs --load-mode stepped'],
    [{ ...stepped, stepIncrement: '0' }, '--step-increment "0" is invalid: expected a whole number from 1 to 50000'],
    [{ ...stepped, stepDuration: '1.5' }, '--step-duration "1.5" is invalid: expected a whole number from 1 to 604800 s; durations are seconds or 90s, 5m, 1h'],
  ])('%o is refused', (raw, message) => {
    expect(errorOf(raw, 'local').message).toBe(message);
  });

  // The platform's limits, refused in platform mode only: the local engine is not bound by them.
  const beyondPlatform: [RawRunOptions, string][] = [
    [{ ...stepped, stepDuration: '86400', stepSustain: '172800' }, 'the stepped load lasts 518400 s (steps × --step-duration + --step-sustain), above the 172800 s limit'],
    [{ ...stepped, stepIncrement: '1001' }, '--step-increment "1001" is invalid: expected a whole number from 1 to 1000'],
    [{ ...stepped, stepStartUsers: '6000', stepMaxUsers: '8000' }, '--step-start-users "6000" is invalid: expected a whole number from 1 to 5000; --step-max-users "8000" is invalid: expected a whole number from 1 to 5000'],
    [{ ...stepped, stepDuration: '90000', stepSustain: '200000' }, '--step-duration "90000" is invalid: expected a whole number from 1 to 86400 s; durations are seconds or 90s, 5m, 1h; --step-sustain "200000" is invalid: expected a whole number from 1 to 172800 s; durations are seconds or 90s, 5m, 1h'],
  ];

  it.each(beyondPlatform)('%o is refused in platform mode', (raw, message) => {
    expect(errorOf(raw, 'platform').message).toBe(message);
  });

  it.each(beyondPlatform)('%o is accepted in local mode', (raw) => {
    expect(parseRunOptions(raw, 'local').loadMode).toBe('stepped');
  });

  it('runs a local stepped plan past every platform step limit as given', () => {
    const options = parseRunOptions(
      { loadMode: 'stepped', stepStartUsers: '6000', stepIncrement: '2000', stepDuration: '100000', stepMaxUsers: '10000', stepSustain: '200000' },
      'local',
    );
    expect(options.step).toEqual({ startUsers: 6000, increment: 2000, durationS: 100000, maxUsers: 10000, sustainS: 200000 });
    expect([options.concurrentUsers, options.spawnRate, options.durationS]).toEqual([10000, 2000, 2 * 100000 + 200000]);
  });
});

describe('parseSlo', () => {
  it('parses checks into SloCheck values in ms', () => {
    expect(parseSlo('ttft_p95<=2000, e2e_p99<30s,itl_mean<=50ms')).toEqual([
      { raw: 'ttft_p95<=2000', metric: 'ttft', stat: 'p95', op: '<=', limit: 2000 },
      { raw: 'e2e_p99<30s', metric: 'e2e', stat: 'p99', op: '<', limit: 30000 },
      { raw: 'itl_mean<=50ms', metric: 'itl', stat: 'mean', op: '<=', limit: 50 },
    ]);
  });

  it('knows chunk_gap and p999', () => {
    expect(parseSlo('chunk_gap_p999<=500')).toEqual([{ raw: 'chunk_gap_p999<=500', metric: 'chunk_gap', stat: 'p999', op: '<=', limit: 500 }]);
  });

  it.each([',', ' , '])('refuses an empty list (%j)', (text) => {
    let error: unknown;
    try {
      parseSlo(text);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: 'SLO_INVALID', message: '--slo is empty', hint: 'e.g. --slo "ttft_p95<=2000,e2e_p99<=30000"', exitCode: 2 });
  });

  it.each(['ttft<=2000', 'latency_p95<=1', 'ttft_p95>=2000', 'ttft_p95<=fast', 'ttft_p42<=5'])('refuses %s with the expected form', (text) => {
    let error: unknown;
    try {
      parseSlo(text);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('SLO_INVALID');
    expect((error as AppError).message).toBe(
      `--slo "${text}" is invalid: expected <metric>_<stat><=<ms>, with metric ttft|ttfo|itl|e2e|chunk_gap and stat mean|min|max|p50|p90|p95|p99|p999`,
    );
  });
});
