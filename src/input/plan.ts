import { resolve } from 'node:path';
import { inputError } from '../failures/errors.js';
import { readBodyArgument, readInputFile } from './body.js';
import { normalizeUrl, parseCurl } from './curl.js';
import { maskBaseUrl } from '../text/mask.js';
import { buildRequestSpecFromFlags, parseHeaderFlags } from './flags.js';
import { normalizeTarget, type NormalizeOptions } from './normalize.js';
import { parseServerMetricsOptions } from './server-metrics-options.js';
import { buildComparison, parseRecordHeaders, wantsComparison, type TargetsList } from './targets.js';
import { recordedHeaderNames } from '../model/gateway-headers.js';
import { arrivalWithoutRate, DEFAULTS, parseRunOptions, type RawRunOptions, type RunMode } from './options.js';
import { resolveScenarioOptions, stagedShape } from './scenario-options.js';
import { describeWorkloadPlan, resolveWorkload } from './workload-options.js';
import { encodingForModel } from '../protocol/tokens.js';
import type { ComparisonPlan, LoadOptions, RequestSpec, RunPlan, TargetSpec } from '../model/plan.js';

/** What building a plan needs from the outside world (the CLI passes its Io's parts). */
export interface PlanContext {
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  /** For `--curl -`. */
  readStdin: () => Promise<string>;
}

export interface ModeDecision {
  mode: RunMode;
  reason: string;
  platformBaseUrl: string | null;
}

/** Local or platform, and why: `--local` forces local, `--platform` or LMETERX_BASE_URL select the platform. */
export function resolveMode(options: Pick<RawRunOptions, 'local' | 'platform'>, env: PlanContext['env']): ModeDecision {
  const envBase = (env['LMETERX_BASE_URL'] ?? '').trim();
  if (options.local === true && options.platform !== undefined) {
    throw inputError('USAGE', '--local and --platform cannot be used together', 'choose one: --local runs the bundled engine, --platform <url> uses an LMeterX platform');
  }
  if (options.local === true) {
    return { mode: 'local', reason: envBase === '' ? '--local given: running locally' : '--local given: running locally (LMETERX_BASE_URL is ignored)', platformBaseUrl: null };
  }
  if (options.platform !== undefined) {
    const base = normalizePlatformUrl(options.platform, '--platform');
    return { mode: 'platform', reason: `--platform given: running on the LMeterX platform at ${maskBaseUrl(base)}`, platformBaseUrl: base };
  }
  if (envBase !== '') {
    const base = normalizePlatformUrl(envBase, 'LMETERX_BASE_URL');
    return { mode: 'platform', reason: `LMETERX_BASE_URL is set: running on the LMeterX platform at ${maskBaseUrl(base)}`, platformBaseUrl: base };
  }
  return { mode: 'local', reason: 'LMETERX_BASE_URL is not set: running locally', platformBaseUrl: null };
}

function normalizePlatformUrl(raw: string, what: string): string {
  return normalizeUrl(raw.trim(), what).replace(/\/+$/, '');
}

/**
 * Everything `run` decides before any network: the mode, the classified and normalised target, the
 * validated load, the output. Pure apart from reading the files the user named (bodies, test data).
 */
