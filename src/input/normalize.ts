import { inputError } from '../failures/errors.js';
import { getAdapter } from '../protocol/registry.js';
import type { ApiType } from '../protocol/types.js';
import { classifyTarget } from '../protocol/classify.js';
import { parseJsonObject } from './body.js';
import { getHeader, toBasicAuthorization, toCookieRecord, toHeaderRecord } from './headers.js';
import { DEFAULTS } from './options.js';
import type { RequestSpec, TargetSpec } from '../model/plan.js';

/** What the flags say about the target beyond the request itself. */
export interface NormalizeOptions {
  api: ApiType | undefined;
  model: string | undefined;
  stream: boolean | undefined;
  /** `--timeout`; undefined: curl's -m, else the default. */
  timeoutS: number | undefined;
  idleTimeoutS: number;
}

/**
 * Classify and normalise a request: resolve model (flag, body, Azure deployment) and stream (flag, body,
 * true), then let the API's adapter make the body agree and add what the API needs. Every change is a
 * note; nothing is changed silently.
 */
export function normalizeTarget(spec: RequestSpec, options: NormalizeOptions): TargetSpec {
  const what = spec.source === 'curl' ? 'the curl body' : '--body';
  const userBody = spec.body === undefined || spec.body.trim() === '' ? null : parseJsonObject(spec.body, what);
  const notes: string[] = [];
  const { url, headers: userHeaders } = moveUrlCredentials(spec.url, toHeaderRecord(spec.headers), notes);
  const classification = classifyTarget({ url, headers: userHeaders, body: userBody, api: options.api });
  const apiType = classification.apiType;
  const adapter = getAdapter(apiType);

  const { model, fromAzurePath } = resolveModel(options.model, userBody, classification.azureDeployment, apiType);
  if (fromAzurePath) notes.push(`model "${model}" taken from the Azure deployment name in the path`);
  const bodyStream = userBody?.['stream'];
  const stream = options.stream ?? (typeof bodyStream === 'boolean' ? bodyStream : true);

  let body: Record<string, unknown>;
  if (userBody === null) {
    body = adapter.minimalBody(model);
    notes.push(`no body given: using a minimal ${apiType} body (one short user message)`);
  } else {
    body = userBody;
  }
  const normalized = adapter.normalizeRequest(body, { model, stream, headers: userHeaders });
  notes.push(...normalized.notes);

  const headers = dropTransportHeaders(userHeaders, notes);
  for (const [name, value] of Object.entries(normalized.headers)) {
    if (getHeader(headers, name) === undefined) headers[name] = value;
  }
  if (getHeader(headers, 'content-type') === undefined) {
    headers['Content-Type'] = 'application/json';
    notes.push('added header Content-Type: application/json');
  }
  const warnings = [...spec.warnings, ...classification.warnings];
  if (spec.method !== 'POST') warnings.push(`method ${spec.method} is sent as given; LLM APIs take POST`);
  const contentType = getHeader(headers, 'content-type') ?? '';
  if (!/json/i.test(contentType)) warnings.push(`Content-Type is "${contentType}", but the body is JSON`);

  return {
    apiType,
    classifiedBy: classification.reason,
    url,
    targetHost: classification.targetHost,
    apiPath: classification.apiPath,
    method: spec.method,
    headers,
    cookies: toCookieRecord(spec.cookies),
    model,
    stream,
    body: normalized.body,
    insecure: spec.insecure,
    timeoutMs: Math.round((options.timeoutS ?? spec.timeoutS ?? DEFAULTS.timeoutS) * 1000),
    idleTimeoutMs: Math.round(options.idleTimeoutS * 1000),
    connectTimeoutMs: Math.round((spec.connectTimeoutS ?? DEFAULTS.connectTimeoutS) * 1000),
    notes,
    warnings,
  };
}

/** `https://user:pass@host/...`: curl sends Basic auth from it; HTTP clients refuse or drop it. */
function moveUrlCredentials(
  rawUrl: string,
  headers: Record<string, string>,
  notes: string[],
): { url: string; headers: Record<string, string> } {
  const parsed = new URL(rawUrl);
  if (parsed.username === '' && parsed.password === '') return { url: rawUrl, headers };
  const credentials = `${decodeURIComponent(parsed.username)}:${decodeURIComponent(parsed.password)}`;
  parsed.username = '';
  parsed.password = '';
  if (getHeader(headers, 'authorization') !== undefined) {
    notes.push('removed the user:password from the URL: the Authorization header is sent instead');
    return { url: parsed.toString(), headers };
  }
  notes.push('the user:password in the URL is sent as Authorization: Basic (as curl does)');
  return { url: parsed.toString(), headers: { ...headers, Authorization: toBasicAuthorization(credentials) } };
}

/**
 * Headers about the connection and its encoding belong to the HTTP client, not the request: a copied
 * Content-Length is wrong once the body is normalised, Accept-Encoding would make the server compress the
 * stream we time, and undici refuses Transfer-Encoding, Keep-Alive and Upgrade outright.
 */
const TRANSPORT_HEADERS = new Set(['content-length', 'connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'accept-encoding', 'expect']);

function dropTransportHeaders(headers: Readonly<Record<string, string>>, notes: string[]): Record<string, string> {
  const kept: Record<string, string> = {};
  const dropped: string[] = [];
  for (const [name, value] of Object.entries(headers)) {
    if (TRANSPORT_HEADERS.has(name.toLowerCase())) dropped.push(name);
    else kept[name] = value;
  }
  if (dropped.length > 0) notes.push(`removed ${dropped.join(', ')}: the HTTP client manages connection and encoding headers itself`);
  return kept;
}

function resolveModel(
  flag: string | undefined,
  body: Readonly<Record<string, unknown>> | null,
  azureDeployment: string | null,
  apiType: ApiType,
): { model: string; fromAzurePath: boolean } {
  if (flag !== undefined) return { model: flag, fromAzurePath: false };
  const fromBody = body?.['model'];
  if (typeof fromBody === 'string' && fromBody.trim() !== '') return { model: fromBody, fromAzurePath: false };
  if (azureDeployment !== null) return { model: azureDeployment, fromAzurePath: true };
  const example = apiType === 'anthropic-messages' ? 'claude-sonnet-4-5' : 'gpt-4o-mini';
  throw inputError(
    'MODEL_MISSING',
    fromBody === undefined ? 'no model: --model was not given and the body has no "model"' : `no model: the body's "model" is ${JSON.stringify(fromBody)} and --model was not given`,
    `add --model <name> (e.g. --model ${example}) or put "model" in the body`,
  );
}
