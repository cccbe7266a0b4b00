import { describeScenarios, describeStages } from './describe-scenarios.js';
import { maskBaseUrl, maskCookies, maskHeaders, maskJsonValue, maskText, maskUrl, targetSecrets } from '../text/mask.js';
import type { ComparisonPlan, RunPlan } from '../model/plan.js';
import { describeWorkload } from '../model/workload.js';
import { encodingForModel } from '../protocol/tokens.js';

/**
 * `--dry-run`: the plan as docs/cli.md's JSON or as text for people. Every field passes through masking:
 * the plan holds the real keys, what we print never does.
 */

/** docs/cli.md's dry-run object: `{"mode","apiType","url","targetHost","apiPath","method","headers","cookies","model","stream","body","load","notes","warnings"}`. */
export function renderDryRunJson(plan: RunPlan): Record<string, unknown> {
  const { target } = plan;
  const secrets = targetSecrets(target);
  const mask = (text: string): string => maskText(text, secrets);
  return {
    mode: plan.mode,
    modeReason: plan.modeReason,
    platformBaseUrl: plan.platformBaseUrl === null ? null : maskBaseUrl(plan.platformBaseUrl),
    apiType: target.apiType,
    classifiedBy: target.classifiedBy ?? null,
    url: mask(maskUrl(target.url)),
    targetHost: mask(maskUrl(target.targetHost)),
    apiPath: mask(maskApiPath(target.apiPath)),
    method: target.method,
    headers: maskHeaders(target.headers),
    cookies: maskCookies(target.cookies),
    model: target.model,
    stream: target.stream,
    body: JSON.parse(mask(JSON.stringify(maskJsonValue(target.body)))) as unknown,
    load: plan.load.workload ? { ...plan.load, workload: describeWorkload(plan.load.workload, encodingForModel(plan.target.model)) } : plan.load,
    timeouts: { requestMs: target.timeoutMs, idleMs: target.idleTimeoutMs, connectMs: target.connectTimeoutMs, precheckMs: plan.precheckTimeoutMs },
    insecure: target.insecure,
    outDir: plan.output.outDir,
    skipPrecheck: plan.skipPrecheck,
    wait: plan.wait,
    serverMetrics: plan.serverMetrics ? { urls: plan.serverMetrics.urls.map((url) => mask(maskUrl(url))), intervalS: plan.serverMetrics.intervalS } : null,
    output: { quiet: plan.output.quiet, progress: plan.output.progress, color: plan.output.color },
    notes: target.notes.map(mask),
    warnings: target.warnings.map(mask),
    ...(target.recordHeaders === undefined ? {} : { recordHeaders: target.recordHeaders }),
    ...(plan.comparison === undefined || plan.comparison === null ? {} : { comparison: describeComparison(plan.comparison) }),
  };
}

/** The targets of a comparison, each as the plan shows one (masked), with the baseline and the rounds. */
function describeComparison(comparison: ComparisonPlan): Record<string, unknown> {
  return {
    baseline: comparison.baseline,
    rounds: comparison.rounds,
    onTargetFailure: comparison.onTargetFailure,
    targets: comparison.targets.map(({ name, target }) => {
      const mask = (text: string): string => maskText(text, targetSecrets(target));
      return { name, apiType: target.apiType, url: mask(maskUrl(target.url)), model: target.model, stream: target.stream, headers: maskHeaders(target.headers) };
    }),
  };
}

