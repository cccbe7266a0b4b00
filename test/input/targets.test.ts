import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildRunPlan } from '../../src/input/plan.js';
import type { RawRunOptions } from '../../src/input/options.js';
import { parseTargetsFile } from '../../src/input/targets.js';
import { planTargets } from '../../src/model/plan.js';

const context = { env: { GW_KEY: 'sk-gateway-0123456789abcdef' }, cwd: process.cwd(), readStdin: async () => '' };
const A = 'http://127.0.0.1:4000/v1/chat/completions';
const B = 'http://127.0.0.1:8000/v1/messages';

const plan = (raw: RawRunOptions) => buildRunPlan({ local: true, model: 'm', ...raw }, context);

describe('--target and its per-target flags', () => {
  it('each target gets the shared request and its own headers, model, API and key; the first is the baseline', async () => {
    const p = await plan({
      target: [`gw=${A}`, `direct=${B}`],
      header: ['x-run: 7'],
      targetHeader: ['gw=x-litellm-tags: bench'],
      targetModel: ['direct=claude-x'],
      targetApi: ['direct=anthropic-messages'],
      targetKey: ['gw=sk-litellm-0123456789abcdef', 'direct=sk-ant-0123456789abcdef'],
      rounds: '4',
    });
    const comparison = p.comparison;
    expect(comparison).toMatchObject({ baseline: 'gw', rounds: 4, onTargetFailure: 'stop' });
    const [gw, direct] = comparison?.targets ?? [];
    expect(gw?.name).toBe('gw');
    expect(gw?.target).toMatchObject({ url: A, apiType: 'openai-chat', model: 'm' });
    expect(gw?.target.headers).toMatchObject({ 'x-run': '7', 'x-litellm-tags': 'bench', Authorization: 'Bearer sk-litellm-0123456789abcdef' });
    expect(direct?.target).toMatchObject({ url: B, apiType: 'anthropic-messages', model: 'claude-x' });
    expect(direct?.target.headers).toMatchObject({ 'x-run': '7', 'x-api-key': 'sk-ant-0123456789abcdef' });
    expect(direct?.target.headers).not.toHaveProperty('x-litellm-tags');
    // The gateway headers are recorded for every target.
    expect(gw?.target.recordHeaders).toContain('x-litellm-overhead-duration-ms');
    expect(planTargets(p).map((target) => target.url)).toEqual([A, B]);
    expect(p.target).toBe(gw?.target);
    expect(p.load.name).toBe('compare-gw-direct');
  });

  it("a profile's targets section compares them with the profile's scenarios; not beside --targets or --url", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'profile-targets-'));
    const profile = join(dir, 'p.yaml');
    writeFileSync(profile, `scenarios:\n  - {name: chat, weight: 1, prompts: [hi], turns: 2}\ntargets:\n  - {name: gw, url: "${A}", keyEnv: GW_KEY}\n  - {name: direct, url: "${B}", api: anthropic-messages}\nbaseline: direct\nrounds: 3\n`);
    const p = await plan({ profile });
    expect(p.comparison).toMatchObject({ baseline: 'direct', rounds: 3 });
    expect(p.comparison?.targets.map((named) => [named.name, named.target.apiType])).toEqual([
      ['gw', 'openai-chat'],
      ['direct', 'anthropic-messages'],
    ]);
    expect(p.comparison?.targets[0]?.target.headers).toMatchObject({ Authorization: 'Bearer sk-gateway-0123456789abcdef' });
    expect(p.load.scenarios?.profile?.scenarios.map((scenario) => scenario.name)).toEqual(['chat']);
    const targetsFile = join(dir, 't.yaml');
    writeFileSync(targetsFile, `targets:\n  - {name: a, url: "${A}"}\n  - {name: b, url: "${A}"}\n`);
    await expect(plan({ profile, targets: targetsFile })).rejects.toMatchObject({ code: 'USAGE', message: "--targets and the profile's targets section both list the targets" });
    await expect(plan({ profile, url: A })).rejects.toMatchObject({ code: 'USAGE', message: "the profile's targets section cannot be used with --url" });
  });

  it('--baseline, --on-target-failure drop and --record-header', async () => {
    const p = await plan({ target: [`a=${A}`, `b=${A}`], baseline: 'b', onTargetFailure: 'drop', recordHeader: ['X-Served-By'] });
    expect(p.comparison).toMatchObject({ baseline: 'b', onTargetFailure: 'drop', rounds: 5 });
    expect(p.comparison?.targets[0]?.target.recordHeaders).toContain('x-served-by');
  });

  it('--record-header on a one-target run records the gateway set and the name; none without it', async () => {
    expect((await plan({ url: A, recordHeader: ['x-served-by'] })).target.recordHeaders).toEqual(expect.arrayContaining(['x-served-by', 'server-timing']));
    expect((await plan({ url: A })).target.recordHeaders).toBeUndefined();
  });

  it.each<[string, RawRunOptions, string, string]>([
    ['one target', { target: [`a=${A}`] }, 'USAGE', 'a comparison needs at least two targets, got 1'],
    ['no name', { target: [A, `b=${A}`] }, 'OPTION_INVALID', `--target "${A}": expected name=URL`],
    ['a bad name', { target: [`a b=${A}`, `b=${A}`] }, 'OPTION_INVALID', 'expected name=URL'],
    ['a name twice', { target: [`a=${A}`, `a=${B}`] }, 'OPTION_INVALID', 'the name "a" is used twice'],
    ['--url beside', { target: [`a=${A}`, `b=${A}`], url: A }, 'USAGE', '--target/--targets cannot be used with --url'],
    ['--burst beside', { target: [`a=${A}`, `b=${A}`], burst: '3' }, 'USAGE', '--target/--targets cannot be used with --burst: a burst measures one target'],
    ['--load-mode burst beside', { target: [`a=${A}`, `b=${A}`], loadMode: 'burst', concurrentUsers: '3' }, 'USAGE', '--target/--targets cannot be used with --load-mode burst'],
    ['--server-metrics beside', { target: [`a=${A}`, `b=${A}`], serverMetrics: ['http://127.0.0.1:9/metrics'] }, 'USAGE', '--target/--targets cannot be used with --server-metrics'],
    ['an unknown target', { target: [`a=${A}`, `b=${A}`], targetModel: ['c=x'] }, 'OPTION_INVALID', '--target-model: no target is named "c"'],
    ['an unknown API', { target: [`a=${A}`, `b=${A}`], targetApi: ['a=grpc'] }, 'OPTION_INVALID', 'target "a": unknown API type "grpc"'],
    ['an unknown baseline', { target: [`a=${A}`, `b=${A}`], baseline: 'z' }, 'OPTION_INVALID', '--baseline "z": no target has that name'],
    ['rounds 0', { target: [`a=${A}`, `b=${A}`], rounds: '0' }, 'OPTION_INVALID', '--rounds'],
    ['rounds 2.5', { target: [`a=${A}`, `b=${A}`], rounds: '2.5' }, 'OPTION_INVALID', '--rounds'],
    ['a bad failure policy', { target: [`a=${A}`, `b=${A}`], onTargetFailure: 'retry' }, 'OPTION_INVALID', '--on-target-failure "retry": expected stop or drop'],
    ['a bad header name', { target: [`a=${A}`, `b=${A}`], recordHeader: ['x y'] }, 'OPTION_INVALID', '--record-header "x y": not a header name'],
    ['a per-target flag without targets', { url: A, targetModel: ['a=x'], baseline: 'a' }, 'OPTION_INVALID', '--target-model, --baseline need several targets'],
    ['a bad target URL', { target: [`a=ftp://x/v1/chat/completions`, `b=${A}`] }, 'URL_INVALID', 'target "a"'],
  ])('refuses %s', async (_what, raw, code, message) => {
    await expect(plan(raw)).rejects.toMatchObject({ code, message: expect.stringContaining(message) });
  });

  it('a key given on the command line never shows in the error of a malformed --target-key', async () => {
    const error = await plan({ target: [`a=${A}`, `b=${A}`], targetKey: ['a=sk-secret-0123456789'] }).then(
      () => null,
      (e: Error) => e,
    );
    expect(error).toBeNull();
    await expect(plan({ target: [`a=${A}`, `b=${A}`], targetKey: ['a='] })).rejects.toMatchObject({ message: '--target-key "a=…": expected name=key' });
  });
});

