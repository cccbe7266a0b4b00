import { extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { inputError } from '../failures/errors.js';
import { recordedHeaderNames } from '../model/gateway-headers.js';
import type { ComparisonPlan, NamedTarget, TargetSpec } from '../model/plan.js';
import { findAdapter } from '../protocol/registry.js';
import type { ApiType } from '../protocol/types.js';
import { readInputFile } from './body.js';
import { normalizeUrl } from './curl.js';
import { buildRequestSpecFromFlags } from './flags.js';
import { normalizeTarget, type NormalizeOptions } from './normalize.js';
import { TARGET_NAME_PATTERN, targetsFileSchema, type TargetEntry } from './targets-schema.js';
import type { RawRunOptions } from './options.js';

/** The flags of a comparison run, as commander hands them over (docs/cli.md "Several targets"). */
export type TargetFlags = Pick<RawRunOptions, 'target' | 'targetHeader' | 'targetModel' | 'targetApi' | 'targetKey' | 'targets' | 'baseline' | 'rounds' | 'onTargetFailure' | 'recordHeader'>;

/** What every target shares (the run's own -H, --cookie, --body, --model, --api, timeouts). */
export interface SharedRequest {
  headers: readonly string[];
  cookies: readonly string[];
  body: string | undefined;
  insecure: boolean;
  normalize: NormalizeOptions;
}

export interface TargetsContext {
  cwd: string;
  env: Readonly<Record<string, string | undefined>>;
}

/** Rounds of a comparison run without --rounds: enough for a t-based interval, each still long enough to count. */
export const DEFAULT_COMPARISON_ROUNDS = 5;
const MAX_ROUNDS = 100;

/** Several targets were asked for (flags, or a profile's targets section); the per-target flags without a target are refused (never ignored). */
export function wantsComparison(flags: TargetFlags, profileHasTargets = false): boolean {
  if (flags.target !== undefined || flags.targets !== undefined || profileHasTargets) return true;
  const orphans = (['targetHeader', 'targetModel', 'targetApi', 'targetKey', 'baseline', 'onTargetFailure'] as const)
    .filter((key) => flags[key] !== undefined)
    .map((key) => `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`);
  if (orphans.length > 0) {
    throw inputError('OPTION_INVALID', `${orphans.join(', ')} ${orphans.length === 1 ? 'needs' : 'need'} several targets`, 'name them with --target name=URL (or a --targets file), or drop the option');
  }
  return false;
}

/** `--record-header NAME` (repeatable): header names, checked and lower-cased. */
export function parseRecordHeaders(names: readonly string[] | undefined): string[] {
  const out: string[] = [];
  for (const raw of names ?? []) {
    const name = raw.trim().toLowerCase();
    if (!/^[!#$%&'*+.^_`|~0-9a-z-]+$/.test(name)) {
      throw inputError('OPTION_INVALID', `--record-header ${JSON.stringify(raw)}: not a header name`, 'give a response header name, e.g. --record-header x-served-by');
    }
    out.push(name);
  }
  return out;
}

/**
 * The targets of a comparison run from `--targets FILE` and `--target name=URL` (file first), each with
 * the shared request and its own headers, model, API and key; classified and normalised like `--url`.
 */
export async function buildComparison(flags: TargetFlags, shared: SharedRequest, context: TargetsContext, fromProfile: TargetsList | null = null): Promise<ComparisonPlan> {
  if (fromProfile !== null && flags.targets !== undefined) {
    throw inputError('USAGE', '--targets and the profile\'s targets section both list the targets', 'keep one list: the --targets file or the profile\'s targets');
  }
  const file = flags.targets === undefined ? fromProfile : await readTargetsFile(flags.targets, context.cwd);
  const entries: TargetEntry[] = [...(file?.targets ?? [])];
  for (const value of flags.target ?? []) {
    const [name, url] = splitNamed(value, '--target', 'name=URL');
    if (entries.some((entry) => entry.name === name)) {
      throw inputError('OPTION_INVALID', `--target ${JSON.stringify(value)}: the name "${name}" is used twice`, 'give each target its own name');
    }
    entries.push({ name, url });
  }
  if (entries.length < 2) {
    throw inputError('USAGE', `a comparison needs at least two targets, got ${entries.length}`, 'add another --target name=URL, or run one target with --url');
  }
  const extraHeaders = new Map<string, string[]>();
  applyPerTarget(flags.targetHeader, '--target-header', 'name=Header: value', entries, (entry, value) => {
    extraHeaders.set(entry.name, [...(extraHeaders.get(entry.name) ?? []), value]);
  });
  applyPerTarget(flags.targetModel, '--target-model', 'name=model', entries, (entry, value) => {
    entry.model = value;
  });
  applyPerTarget(flags.targetApi, '--target-api', 'name=api', entries, (entry, value) => {
    entry.api = value;
  });
  applyPerTarget(flags.targetKey, '--target-key', 'name=key', entries, (entry, value) => {
    entry.key = value;
    delete entry.keyEnv;
  });

  const recordHeaders = recordedHeaderNames(parseRecordHeaders(flags.recordHeader));
  const targets: NamedTarget[] = [];
  for (const entry of entries) {
    const target = await buildTarget(entry, [...headerLines(entry.headers), ...(extraHeaders.get(entry.name) ?? [])], shared, context);
    target.recordHeaders = recordHeaders;
    targets.push({ name: entry.name, target });
  }
  const baseline = flags.baseline ?? file?.baseline ?? (entries[0] as TargetEntry).name;
  if (!entries.some((entry) => entry.name === baseline)) {
    throw inputError('OPTION_INVALID', `--baseline ${JSON.stringify(baseline)}: no target has that name`, `name one of: ${entries.map((entry) => entry.name).join(', ')}`);
  }
  return { targets, baseline, rounds: parseRounds(flags.rounds) ?? file?.rounds ?? DEFAULT_COMPARISON_ROUNDS, onTargetFailure: parseOnFailure(flags.onTargetFailure) };
}

async function buildTarget(entry: TargetEntry, ownHeaders: string[], shared: SharedRequest, context: TargetsContext): Promise<TargetSpec> {
  const what = `target "${entry.name}"`;
  const url = normalizeUrl(entry.url.trim(), `${what}'s URL`);
  let api: ApiType | undefined = shared.normalize.api;
  if (entry.api !== undefined) {
    const adapter = findAdapter(entry.api);
    if (adapter === undefined) {
      throw inputError('OPTION_INVALID', `${what}: unknown API type "${entry.api}"`, 'use one of the --api choices (llm-loadtest run --help)');
    }
    api = adapter.apiType;
  }
  const spec = await buildRequestSpecFromFlags({ url, headers: [...shared.headers, ...ownHeaders], cookies: shared.cookies, body: shared.body, insecure: shared.insecure }, context.cwd);
  const target = normalizeTarget(spec, { ...shared.normalize, api, model: entry.model ?? shared.normalize.model });
  const key = entry.keyEnv === undefined ? entry.key : context.env[entry.keyEnv];
  if (entry.keyEnv !== undefined && (key === undefined || key === '')) {
    throw inputError('ENV_VAR_NOT_SET', `${what}: keyEnv names ${entry.keyEnv}, which is not set`, `export ${entry.keyEnv}=<key>, or give the key with --target-key ${entry.name}=…`);
  }
  if (key !== undefined) setKeyHeader(target, key);
  return target;
}

/** The API's own key header (Authorization: Bearer, x-api-key...), replacing one given by hand. */
function setKeyHeader(target: TargetSpec, key: string): void {
  const adapter = findAdapter(target.apiType);
  const header = adapter?.keyHeaders[0] ?? { name: 'Authorization', prefix: 'Bearer ' };
  for (const name of Object.keys(target.headers)) if (name.toLowerCase() === header.name.toLowerCase()) delete target.headers[name];
  target.headers[header.name] = `${header.prefix}${key}`;
}

function headerLines(headers: TargetEntry['headers']): string[] {
  if (headers === undefined) return [];
  return Array.isArray(headers) ? headers : Object.entries(headers).map(([name, value]) => `${name}: ${value}`);
}

function applyPerTarget(values: readonly string[] | undefined, flag: string, shape: string, entries: TargetEntry[], apply: (entry: TargetEntry, value: string) => void): void {
  for (const raw of values ?? []) {
    const [name, value] = splitNamed(raw, flag, shape);
    const entry = entries.find((candidate) => candidate.name === name);
    if (entry === undefined) {
      throw inputError('OPTION_INVALID', `${flag}: no target is named "${name}"`, `name one of: ${entries.map((candidate) => candidate.name).join(', ')}`);
    }
    apply(entry, value);
  }
}

/** `name=value` → [name, value]; the name is a target name, the value anything but empty. */
function splitNamed(raw: string, flag: string, shape: string): [string, string] {
  const eq = raw.indexOf('=');
  const name = eq < 0 ? '' : raw.slice(0, eq).trim();
  const value = eq < 0 ? '' : raw.slice(eq + 1).trim();
  if (!TARGET_NAME_PATTERN.test(name) || value === '') {
    const shown = flag === '--target-key' ? `${name}=…` : raw;
    throw inputError('OPTION_INVALID', `${flag} ${JSON.stringify(shown)}: expected ${shape}`, `e.g. ${flag} ${shape === 'name=URL' ? 'gw=http://127.0.0.1:4000/v1/chat/completions' : shape}; a name is letters, digits, ".", "_" or "-"`);
  }
  return [name, value];
}

function parseRounds(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw.trim());
  if (raw.trim() === '' || !Number.isInteger(value) || value < 1 || value > MAX_ROUNDS) {
    throw inputError('OPTION_INVALID', `--rounds ${JSON.stringify(raw)}: not a whole number between 1 and ${MAX_ROUNDS}`, `give --rounds 1..${MAX_ROUNDS} (the run is cut into that many equal rounds; default ${DEFAULT_COMPARISON_ROUNDS})`);
  }
  return value;
}

function parseOnFailure(raw: string | undefined): 'stop' | 'drop' {
  if (raw === undefined || raw === 'stop') return 'stop';
  if (raw === 'drop') return 'drop';
  throw inputError('OPTION_INVALID', `--on-target-failure ${JSON.stringify(raw)}: expected stop or drop`, 'stop: a failed pre-check ends the run; drop: that target is left out');
}

/** The targets of a `--targets` file or a profile's targets section. */
export interface TargetsList {
  targets: TargetEntry[];
  baseline?: string;
  rounds?: number;
}

/** A `--targets` file (YAML, or JSON by its .json name), checked against targetsFileSchema. */
export async function readTargetsFile(path: string, cwd: string): Promise<TargetsList> {
  const text = await readInputFile(path, cwd, '--targets');
  return parseTargetsFile(text, path);
}

export function parseTargetsFile(text: string, path: string): TargetsList {
  const fail = (problem: string): never => {
    throw inputError('TARGETS_FILE_INVALID', `--targets ${path}: ${problem}`, 'see docs/cli.md "Several targets" for the file shape: targets: [{name, url, headers, model, api, key | keyEnv}]');
  };
  let data: unknown;
  try {
    data = extname(path).toLowerCase() === '.json' ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    fail(`does not parse as ${extname(path).toLowerCase() === '.json' ? 'JSON' : 'YAML'}: ${(error as Error).message.split('\n')[0] ?? ''}`);
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) fail('expected an object with a "targets" list');
  const result = targetsFileSchema.safeParse(data);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue === undefined ? '' : issue.path.map((part) => (typeof part === 'number' ? `[${part}]` : `.${String(part)}`)).join('').replace(/^\./, '');
    fail(`${where === '' ? '' : `${where}: `}${issue?.message ?? 'invalid'}`);
  }
  return result.data as TargetsList;
}
