import { dirname, isAbsolute, resolve } from 'node:path';
import { isMap, isScalar, LineCounter, parseDocument, type Node as YamlNode } from 'yaml';
import { z } from 'zod';
import { inputError } from '../failures/errors.js';
import type { DataOrder, ScenarioContentPlan, ScenarioPlan, Stage } from '../model/scenarios.js';
import { parseStage, STAGE_HELP } from './stages.js';
import { TARGET_ENTRY_KEYS, targetListSchema, type TargetEntry } from './targets-schema.js';
import { parseThinkTime, THINK_TIME_HELP } from './think-time.js';

/**
 * `--profile file.yaml|json` (docs/profiles.md): weighted scenarios and stages, validated strictly. Every
 * error names the file, the line and the field, and says what is allowed; JSON is read as the YAML it is.
 */

const HINT = 'fix the profile; docs/profiles.md describes every field (examples/profiles/ has three to start from)';

export interface Profile {
  path: string;
  name: string | null;
  seed: number | null;
  order: DataOrder | null;
  scenarios: ScenarioPlan[];
  /** null: the flags shape the load. */
  stages: Stage[] | null;
  /** The `targets` section (several targets compared in one run, as a --targets file says them); null without. */
  targets: { targets: TargetEntry[]; baseline?: string; rounds?: number } | null;
}

const CONTENT_KEYS = ['prompts', 'dataset', 'script', 'sized'] as const;

const sizedSchema = z.strictObject({
  input_tokens: z.number().int().min(1).max(1_000_000),
  stddev: z.number().min(0).max(1_000_000).optional(),
  follow_up_tokens: z.number().int().min(1).max(1_000_000).optional(),
});

const scenarioSchema = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9._-]{1,40}$/, 'must be 1 to 40 letters, digits, dots, dashes or underscores'),
  weight: z.number().positive('must be a number > 0').finite(),
  turns: z.number().int().min(1).max(1000).optional(),
  stream: z.boolean().optional(),
  max_output_tokens: z.number().int().min(1).max(1_000_000).optional(),
  think_time: z.union([z.string(), z.number().min(0)]).optional(),
  prompts: z.array(z.string().min(1)).min(1).max(100_000).optional(),
  dataset: z.string().min(1).optional(),
  script: z.array(z.string().min(1)).min(1).max(1000).optional(),
  sized: sizedSchema.optional(),
});

const profileSchema = z.strictObject({
  name: z.string().min(1).max(80).optional(),
  seed: z.number().int().min(0).max(4_294_967_295).optional(),
  data_order: z.enum(['round-robin', 'random']).optional(),
  scenarios: z.array(scenarioSchema).min(1, 'needs at least one scenario').max(100),
  stages: z.array(z.string()).min(1).max(10_000).optional(),
  targets: targetListSchema.optional(),
  baseline: z.string().min(1).optional(),
  rounds: z.number().int().min(1).max(100).optional(),
});

type RawScenario = z.infer<typeof scenarioSchema>;