export async function buildRunPlan(raw: RawRunOptions, context: PlanContext, decided?: ModeDecision): Promise<RunPlan> {
  const mode = decided ?? resolveMode(raw, context.env);
  const options = parseRunOptions(raw, mode.mode);
  const normalize = { api: options.api, model: options.model, stream: options.stream, timeoutS: options.timeoutS, idleTimeoutS: options.idleTimeoutS };
  // A profile may list the targets too: read it before the targets are decided.
  const { scenarios, profile } = await resolveScenarioOptions(raw, context.cwd);
  const profileTargets = profile?.targets ?? null;
  const comparison = wantsComparison(raw, profileTargets !== null) ? await readComparison(raw, normalize, context, profileTargets) : null;
  const spec = comparison === null ? await readRequestSpec(raw, context) : null;
  const target = comparison?.targets[0]?.target ?? normalizeTarget(spec as RequestSpec, normalize);
  if (comparison === null && raw.recordHeader !== undefined) target.recordHeaders = recordedHeaderNames(parseRecordHeaders(raw.recordHeader));
  if (mode.mode === 'platform' && target.insecure) target.warnings.push("curl's -k/--insecure is not sent: the platform's engine does its own TLS checks");
  if (mode.mode === 'platform' && spec !== null && spec.timeoutS !== undefined) target.warnings.push("curl's -m/--max-time is not sent: the platform's engine uses its own request timeouts");
  const load: LoadOptions = {
    name: options.name ?? (comparison === null ? defaultName(target) : `compare-${comparison.targets.map((named) => named.name).join('-')}`.slice(0, DEFAULTS.nameMaxChars)),
    concurrentUsers: options.concurrentUsers,
    spawnRate: options.spawnRate,
    durationS: options.durationS,
    warmupS: options.warmupS,
    loadMode: options.loadMode,
    step: options.step,
    rate: options.rate,
    arrival: options.arrival,
    maxRequests: options.maxRequests,
    workers: options.workers,
    testData: options.testData,
    successThreshold: options.successThreshold,
    slo: options.slo,
    burst: options.burst,
  };
  await checkTestData(load.testData, context.cwd);
  const resolved = await resolveWorkload(
    raw,
    load,
    {
      duration: raw.duration !== undefined,
      warmup: raw.warmup !== undefined,
      maxRequests: raw.maxRequests !== undefined,
      rate: raw.rate !== undefined,
      arrival: raw.arrival !== undefined,
      timeoutS: target.timeoutMs / 1000,
    },
    context.cwd,
  );
  Object.assign(load, resolved.load, { workload: resolved.workload });
  if (scenarios !== null) load.scenarios = scenarios;
  if (profile !== null && profile.stages !== null) Object.assign(load, stagedShape(profile.stages, options.concurrentUsers), { stages: profile.stages });
  if (mode.mode === 'local' && raw.arrival !== undefined && load.rate === null) throw arrivalWithoutRate();
  if (profile !== null && profile.name !== null && raw.name === undefined) load.name = profile.name;
  if (mode.mode === 'local') {
    const said = describeWorkloadPlan(resolved.workload, load, encodingForModel(target.model), target.model);
    target.notes.push(...said.notes);
    target.warnings.push(...said.warnings);
  }
  const outDir = raw.out === undefined ? null : resolve(context.cwd, raw.out);
  return {
    mode: mode.mode,
    modeReason: mode.reason,
    platformBaseUrl: mode.platformBaseUrl,
    target,
    load,
    output: {
      json: raw.json === true,
      quiet: raw.quiet === true,
      progress: raw.progress !== false,
      color: raw.color !== false,
      outDir,
    },
    skipPrecheck: raw.skipPrecheck === true,
    // A timeout the user chose (--timeout, curl's -m) is the pre-check's too; else its own, shorter default.
    precheckTimeoutMs: options.timeoutS !== undefined || (spec !== null && spec.timeoutS !== undefined) ? target.timeoutMs : Math.min(target.timeoutMs, DEFAULTS.precheckTimeoutS * 1000),
    warmupIsDefault: raw.warmup === undefined,
    wait: raw.wait === true,
    serverMetrics: parseServerMetricsOptions(raw, { platform: mode.mode === 'platform', wait: raw.wait === true }),
    ...(comparison === null ? {} : { comparison }),
  };
}

