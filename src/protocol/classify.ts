import { inputError } from '../failures/errors.js';
import { maskUrl } from '../text/mask.js';
import type { ApiType } from './types.js';

/**
 * Which API a target speaks, and platform.md's split of its URL into target host + API path. The path
 * decides first (`/chat/completions`, Azure's deployments path, `/v1/messages`); a gateway's own path is
 * decided by headers (`anthropic-version`, `x-api-key`) and then the body's shape; `--api` overrides.
 */

export interface ClassifyInput {
  /** Absolute URL with scheme. */
  url: string;
  /** Final headers (any case). */
  headers: Readonly<Record<string, string>>;
  /** The parsed body, or null when none was given. */
  body: Readonly<Record<string, unknown>> | null;
  /** `--api`, when given. */
  api?: ApiType | undefined;
}

export interface Classification {
  apiType: ApiType;
  /** What decided it, for the plan ("path /v1/chat/completions", "--api", "header anthropic-version"). */
  reason: string;
  /** The URL up to the API path, without a trailing slash. */
  targetHost: string;
  /** The API path with the URL's query. */
  apiPath: string;
  /** Azure OpenAI: the deployment name in the path (it stands in for the model). */
  azureDeployment: string | null;
  warnings: string[];
}

const AZURE_PATH = /\/openai\/deployments\/([^/]+)\/chat\/completions$/;
const OPENAI_SUFFIX = '/chat/completions';
const ANTHROPIC_SUFFIX = '/v1/messages';

/** Paths of LLM APIs we do not speak: named in the refusal so the user knows what to change. */
const OTHER_LLM_PATHS: ReadonlyArray<[RegExp, string]> = [
  [/\/api\/(chat|generate)$/, "Ollama's native API"],
  [/\/v1\/completions$/, 'the legacy completions API'],
  [/\/v1\/responses$/, 'the Responses API'],
  [/\/embeddings$/, 'an embeddings API'],
  [/:(stream)?generatecontent$/i, "Gemini's native API"],
];

const NOT_LLM_HINT =
  'llm-loadtest measures LLM APIs (TTFT, tokens/s); for a plain HTTP endpoint a generic load tester (autocannon, k6, wrk) fits better. ' +
  'If this is an LLM gateway, add --api openai-chat or --api anthropic-messages';

export function classifyTarget(input: ClassifyInput): Classification {
  const url = new URL(input.url);
  const path = url.pathname.replace(/\/+$/, '');
  const byPath = classifyByPath(path);
  const warnings: string[] = [];
  const azureDeployment = decodeDeployment(AZURE_PATH.exec(path)?.[1]);

  if (input.api !== undefined) {
    if (byPath !== null && byPath !== input.api) {
      warnings.push(`the path ${path} looks like ${byPath}, but --api ${input.api} was given: using ${input.api}`);
    }
    return { apiType: input.api, reason: '--api', ...splitUrl(url, path, input.api), azureDeployment, warnings };
  }
  if (byPath !== null) {
    return { apiType: byPath, reason: `path ${path}`, ...splitUrl(url, path, byPath), azureDeployment, warnings };
  }
  const other = OTHER_LLM_PATHS.find(([pattern]) => pattern.test(path));
  if (other !== undefined) {
    throw inputError(
      'TARGET_API_UNSUPPORTED',
      `${maskUrl(input.url)} is ${other[1]}, which llm-loadtest does not speak (it tests OpenAI /v1/chat/completions and Anthropic /v1/messages)`,
      `point it at the server's OpenAI-compatible endpoint, e.g. ${url.origin}/v1/chat/completions, or add --api if this path takes one of those two formats`,
    );
  }
  if (path === '' || /^\/(v\d+(beta)?|api|openai|api\/v\d+)$/.test(path)) {
    throw inputError(
      'TARGET_NOT_LLM',
      `${maskUrl(input.url)} is a base URL, not an API endpoint`,
      `add the endpoint path: ${url.origin}${path === '' ? '/v1' : path}/chat/completions (OpenAI-compatible) or ${url.origin}${path === '' ? '/v1' : path}/messages (Anthropic)`,
    );
  }
  const byHeaders = classifyByHeaders(input.headers);
  const byBody = input.body === null ? null : classifyByBody(input.body);
  // x-api-key is also some OpenAI-compatible gateways' key header: a body with OpenAI-only fields outweighs it.
  const decided = byHeaders !== null && !(byHeaders.weak && byBody?.marker === 'openai') ? byHeaders : byBody;
  if (decided !== null) {
    return { apiType: decided.apiType, reason: decided.reason, ...splitUrl(url, path, null), azureDeployment, warnings };
  }
  throw inputError(
    'TARGET_NOT_LLM',
    `${maskUrl(input.url)} does not look like an LLM API: the path is not /chat/completions or /v1/messages, and neither the headers nor the body are an LLM request`,
    NOT_LLM_HINT,
  );
}