/** The plan for people: one aligned line per decision, then notes and warnings. */
export function renderDryRunText(plan: RunPlan): string {
  const json = renderDryRunJson(plan);
  const { target, load } = plan;
  const lines: string[] = ['Plan (dry run: nothing was sent)'];
  const row = (label: string, value: string): void => {
    lines.push(`  ${label.padEnd(11)} ${value}`);
  };
  row('mode', plan.mode === 'platform' ? `platform (${String(json['platformBaseUrl'])})` : 'local');
  row('api', `${target.apiType}${target.classifiedBy === undefined ? '' : ` (by ${target.classifiedBy})`}`);
  row('url', `${target.method} ${String(json['url'])}`);
  row('split', `${String(json['targetHost'])} + ${String(json['apiPath'])}`);
  row('model', `${target.model}, ${target.stream ? 'streaming' : 'not streaming'}`);
  const headers = Object.entries(json['headers'] as Record<string, string>);
  headers.forEach(([name, value], i) => row(i === 0 ? 'headers' : '', `${name}: ${value}`));
  if (headers.length === 0) row('headers', '-');
  const cookies = Object.entries(json['cookies'] as Record<string, string>);
  row('cookies', cookies.length === 0 ? '-' : cookies.map(([name, value]) => `${name}=${value}`).join('; '));
  const bodyText = JSON.stringify(json['body']);
  row('body', bodyText.length > 400 ? `${bodyText.slice(0, 397)}... (${bodyText.length} chars)` : bodyText);
  row('load', describeLoad(plan));
  const stages = describeStages(load.stages);
  if (stages !== null) row('stages', stages);
  const scenarios = describeScenarios(load);
  if (scenarios !== null) row('scenarios', scenarios);
  row('timeouts', `request ${target.timeoutMs / 1000} s, pre-check ${plan.precheckTimeoutMs / 1000} s, idle gap ${target.idleTimeoutMs / 1000} s, connect ${target.connectTimeoutMs / 1000} s${target.insecure ? ', TLS not verified (--insecure)' : ''}`);
  const slo = load.slo.map((check) => check.raw).join(', ');
  row('pass if', `success rate ≥ ${load.successThreshold}${slo === '' ? '' : `; SLO ${slo}`}`);
  if (plan.mode === 'local') row('output', plan.output.outDir ?? './llm-loadtest-runs/<name>-<UTC stamp>');
  if (plan.skipPrecheck) row('pre-check', 'skipped (--skip-precheck)');
  if (plan.serverMetrics) row('server', `scrape ${(json['serverMetrics'] as { urls: string[] }).urls.join(', ')} every ${plan.serverMetrics.intervalS} s`);
  const comparison = plan.comparison ?? null;
  if (comparison !== null) {
    // The lines above are the first target's; each target's own decisions follow.
    row('targets', `${comparison.targets.length}, the same load to each at once; baseline ${comparison.baseline}, ${comparison.rounds} rounds, a failed pre-check: ${comparison.onTargetFailure}`);
    const shown = (json['comparison'] as { targets: Array<{ name: string; apiType: string; url: string; model: string; headers: Record<string, string> }> }).targets;
    for (const named of shown) {
      row('', `${named.name}: ${named.apiType} ${named.url} · ${named.model} · ${Object.entries(named.headers).map(([name, value]) => `${name}: ${value}`).join('; ')}`);
    }
  }
  if (target.recordHeaders !== undefined) row('record', `response headers ${target.recordHeaders.join(', ')}`);
  const notes = json['notes'] as string[];
  const warnings = json['warnings'] as string[];
  if (notes.length > 0) lines.push('Notes:', ...notes.map((note) => `  - ${note}`));
  if (warnings.length > 0) lines.push('Warnings:', ...warnings.map((warning) => `  - ${warning}`));
  return `${lines.join('\n')}\n`;
}

function describeLoad(plan: RunPlan): string {
  const { load } = plan;
  const parts: string[] = [`"${load.name}"`];
  const burst = load.burst ?? null;
  if (burst !== null) {
    parts.push(`burst of ${burst.users} requests at once${burst.rounds > 1 ? `, ${burst.rounds} rounds ${burst.pauseS} s apart` : ''}`);
    parts.push(load.testData === '' ? 'the given body every time' : load.testData === 'default' ? 'built-in prompts' : `prompts from ${load.testData}`);
    return parts.join(', ');
  }
  if (load.step !== null) {
    const s = load.step;
    parts.push(`stepped ${s.startUsers}→${s.maxUsers} users (+${s.increment} every ${s.durationS} s, then ${s.sustainS} s at max), ${load.durationS} s in all`);
  } else {
    parts.push(`${load.concurrentUsers} users, spawn ${load.spawnRate}/s, ${load.durationS} s`);
  }
  if (load.rate !== null) parts.push(`open loop ${load.rate} req/s (${load.arrival})`);
  parts.push(`warmup ${load.warmupS} s`);
  if (load.maxRequests !== null) parts.push(`at most ${load.maxRequests} requests`);
  if (load.workers > 1) parts.push(`${load.workers} workers`);
  parts.push(load.testData === '' ? 'the given body every time' : load.testData === 'default' ? 'built-in prompts' : `prompts from ${load.testData}`);
  return parts.join(', ');
}

/** A query in the API path (Azure's api-version, a gateway's ?key=) is masked like a URL's. */
function maskApiPath(apiPath: string): string {
  const masked = maskUrl(`http://x${apiPath}`);
  return masked.startsWith('http://x') ? masked.slice('http://x'.length) : apiPath;
}