/** `--target`/`--targets`: several targets instead of --url or --curl (docs/cli.md "Several targets"). */
async function readComparison(raw: RawRunOptions, normalize: NormalizeOptions, context: PlanContext, profileTargets: TargetsList | null): Promise<ComparisonPlan> {
  const asked = raw.target !== undefined || raw.targets !== undefined ? '--target/--targets' : "the profile's targets section";
  const given = (['url', 'curl'] as const).filter((key) => raw[key] !== undefined).map((key) => `--${key}`);
  if (given.length > 0) {
    throw inputError('USAGE', `${asked} cannot be used with ${given.join(', ')}`, 'name every target with --target name=URL (or a --targets file, or a profile\'s targets); -H, --body, --model and --api apply to all of them');
  }
  // Each target runs its own engine over one shared window: a burst's rounds and one server's scrapes
  // (compared with one client's TTFT) have no per-target meaning yet, so they are refused, not ignored.
  const burst = raw.burst !== undefined ? '--burst' : raw.loadMode === 'burst' ? '--load-mode burst' : null;
  if (burst !== null) {
    throw inputError('USAGE', `${asked} cannot be used with ${burst}: a burst measures one target`, `run the burst once per target with --url, or compare the targets under load with --concurrent-users and --max-requests`);
  }
  if (raw.serverMetrics !== undefined) {
    throw inputError('USAGE', `${asked} cannot be used with --server-metrics: the server's figures are compared with one target's requests`, 'scrape the server in a one-target run (--url … --server-metrics <url>), or drop --server-metrics');
  }
  return buildComparison(
    raw,
    { headers: raw.header ?? [], cookies: raw.cookie ?? [], body: raw.body, insecure: raw.insecure === true, normalize },
    context,
    profileTargets,
  );
}

async function readRequestSpec(raw: RawRunOptions, context: PlanContext): Promise<RequestSpec> {
  if (raw.curl !== undefined && raw.url !== undefined) {
    throw inputError('USAGE', '--curl and --url cannot be used together', "give the target once: --curl '<command>' or --url <url> with -H and --body");
  }
  if (raw.curl === undefined && raw.url === undefined) {
    throw inputError('USAGE', 'no target: give --url <url> or --curl \'<command>\'', "e.g. llm-loadtest --url https://api.openai.com/v1/chat/completions -H \"Authorization: Bearer $OPENAI_API_KEY\" --model gpt-4o-mini");
  }
  const headerLines = raw.header ?? [];
  const cookieLines = raw.cookie ?? [];
  if (raw.url !== undefined) {
    return buildRequestSpecFromFlags({ url: raw.url, headers: headerLines, cookies: cookieLines, body: raw.body, insecure: raw.insecure === true }, context.cwd);
  }
  const command = raw.curl === '-' ? await readCurlFromStdin(context) : (raw.curl ?? '');
  const spec = await parseCurl(command, { env: context.env, cwd: context.cwd });
  // Flags given beside --curl add to (and override) what the command says.
  const extra = parseHeaderFlags(headerLines, cookieLines);
  const warnings = [...spec.warnings];
  let body = spec.body;
  if (raw.body !== undefined && raw.body !== '') {
    if (spec.body !== undefined) warnings.push("--body replaces the curl command's body");
    body = await readBodyArgument(raw.body, context.cwd, '--body');
  }
  return {
    ...spec,
    headers: [...spec.headers, ...extra.headers],
    cookies: [...spec.cookies, ...extra.cookies],
    body,
    insecure: spec.insecure || raw.insecure === true,
    warnings,
  };
}

async function readCurlFromStdin(context: PlanContext): Promise<string> {
  try {
    return await context.readStdin();
  } catch {
    throw inputError('CURL_STDIN_MISSING', '--curl - reads the curl command from standard input, but nothing was piped in', "pipe it in (`pbpaste | llm-loadtest --curl -`) or pass it inline: --curl 'curl ...'");
  }
}

/** docs/cli.md: host + path, 80 characters. */
function defaultName(target: TargetSpec): string {
  const url = new URL(target.url);
  return `${url.host}${url.pathname}`.slice(0, DEFAULTS.nameMaxChars);
}

/** The file must exist in both modes; its size and format are the consumer's to check (platform, engine). */
async function checkTestData(testData: string, cwd: string): Promise<void> {
  if (testData === '' || testData === 'default') return;
  await readInputFile(testData, cwd, '--test-data');
}

