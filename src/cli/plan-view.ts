import type { CreateTaskRequest } from '../platform/schema.js';
import type { LoadForecast } from '../run/forecast.js';
import { formatCount, formatDuration, formatElapsed } from '../text/format.js';
import type { TextStyle } from '../text/style.js';

/**
 * The plan as one paragraph on stderr before the load: users, spawn rate, warmup, duration, when it ends,
 * and roughly how much traffic that is at the pre-check's pace, e.g.
 * `Plan: 50 users (30 started per second), no warmup, 300 s measured: ends about 05:17:02 UTC (in 5m 00s).`
 * `  At the pre-check's pace (1.2 s and 128 output tokens per request) about 12,480 requests and 1,597,440 output tokens; a loaded server is slower.`
 */
export function renderForecast(forecast: LoadForecast, style: TextStyle): string {
  const burst = forecast.burst;
  if (burst !== null) {
    const rounds = burst.rounds === 1 ? '' : `, ${burst.rounds} rounds ${burst.pauseS} s apart`;
    const plural = burst.users === 1 ? '' : 's';
    return `${style.bold('Plan:')} burst of ${formatCount(burst.users)} request${plural} at once (one per user, no ramp)${rounds}; each line below is one request as it completes.\n`;
  }
  const trace = forecast.trace;
  if (trace !== null) {
    const ends = `ends about ${forecast.endsAt.slice(11, 19)} UTC (in ${formatElapsed(forecast.totalS * 1000)}; --duration ${forecast.durationS} s at most)`;
    const tokens = forecast.outputTokens === null ? '' : ` asking ${formatCount(forecast.outputTokens)} output tokens`;
    return `${style.bold('Plan:')} trace replay of ${formatCount(trace.requests)} requests${tokens} over ${trace.spanS} s, each at its time (at most ${forecast.users} in flight): ${ends}.\n`;
  }
  const stages = forecast.stages ?? [];
  const staged = stages.every((stage) => stage.rate !== null) ? stages.map((stage) => `${stage.rate ?? 0} req/s`) : stages.map((stage) => `${stage.users ?? 0} ${stage.users === 1 ? 'user' : 'users'}`);
  const shape =
    stages.length > 0
      ? `${stages.length} ${stages.length === 1 ? 'stage' : 'stages'} (${staged.join(' → ')})`
      : forecast.loadMode === 'stepped'
      ? `stepped up to ${forecast.users} users (+${forecast.spawnRate} per step)`
      : `${forecast.users} ${forecast.users === 1 ? 'user' : 'users'} (${forecast.spawnRate} started per second)`;
  const open = forecast.rate === null || stages.length > 0 ? '' : `, at most ${forecast.rate} requests per second (open loop)`;
  const warmup =
    forecast.warmupS === 0
      ? 'no warmup'
      : `${forecast.warmupS} s warmup${forecast.mode === 'platform' && forecast.warmupIsDefault ? " (the platform's default; --warmup 0 for none)" : ''}`;
  const cap = forecast.maxRequests === null ? '' : `, at most ${formatCount(forecast.maxRequests)} measured requests`;
  const at = forecast.endsAt.slice(11, 19);
  const drain = forecast.mode === 'platform' ? ', plus up to 60 s of drain' : '';
  const lines = [
    `${style.bold('Plan:')} ${shape}${open}, ${warmup}, ${forecast.durationS} s measured${cap}: ends about ${at} UTC (in ${formatElapsed(forecast.totalS * 1000)}${drain}).`,
  ];
  if (forecast.pace !== null && forecast.requests !== null) {
    const tokensEach = forecast.pace.outputTokens === null ? '' : ` and ${formatCount(forecast.pace.outputTokens)} output tokens`;
    const tokens = forecast.outputTokens === null ? '' : ` and ${formatCount(forecast.outputTokens)} output tokens`;
    lines.push(
      `  At the pre-check's pace (${formatDuration(forecast.pace.latencyMs)}${tokensEach} per request) about ${formatCount(forecast.requests)} requests${tokens}; a loaded server is slower.`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** The load the platform was actually sent (the create payload's load fields), e.g. for `--json`. */
export function describeSentLoad(payload: CreateTaskRequest): Record<string, unknown> {
  return {
    concurrentUsers: payload.concurrent_users,
    spawnRate: payload.spawn_rate,
    durationS: payload.duration,
    warmupS: payload.warmup_enabled ? (payload.warmup_duration ?? null) : 0,
    loadMode: payload.load_mode,
    ...(payload.load_mode === 'stepped'
      ? {
          step: {
            startUsers: payload.step_start_users,
            increment: payload.step_increment,
            durationS: payload.step_duration,
            maxUsers: payload.step_max_users,
            sustainS: payload.step_sustain_duration,
          },
        }
      : {}),
    model: payload.model,
    stream: payload.stream_mode,
    testData: payload.test_data === '' || payload.test_data === 'default' ? payload.test_data : 'inline',
  };
}

/** One line: what the platform was sent. */
export function renderSentLoad(payload: CreateTaskRequest, style: TextStyle): string {
  const warmup = payload.warmup_enabled ? `${payload.warmup_duration ?? '?'} s warmup` : 'no warmup';
  const shape =
    payload.load_mode === 'stepped'
      ? `stepped ${payload.step_start_users ?? '?'}→${payload.concurrent_users} users (+${payload.spawn_rate} every ${payload.step_duration ?? '?'} s, ${payload.step_sustain_duration ?? '?'} s at the top)`
      : `${payload.concurrent_users} users, spawn rate ${payload.spawn_rate}/s`;
  const data = payload.test_data === '' ? 'the body every time' : payload.test_data === 'default' ? 'built-in prompts' : 'prompts sent inline';
  return `${style.bold('Sent:')}       ${shape}, ${payload.duration} s, ${warmup}, model ${payload.model}, ${payload.stream_mode ? 'streaming' : 'not streaming'}, ${data}\n`;
}
