import { inputError } from '../failures/errors.js';
// options.ts is light (no zod, no server): the flags are checked against the server's own ranges.
import {
  describeRangeViolation,
  GATEWAY_RESPONSE_HEADERS,
  MAX_CONCURRENT_LIMIT,
  MOCK_NUMBER_RANGES,
  type MockBehaviour,
  type MockServerOptions,
  type NumberRange,
} from '../mock/options.js';
import { METRICS_FAULTS } from '../mock/metrics.js';

/** The flags as commander hands them over: numbers still text, so errors can name the flag and value. */
export interface MockFlags {
  port: string;
  host: string;
  ttft?: string;
  itl?: string;
  jitter?: string;
  outputTokens?: string;
  chunkTokens?: string;
  reasoningTokens?: string;
  cachedTokens?: string;
  usage: boolean;
  roleChunk: boolean;
  errorRate?: string;
  failStatus?: string;
  quotaExceeded?: boolean;
  retryAfter?: string;
  midStreamErrorAfter?: string;
  midStreamErrorStatus?: string;
  usageMisreportPct?: string;
  dropAfter?: string;
  hang?: boolean;
  slowHeaders?: string;
  model?: string[];
  apiKey?: string;
  seed?: string;
  maxConcurrent?: string;
  countPrompt?: boolean;
  metricsFault?: string;
  responseHeader?: string[];
  gatewayHeaders?: boolean;
}

/** Flag → option, for the numeric flags (validated with the server's own ranges). */
const NUMBER_FLAGS: ReadonlyArray<[keyof MockFlags, string, keyof MockBehaviour]> = [
  ['ttft', '--ttft', 'ttftMs'],
  ['itl', '--itl', 'itlMs'],
  ['jitter', '--jitter', 'jitterMs'],
  ['outputTokens', '--output-tokens', 'outputTokens'],
  ['chunkTokens', '--chunk-tokens', 'chunkTokens'],
  ['reasoningTokens', '--reasoning-tokens', 'reasoningTokens'],
  ['cachedTokens', '--cached-tokens', 'cachedTokens'],
  ['errorRate', '--error-rate', 'errorRate'],
  ['failStatus', '--fail-status', 'failStatus'],
  ['retryAfter', '--retry-after', 'retryAfterS'],
  ['midStreamErrorAfter', '--mid-stream-error-after', 'midStreamErrorAfterTokens'],
  ['midStreamErrorStatus', '--mid-stream-error-status', 'midStreamErrorStatus'],
  ['usageMisreportPct', '--usage-misreport-pct', 'usageMisreportPct'],
  ['dropAfter', '--drop-after', 'dropAfterTokens'],
  ['slowHeaders', '--slow-headers', 'slowHeadersMs'],
];

/** The mock's options from its flags; a bad value is an input error naming the flag. */
export function readMockFlags(flags: MockFlags): MockServerOptions {
  const options: MockServerOptions = {
    host: flags.host,
    port: parseFlagNumber('--port', flags.port, { min: 0, max: 65_535, integer: true, nullable: false }) as number,
    usage: flags.usage,
    roleChunk: flags.roleChunk,
    quotaExceeded: flags.quotaExceeded === true,
    hang: flags.hang === true,
    countPrompt: flags.countPrompt === true,
  };
  const target = options as Record<string, unknown>;
  for (const [flagKey, flag, optionKey] of NUMBER_FLAGS) {
    const raw = flags[flagKey];
    if (typeof raw !== 'string') continue;
    const range = (MOCK_NUMBER_RANGES as Readonly<Record<string, NumberRange>>)[optionKey] as NumberRange;
    target[optionKey] = parseFlagNumber(flag, raw, range);
  }
  if (flags.model !== undefined) options.models = flags.model;
  if (flags.apiKey !== undefined) options.apiKey = flags.apiKey;
  if (flags.seed !== undefined) {
    options.seed = parseFlagNumber('--seed', flags.seed, { min: 0, max: 2 ** 32 - 1, integer: true, nullable: false }) as number;
  }
  if (flags.maxConcurrent !== undefined) {
    const range = { min: 1, max: MAX_CONCURRENT_LIMIT, integer: true, nullable: false };
    options.maxConcurrent = parseFlagNumber('--max-concurrent', flags.maxConcurrent, range) as number;
  }
  if (flags.metricsFault !== undefined) {
    const fault = METRICS_FAULTS.find((value) => value === flags.metricsFault);
    if (fault === undefined) {
      throw inputError('OPTION_INVALID', `--metrics-fault ${JSON.stringify(flags.metricsFault)}: expected ${METRICS_FAULTS.join(', ')}`, 'leave it out for a working /metrics', {
        flag: '--metrics-fault',
        value: flags.metricsFault,
      });
    }
    options.metricsFault = fault;
  }
  const headers = readResponseHeaders(flags);
  if (headers !== null) options.responseHeaders = headers;
  return options;
}

/** `--gateway-headers` (a gateway's usual headers), then each `--response-header 'Name: value'` over them. */
function readResponseHeaders(flags: MockFlags): Record<string, string> | null {
  const lines = flags.responseHeader ?? [];
  if (flags.gatewayHeaders !== true && lines.length === 0) return null;
  const headers: Record<string, string> = flags.gatewayHeaders === true ? { ...GATEWAY_RESPONSE_HEADERS } : {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    const name = colon < 0 ? '' : line.slice(0, colon).trim().toLowerCase();
    const value = colon < 0 ? '' : line.slice(colon + 1).trim();
    if (!/^[!#$%&'*+.^_`|~0-9a-z-]+$/.test(name) || /[\r\n]/.test(value)) {
      throw inputError('OPTION_INVALID', `--response-header ${JSON.stringify(line)}: not a header line "Name: value"`, "e.g. --response-header 'x-litellm-overhead-duration-ms: 3'", { flag: '--response-header', value: line });
    }
    headers[name] = value;
  }
  return headers;
}

function parseFlagNumber(flag: string, raw: string, range: NumberRange): number | null {
  const text = raw.trim();
  const value = range.nullable && text.toLowerCase() === 'off' ? null : text === '' ? Number.NaN : Number(text);
  const problem = describeRangeViolation(value, range);
  if (problem === null) return value;
  const kind = range.integer ? 'a whole number' : 'a number';
  throw inputError(
    'OPTION_INVALID',
    `${flag} ${JSON.stringify(raw)}: ${Number.isNaN(value) ? `is not ${kind}` : problem}`,
    `give ${flag} ${kind} between ${range.min} and ${range.max}`,
    { flag, value: raw },
  );
}
