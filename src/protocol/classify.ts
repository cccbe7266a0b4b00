import { inputError } from '../failures/errors.js';
import { maskUrl } from '../text/mask.js';
import { adapters, apiTypeIds, DEFAULT_API_TYPE } from './registry.js';
import type { ApiType, ProtocolAdapter } from './types.js';

/**
 * Which API a target speaks, and docs/platform.md's split of its URL into target host + API path. The path
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

/** Paths of LLM APIs we do not speak: named in the refusal so the user knows what to change. */
const OTHER_LLM_PATHS: ReadonlyArray<[RegExp, string]> = [
  [/:(stream)?generatecontent$/i, "Gemini's native API"],
  [/\/api\/embed(dings)?$/, "Ollama's native embeddings API"],
];

/** The paths llm-loadtest speaks, for a refusal: `/v1/chat/completions, /v1/messages, ...`. */
function spokenPaths(): string {
  return adapters.map((adapter) => adapter.match.paths[0]?.suffix ?? adapter.apiType).join(', ');
}

function notLlmHint(): string {
  return (
    'llm-loadtest measures LLM APIs (TTFT, tokens/s); for a plain HTTP endpoint a generic load tester (autocannon, k6, wrk) fits better. ' +
    `If this is an LLM gateway, add --api <type> with the format it takes (one of ${apiTypeIds().join(', ')})`
  );
}

export function classifyTarget(input: ClassifyInput): Classification {
  const url = new URL(input.url);
  const path = url.pathname.replace(/\/+$/, '');
  const byPath = classifyByPath(path);
  const warnings: string[] = [];
  const azureDeployment = deploymentInPath(path);

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
      `${maskUrl(input.url)} is ${other[1]}, which llm-loadtest does not speak (it speaks ${spokenPaths()})`,
      `point it at the server's OpenAI-compatible endpoint, e.g. ${url.origin}/v1/chat/completions, or add --api if this path takes one of those formats`,
    );
  }
  const nearMiss = suggestApiPath(path);
  if (nearMiss !== null) {
    throw inputError(
      'TARGET_NOT_LLM',
      `${maskUrl(input.url)}: the path ${path} is not an LLM API path; did you mean ${url.origin}${nearMiss.path}?`,
      `fix the path to ${nearMiss.path}, or add --api ${nearMiss.apiType} if the server really takes this path`,
    );
  }
  const versioned = /^\/(v\d+(beta)?|api|openai|api\/v\d+)$/.test(path);
  if (path === '' && !versioned && !looksLikeLlm(url, input)) {
    // A bare web address with nothing LLM about it: telling the user to add /v1/chat/completions would
    // steer them (or their agent) into load testing a web site.
    throw inputError(
      'TARGET_NOT_LLM',
      `${maskUrl(input.url)} is a web address, not an LLM API: no API path, and nothing in the host, headers or body says LLM`,
      'llm-loadtest load tests LLM APIs (OpenAI /v1/chat/completions, Anthropic /v1/messages); for a web site use a plain HTTP load tester (k6, autocannon, wrk). ' +
        'If it really serves an LLM API, ask for the endpoint URL (one ending in /v1/chat/completions or /v1/messages)',
    );
  }
  if (path === '' || versioned) {
    throw inputError(
      'TARGET_NOT_LLM',
      `${maskUrl(input.url)} is a base URL, not an API endpoint`,
      `add the endpoint path: ${url.origin}${path === '' ? '/v1' : path}/chat/completions (OpenAI-compatible) or ${url.origin}${path === '' ? '/v1' : path}/messages (Anthropic)`,
    );
  }
  const byHeaders = classifyByHeaders(input.headers);
  const byBody = input.body === null ? null : classifyByBody(input.body);
  // A weak header signal (x-api-key) gives way to a body with another API's own fields.
  const outweighed = byHeaders !== null && byHeaders.weak && byBody !== null && byBody.marked && byBody.apiType !== byHeaders.apiType;
  const decided = byHeaders !== null && !outweighed ? byHeaders : byBody;
  if (decided !== null) {
    return { apiType: decided.apiType, reason: decided.reason, ...splitUrl(url, path, null), azureDeployment, warnings };
  }
  throw inputError(
    'TARGET_NOT_LLM',
    `${maskUrl(input.url)} does not look like an LLM API: the path is not /chat/completions or /v1/messages, and neither the headers nor the body are an LLM request`,
    notLlmHint(),
  );
}

/**
 * A path one or two letters away from an API path (`/v1/chat/completion`, `/v1/message`): the likely
 * intended path and the API it belongs to, or null. Compared on as many trailing segments as the API
 * path has; a version segment matches any version (`/v2/messages` is a gateway's own path, not a typo).
 */