/** Parse a profile's text; `path` is absolute (datasets are resolved against its folder). */
export function parseProfile(text: string, path: string): Profile {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const fail = (line: number | null, message: string): never => {
    throw inputError('PROFILE_INVALID', `--profile ${path}${line === null ? '' : ` line ${line}`}: ${message}`, HINT);
  };
  const syntax = doc.errors[0];
  if (syntax !== undefined) fail(lineCounter.linePos(syntax.pos[0]).line, `not valid YAML or JSON (${firstLine(syntax.message)})`);
  const lineOf = (node: YamlNode | null | undefined): number | null =>
    node?.range === undefined || node.range === null ? null : lineCounter.linePos(node.range[0]).line;
  const value: unknown = doc.toJS();
  const parsed = profileSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    if (issue === undefined) return fail(null, 'invalid');
    const path = issue.path.filter((key): key is string | number => typeof key !== 'symbol');
    let node = doc.getIn(path, true) as YamlNode | undefined;
    let field = describePath(path);
    let message = describeIssue(issue, path);
    if (issue.code === 'unrecognized_keys') {
      const key = issue.keys[0] ?? '';
      const parent = path.length === 0 ? doc.contents : (doc.getIn(path, true) as unknown);
      if (isMap(parent)) node = parent.items.find((pair) => isScalar(pair.key) && pair.key.value === key)?.key as YamlNode | undefined;
      field = describePath([...path, key]);
      message = `unknown field; allowed: ${allowedKeys(path).join(', ')}`;
    }
    if (node === undefined && path.length > 0) node = doc.getIn(path.slice(0, -1), true) as YamlNode | undefined;
    return fail(lineOf(node ?? (doc.contents as YamlNode | null)), `${field === '' ? 'the profile' : field}: ${message}`);
  }
  const raw = parsed.data;
  const names = new Set<string>();
  const scenarios = raw.scenarios.map((scenario, index) => {
    const where = (key: string): number | null => lineOf(doc.getIn(['scenarios', index, key], true) as YamlNode | undefined) ?? lineOf(doc.getIn(['scenarios', index], true) as YamlNode | undefined);
    if (names.has(scenario.name)) fail(where('name'), `scenarios[${index}].name: "${scenario.name}" is used twice; names must be unique`);
    names.add(scenario.name);
    return toScenarioPlan(scenario, dirname(path), (key, message) => fail(where(key), `scenarios[${index}].${key}: ${message}`));
  });
  let stages: Stage[] | null = null;
  if (raw.stages !== undefined) {
    stages = raw.stages.map((text, index) => {
      const stage = parseStage(text);
      if (typeof stage === 'string') return fail(lineOf(doc.getIn(['stages', index], true) as YamlNode | undefined), `stages[${index}]: ${stage}`);
      return stage;
    });
    const kinds = new Set(stages.map((stage) => (stage.rate === null ? 'users' : 'rate')));
    if (kinds.size > 1) fail(lineOf(doc.getIn(['stages'], true) as YamlNode | undefined), `stages: mix users and rates; use all ${STAGE_HELP.split(' or ')[0]} or all "@rate:duration" stages`);
  }
  if (raw.targets === undefined && (raw.baseline !== undefined || raw.rounds !== undefined)) {
    const key = raw.baseline !== undefined ? 'baseline' : 'rounds';
    fail(lineOf(doc.getIn([key], true) as YamlNode | undefined), `${key}: needs a targets section (it compares several targets)`);
  }
  const targets =
    raw.targets === undefined
      ? null
      : { targets: raw.targets as TargetEntry[], ...(raw.baseline === undefined ? {} : { baseline: raw.baseline }), ...(raw.rounds === undefined ? {} : { rounds: raw.rounds }) };
  return { path, name: raw.name ?? null, seed: raw.seed ?? null, order: raw.data_order ?? null, scenarios, stages, targets };
}

function toScenarioPlan(raw: RawScenario, folder: string, fail: (key: string, message: string) => never): ScenarioPlan {
  const given = CONTENT_KEYS.filter((key) => raw[key] !== undefined);
  if (given.length > 1) fail(given[1] as string, `give one content source, not ${given.join(' and ')}`);
  let content: ScenarioContentPlan = { kind: 'default' };
  if (raw.prompts !== undefined) content = { kind: 'prompts', prompts: raw.prompts };
  else if (raw.dataset !== undefined) content = { kind: 'dataset', path: isAbsolute(raw.dataset) ? raw.dataset : resolve(folder, raw.dataset) };
  else if (raw.script !== undefined) content = { kind: 'script', turns: raw.script };
  else if (raw.sized !== undefined) {
    content = { kind: 'sized', inputTokens: raw.sized.input_tokens, stddev: raw.sized.stddev ?? 0, followUpTokens: raw.sized.follow_up_tokens ?? 32 };
  }
  let thinkTime = null;
  if (raw.think_time !== undefined) {
    const parsed = parseThinkTime(String(raw.think_time));
    if (typeof parsed === 'string') fail('think_time', parsed);
    else thinkTime = parsed;
  }
  return {
    name: raw.name,
    weight: raw.weight,
    content,
    turns: raw.turns ?? (raw.script === undefined ? null : raw.script.length),
    stream: raw.stream ?? null,
    maxOutputTokens: raw.max_output_tokens ?? null,
    thinkTime,
  };
}

function allowedKeys(path: ReadonlyArray<string | number>): string[] {
  if (path.length === 0) return Object.keys(profileSchema.shape);
  if (path[0] === 'scenarios' && path.length === 2) return Object.keys(scenarioSchema.shape);
  if (path[0] === 'targets') return [...TARGET_ENTRY_KEYS];
  return Object.keys(sizedSchema.shape);
}

/** `scenarios[1].weight` */
function describePath(path: ReadonlyArray<string | number>): string {
  return path.map((key, i) => (typeof key === 'number' ? `[${key}]` : i === 0 ? key : `.${key}`)).join('');
}

function describeIssue(issue: z.core.$ZodIssue, path: ReadonlyArray<string | number>): string {
  const last = path[path.length - 1];
  if (issue.code === 'invalid_type' && issue.input === undefined) return `is required${last === 'scenarios' ? ' (a list of scenarios)' : ''}`;
  if (last === 'think_time') return `expected ${THINK_TIME_HELP}`;
  if (path[0] === 'stages') return `expected a list of ${STAGE_HELP}`;
  if (issue.code === 'invalid_value') return `expected ${issue.values.map((v) => JSON.stringify(v)).join(' or ')}`;
  return issue.message;
}

function firstLine(text: string): string {
  return (text.split('\n')[0] ?? text).trim();
}
