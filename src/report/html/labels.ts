/**
 * Summary keys in words: the report shows "Users (concurrency)", never `concurrentUsers`. Keys added
 * later without a label here are still spelled out by humanizeKey, so no camelCase reaches the page.
 */
const LABELS: Readonly<Record<string, string>> = {
  // The load settings (summary.config).
  name: 'Run name',
  concurrentUsers: 'Users (concurrency)',
  spawnRate: 'Users started per second',
  durationS: 'Duration',
  warmupS: 'Warmup',
  loadMode: 'Load shape',
  step: 'Steps',
  startUsers: 'Users at the start',
  increment: 'Users added per step',
  maxUsers: 'Most users',
  sustainS: 'Sustain at the most users',
  rate: 'Request rate (open loop, req/s)',
  arrival: 'Arrivals',
  maxRequests: 'Request limit',
  workers: 'Worker threads',
  testData: 'Prompts',
  successThreshold: 'Success threshold',
  slo: 'SLO checks',
  burst: 'Burst',
  users: 'Users',
  rounds: 'Rounds',
  pauseS: 'Pause between rounds',
  timeoutMs: 'Request timeout',
  idleTimeoutMs: 'Idle timeout between chunks',
  // The pre-check's capability report (summary.precheck).
  apiType: 'API type',
  url: 'URL',
  status: 'HTTP status',
  stream: 'Streamed',
  contentType: 'Content type',
  latencyMs: 'Response time',
  ttftMs: 'Time to first token',
  ttfoMs: 'Time to first output',
  modelAsked: 'Model asked for',
  model: 'Model the server ran',
  usageReported: 'Server reported token usage',
  reasoning: 'Reasoning output',
  toolCall: 'Tool call',
  contentChunks: 'Content chunks',
  inputTokens: 'Input tokens',
  outputTokens: 'Output tokens',
  reasoningTokens: 'Reasoning tokens',
  tokenSource: 'Token counts from',
  vectors: 'Vectors',
  tokensPerChunk: 'Tokens per chunk',
  finishReason: 'Finish reason',
  maxTokensHit: 'Stopped at the max tokens limit',
  exact: 'Measured exactly',
  estimated: 'Estimated',
  unavailable: 'Cannot be measured',
  notes: 'Notes',
  textPreview: 'Start of the answer',
};

/** Values whose meaning is not obvious from the word alone. */
const VALUE_WORDS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  loadMode: { fixed: 'fixed number of users', stepped: 'stepped (users added step by step)' },
  arrival: { poisson: 'Poisson (random gaps)', constant: 'constant gaps' },
  testData: { '': 'the given request body every time', default: 'the built-in prompt set' },
};

/** The label of a summary key: from the table, else the key spelled out ("queueDepthMax" → "Queue depth max"). */
export function labelFor(key: string): string {
  return LABELS[key] ?? humanizeKey(key);
}

/** camelCase and snake_case to words; a trailing unit (Ms, S, Pct) becomes "(ms)", "(s)", "(%)". */
export function humanizeKey(key: string): string {
  const unit = /(Ms|S|Pct)$/.exec(key)?.[1];
  const stem = unit === undefined ? key : key.slice(0, -unit.length);
  const words = stem
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/_/g, ' ')
    .toLowerCase()
    .trim();
  const text = words.charAt(0).toUpperCase() + words.slice(1);
  return unit === undefined ? text : `${text} (${unit === 'Pct' ? '%' : unit.toLowerCase()})`;
}

/** A summary value in words: yes/no, "–" for none, units from the key, nested objects as "label: value" lines. */
export function describeValue(key: string, value: unknown): string {
  if (value === null || value === undefined) return '–';
  const words = VALUE_WORDS[key];
  if (typeof value === 'string') return words?.[value] ?? (value === '' ? '–' : value);
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (typeof value === 'number') return `${String(value)}${unitOf(key)}`;
  if (Array.isArray(value)) {
    if (value.length === 0) return '–';
    if (value.every((v) => typeof v !== 'object' || v === null)) return value.map((v) => describeValue('', v)).join(', ');
    return value.map((v, i) => `${i + 1}. ${describeValue('', v).replaceAll('\n', '; ')}`).join('\n');
  }
  if (typeof value === 'object') {
    return Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => `${labelFor(k)}: ${describeValue(k, v)}`)
      .join('\n');
  }
  return String(value);
}

function unitOf(key: string): string {
  if (key.endsWith('Ms')) return ' ms';
  if (/[a-z]S$/.test(key)) return ' s';
  if (key.endsWith('Pct')) return '%';
  return '';
}