describe('--targets file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'targets-file-'));
  const write = (name: string, text: string): string => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };

  it('a YAML file: headers as a map or a list, keyEnv read from the environment, baseline and rounds', async () => {
    const path = write(
      'ok.yaml',
      `baseline: direct\nrounds: 3\ntargets:\n  - name: gw\n    url: ${A}\n    keyEnv: GW_KEY\n    headers: {x-team: a}\n  - name: direct\n    url: ${B}\n    api: anthropic-messages\n    headers: ["x-team: b"]\n    key: sk-ant-0123456789abcdef\n`,
    );
    const p = await plan({ targets: path });
    expect(p.comparison).toMatchObject({ baseline: 'direct', rounds: 3 });
    expect(p.comparison?.targets.map((named) => [named.name, named.target.apiType, named.target.headers['x-team']])).toEqual([
      ['gw', 'openai-chat', 'a'],
      ['direct', 'anthropic-messages', 'b'],
    ]);
    expect(p.comparison?.targets[0]?.target.headers['Authorization']).toBe('Bearer sk-gateway-0123456789abcdef');
  });

  it('a JSON file, with --target adding a third and flags overriding the file', async () => {
    const path = write('ok.json', JSON.stringify({ targets: [{ name: 'a', url: A }, { name: 'b', url: A }] }));
    const p = await plan({ targets: path, target: [`c=${A}`], targetModel: ['a=other'], rounds: '2' });
    expect(p.comparison?.targets.map((named) => `${named.name}:${named.target.model}`)).toEqual(['a:other', 'b:m', 'c:m']);
    expect(p.comparison?.rounds).toBe(2);
  });

  it('a keyEnv that is not set is refused, naming it', async () => {
    const path = write('env.yaml', `targets:\n  - {name: a, url: "${A}", keyEnv: NOPE_KEY}\n  - {name: b, url: "${A}"}\n`);
    await expect(plan({ targets: path })).rejects.toMatchObject({ code: 'ENV_VAR_NOT_SET', message: 'target "a": keyEnv names NOPE_KEY, which is not set' });
  });

  it('a missing file is FILE_NOT_FOUND naming --targets', async () => {
    await expect(plan({ targets: join(dir, 'none.yaml') })).rejects.toMatchObject({ code: 'FILE_NOT_FOUND', message: expect.stringContaining('--targets') });
  });

  it.each<[string, string, string]>([
    ['t.yaml', 'targets: [a, b', 'does not parse as YAML'],
    ['t.json', '{"targets": [', 'does not parse as JSON'],
    ['t.yaml', '- a\n- b\n', 'expected an object with a "targets" list'],
    ['t.yaml', 'baseline: a\n', 'targets: '],
    ['t.yaml', `targets:\n  - {name: a, url: "${A}"}\n`, 'targets: at least two targets'],
    ['t.yaml', `targets:\n  - {name: a, url: "${A}"}\n  - {name: a, url: "${A}"}\n`, 'targets[1].name: the name "a" is used twice'],
    ['t.yaml', `targets:\n  - {name: "a b", url: "${A}"}\n  - {name: b, url: "${A}"}\n`, 'targets[0].name: a name of letters'],
    ['t.yaml', `targets:\n  - {name: a}\n  - {name: b, url: "${A}"}\n`, 'targets[0].url'],
    ['t.yaml', `targets:\n  - {name: a, url: "${A}", colour: red}\n  - {name: b, url: "${A}"}\n`, 'targets[0]: Unrecognized key: "colour"'],
    ['t.yaml', `targets:\n  - {name: a, url: "${A}", headers: 3}\n  - {name: b, url: "${A}"}\n`, 'targets[0].headers'],
    ['t.yaml', `targets:\n  - {name: a, url: "${A}", key: k, keyEnv: K}\n  - {name: b, url: "${A}"}\n`, 'targets[0].key: give key or keyEnv, not both'],
    ['t.yaml', `rounds: 0\ntargets:\n  - {name: a, url: "${A}"}\n  - {name: b, url: "${A}"}\n`, 'rounds: '],
    ['t.yaml', `extra: 1\ntargets:\n  - {name: a, url: "${A}"}\n  - {name: b, url: "${A}"}\n`, 'Unrecognized key: "extra"'],
  ])('refuses %s %j', (name, text, message) => {
    expect(() => parseTargetsFile(text, name)).toThrow(expect.objectContaining({ code: 'TARGETS_FILE_INVALID', message: expect.stringContaining(`--targets ${name}: ${message}`) }));
  });
});