function classifyByPath(path: string): ApiType | null {
  if (path.endsWith(OPENAI_SUFFIX)) return 'openai-chat';
  if (path.endsWith(ANTHROPIC_SUFFIX)) return 'anthropic-messages';
  return null;
}

function classifyByHeaders(headers: Readonly<Record<string, string>>): { apiType: ApiType; reason: string; weak: boolean } | null {
  const names = new Set(Object.keys(headers).map((name) => name.toLowerCase()));
  if (names.has('anthropic-version')) return { apiType: 'anthropic-messages', reason: 'header anthropic-version', weak: false };
  if (names.has('x-api-key') && !names.has('authorization') && !names.has('api-key')) {
    return { apiType: 'anthropic-messages', reason: 'header x-api-key', weak: true };
  }
  return null;
}

// top_k is left out: vLLM and other OpenAI-compatible servers take it too.
const ANTHROPIC_BODY_KEYS = ['anthropic_version', 'system', 'stop_sequences', 'thinking'];
const OPENAI_BODY_KEYS = [
  'stream_options',
  'max_completion_tokens',
  'response_format',
  'frequency_penalty',
  'presence_penalty',
  'logprobs',
  'n',
  'reasoning_effort',
];

interface BodyClassification {
  apiType: ApiType;
  reason: string;
  /** Which API's own fields the body has, if any. */
  marker: 'openai' | 'anthropic' | null;
}

function classifyByBody(body: Readonly<Record<string, unknown>>): BodyClassification | null {
  if (!Array.isArray(body['messages'])) return null;
  const anthropicKey = ANTHROPIC_BODY_KEYS.find((key) => key in body);
  const openaiKey = OPENAI_BODY_KEYS.find((key) => key in body);
  if (anthropicKey !== undefined && openaiKey === undefined) {
    return { apiType: 'anthropic-messages', reason: `body shape (messages + ${anthropicKey})`, marker: 'anthropic' };
  }
  // Most gateways speak the OpenAI format: messages without Anthropic's markers are OpenAI chat.
  if (openaiKey === undefined) return { apiType: 'openai-chat', reason: 'body shape (messages)', marker: null };
  return { apiType: 'openai-chat', reason: `body shape (messages + ${openaiKey})`, marker: 'openai' };
}

/**
 * platform.md: `https://h/v1/chat/completions` → `https://h/v1` + `/chat/completions`; `.../v1/messages`
 * → `.../v1` + `/messages`; a gateway's own path → origin + the whole path. The query stays with the path
 * (Azure's api-version must reach the server).
 */
function splitUrl(url: URL, path: string, apiType: ApiType | null): { targetHost: string; apiPath: string } {
  const suffix =
    apiType === 'openai-chat' && path.endsWith(OPENAI_SUFFIX)
      ? OPENAI_SUFFIX
      : apiType === 'anthropic-messages' && path.endsWith(ANTHROPIC_SUFFIX)
        ? '/messages'
        : null;
  const origin = `${url.protocol}//${url.host}`;
  if (suffix === null) return { targetHost: origin, apiPath: `${path === '' ? '/' : path}${url.search}` };
  return { targetHost: `${origin}${path.slice(0, -suffix.length)}`, apiPath: `${suffix}${url.search}` };
}

function decodeDeployment(raw: string | undefined): string | null {
  if (raw === undefined) return null;
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}