function suggestApiPath(path: string): { path: string; apiType: ApiType } | null {
  const segments = path.split('/').filter((segment) => segment !== '');
  for (const adapter of adapters) {
    for (const rule of adapter.match.paths) {
      const wanted = rule.suffix.split('/').filter((segment) => segment !== '');
      if (segments.length < wanted.length) continue;
      const tail = segments.slice(-wanted.length);
      const version = /^v\d+$/;
      let distance = 0;
      const fixed = tail.map((segment, i) => {
        const target = wanted[i] ?? '';
        if (version.test(segment) && version.test(target)) return segment;
        distance += editDistance(segment.toLowerCase(), target);
        return target;
      });
      if (distance > 0 && distance <= 2) return { path: `/${[...segments.slice(0, -wanted.length), ...fixed].join('/')}`, apiType: adapter.apiType };
    }
  }
  return null;
}

/** Levenshtein distance, for short paths. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/**
 * Other signals that a bare address is an LLM server: an LLM request body or key header, a host named
 * like an API or a model server, or a local / non-default port (self-hosted servers: vLLM, Ollama, ...).
 */
function looksLikeLlm(url: URL, input: ClassifyInput): boolean {
  if (input.body !== null && (Array.isArray(input.body['messages']) || typeof input.body['model'] === 'string')) return true;
  const names = Object.keys(input.headers).map((name) => name.toLowerCase());
  if (names.some((name) => ['authorization', 'x-api-key', 'api-key', 'anthropic-version'].includes(name))) return true;
  if (/(^|[.-])(api|llm|llms|ai|openai|anthropic|claude|gpt|ollama|vllm|sglang|litellm|inference|model|models)([.-]|$)/i.test(url.hostname)) return true;
  return url.port !== '' || url.hostname === 'localhost' || /^[\d.]+$|^\[/.test(url.hostname);
}

function classifyByPath(path: string): ApiType | null {
  return adapters.find((adapter) => pathRuleOf(adapter, path) !== undefined)?.apiType ?? null;
}

function pathRuleOf(adapter: ProtocolAdapter, path: string): { suffix: string; apiPath: string } | undefined {
  return adapter.match.paths.find((rule) => path.endsWith(rule.suffix));
}

function deploymentInPath(path: string): string | null {
  for (const adapter of adapters) {
    const deployment = adapter.match.deploymentInPath?.(path) ?? null;
    if (deployment !== null) return deployment;
  }
  return null;
}

function classifyByHeaders(headers: Readonly<Record<string, string>>): { apiType: ApiType; reason: string; weak: boolean } | null {
  const names = new Set(Object.keys(headers).map((name) => name.toLowerCase()));
  for (const adapter of adapters) {
    const signal = adapter.match.byHeaders(names);
    if (signal !== null) return { apiType: adapter.apiType, ...signal };
  }
  return null;
}

interface BodyClassification {
  apiType: ApiType;
  reason: string;
  /** The body has this API's own fields (not just messages). */
  marked: boolean;
}

/**
 * A body with `messages` and the own fields of exactly one API is that API's; most gateways speak the
 * OpenAI format, so plain messages (or fields of several APIs) are the default API's.
 */
function classifyByBody(body: Readonly<Record<string, unknown>>): BodyClassification | null {
  if (!Array.isArray(body['messages'])) return classifyByBodyShape(body);
  const marked = adapters.flatMap((adapter) => {
    const key = adapter.match.bodyKeys.find((k) => k in body);
    return key === undefined ? [] : [{ apiType: adapter.apiType, key }];
  });
  const only = marked.length === 1 ? marked[0] : marked.find((m) => m.apiType === DEFAULT_API_TYPE);
  if (only === undefined) return { apiType: DEFAULT_API_TYPE, reason: 'body shape (messages)', marked: false };
  return { apiType: only.apiType, reason: `body shape (messages + ${only.key})`, marked: true };
}

/** A body without messages (Responses, completions, embeddings, Ollama generate): the first API whose shape it has. */
function classifyByBodyShape(body: Readonly<Record<string, unknown>>): BodyClassification | null {
  for (const adapter of adapters) {
    const key = adapter.match.bodyShape?.(body) ?? null;
    if (key !== null) return { apiType: adapter.apiType, reason: `body shape (${key})`, marked: true };
  }
  return null;
}

/**
 * docs/platform.md: `https://h/v1/chat/completions` → `https://h/v1` + `/chat/completions`; `.../v1/messages`
 * → `.../v1` + `/messages`; a gateway's own path → origin + the whole path. The query stays with the path
 * (Azure's api-version must reach the server).
 */
function splitUrl(url: URL, path: string, apiType: ApiType | null): { targetHost: string; apiPath: string } {
  const adapter = apiType === null ? undefined : adapters.find((a) => a.apiType === apiType);
  const suffix = adapter === undefined ? undefined : pathRuleOf(adapter, path)?.apiPath;
  const origin = `${url.protocol}//${url.host}`;
  if (suffix === undefined) return { targetHost: origin, apiPath: `${path === '' ? '/' : path}${url.search}` };
  return { targetHost: `${origin}${path.slice(0, -suffix.length)}`, apiPath: `${suffix}${url.search}` };
}
