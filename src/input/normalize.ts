import { inputError } from '../failures/errors.js';
import { getAdapter } from '../protocol/registry.js';
import type { ApiType } from '../protocol/types.js';
import { classifyTarget } from '../protocol/classify.js';
import { buildWireHeaders } from '../protocol/wire-headers.js';
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
  const streams = adapter.capabilities.streams !== false;
  const stream = streams && (options.stream ?? (typeof bodyStream === 'boolean' ? bodyStream : true));
  if (!streams && options.stream === true) notes.push(`--stream ignored: the ${adapter.label} API does not stream`);

  let body: Record<string, unknown>;
  if (userBody === null) {
    body = adapter.minimalBody(model);
    notes.push(`no body given: using a minimal ${apiType} body (one short user message)`);
  } else {
    body = userBody;
  }
  const normalized = adapter.normalizeRequest(body, { model, stream, headers: userHeaders });
  notes.push(...normalized.notes);

  // Cookies stay apart in the plan (shown and sent to the platform as such); they join at send time.
  const wire = buildWireHeaders({ headers: userHeaders, cookies: {}, defaults: normalized.headers });
  const headers = wire.headers;
  if (wire.droppedTransport.length > 0) {
    notes.push(`removed ${wire.droppedTransport.join(', ')}: the HTTP client manages connection and encoding headers itself`);
  }
  if (wire.droppedHost !== null) notes.push(`removed ${wire.droppedHost}: the HTTP client sets it from the URL`);
  if (wire.addedContentType) notes.push('added header Content-Type: application/json');
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
  throw inputError(
    'MODEL_MISSING',
    fromBody === undefined ? 'no model: --model was not given and the body has no "model"' : `no model: the body's "model" is ${JSON.stringify(fromBody)} and --model was not given`,
    `add --model <name> (e.g. --model ${getAdapter(apiType).exampleModel}) or put "model" in the body`,
  );
}
