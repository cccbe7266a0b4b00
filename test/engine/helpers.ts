import type { LoadOptions, TargetSpec } from '../../src/model/plan.js';
import type { RecordSink } from '../../src/engine/run-load.js';
import { defaultLoadOptions } from '../../src/input/options.js';
import type { RequestRecord } from '../../src/model/summary.js';
import { getAdapter } from '../../src/protocol/registry.js';
import type { ApiType } from '../../src/protocol/types.js';

/** A target on the bundled mock, normalised the way `run` would. */
export function mockTarget(
  baseUrl: string,
  options: { apiType?: ApiType; stream?: boolean; headers?: Record<string, string>; timeoutMs?: number } = {},
): TargetSpec {
  const apiType = options.apiType ?? 'openai-chat';
  const stream = options.stream ?? true;
  const adapter = getAdapter(apiType);
  const normalized = adapter.normalizeRequest(adapter.minimalBody('mock-model'), {
    model: 'mock-model',
    stream,
    headers: options.headers ?? {},
  });
  const path = apiType === 'openai-chat' ? '/chat/completions' : '/messages';
  return {
    apiType,
    url: `${baseUrl}/v1${path}`,
    targetHost: `${baseUrl}/v1`,
    apiPath: path,
    method: 'POST',
    headers: { 'content-type': 'application/json', ...normalized.headers, ...options.headers },
    cookies: {},
    model: 'mock-model',
    stream,
    body: normalized.body,
    insecure: false,
    timeoutMs: options.timeoutMs ?? 10_000,
    idleTimeoutMs: 10_000,
    connectTimeoutMs: 5_000,
    notes: [],
    warnings: [],
  };
}

export function loadOptions(overrides: Partial<LoadOptions> = {}): LoadOptions {
  return { ...defaultLoadOptions('local', 'test'), concurrentUsers: 4, spawnRate: 1000, durationS: 1, ...overrides };
}

/** A sink that keeps the records in memory. */
export function memorySink(): RecordSink & { records: RequestRecord[] } {
  const records: RequestRecord[] = [];
  return {
    records,
    writeLine: (line) => records.push(JSON.parse(line) as RequestRecord),
    writeBlock: (block) => {
      for (const line of block.split('\n')) if (line !== '') records.push(JSON.parse(line) as RequestRecord);
    },
    setImmediate: () => undefined,
  };
}
