import { describe, expect, test } from 'vitest';
import { AppError } from '../../src/failures/errors.js';
import { parseProfile } from '../../src/input/profile.js';

const PATH = '/profiles/p.yaml';

function errorOf(text: string): AppError {
  try {
    parseProfile(text, PATH);
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected the profile to be refused');
}

describe('parseProfile', () => {
  test('weighted scenarios of every content kind, and stages', () => {
    const profile = parseProfile(
      [
        'name: mix',
        'seed: 9',
        'data_order: random',
        'scenarios:',
        '  - name: single',
        '    weight: 55',
        '    prompts: ["a", "b"]',
        '    stream: false',
        '    max_output_tokens: 64',
        '  - name: chat',
        '    weight: 30',
        '    turns: 4',
        '    dataset: data/chat.jsonl',
        '    think_time: 1s..3s',
        '  - name: long',
        '    weight: 15',
        '    sized: { input_tokens: 1000, follow_up_tokens: 20 }',
        '    turns: 3',
        '    think_time: exp:2s',
        '  - name: scripted',
        '    weight: 1',
        '    script: ["hi", "and then?"]',
        'stages: ["2:10s", "4:1m"]',
      ].join('\n'),
      PATH,
    );
    expect(profile.name).toBe('mix');
    expect(profile.seed).toBe(9);
    expect(profile.order).toBe('random');
    expect(profile.stages).toEqual([
      { users: 2, rate: null, durationS: 10 },
      { users: 4, rate: null, durationS: 60 },
    ]);
    expect(profile.scenarios.map((s) => [s.name, s.weight, s.turns, s.stream, s.maxOutputTokens])).toEqual([
      ['single', 55, null, false, 64],
      ['chat', 30, 4, null, null],
      ['long', 15, 3, null, null],
      ['scripted', 1, 2, null, null],
    ]);
    expect(profile.scenarios.map((s) => s.content)).toEqual([
      { kind: 'prompts', prompts: ['a', 'b'] },
      { kind: 'dataset', path: '/profiles/data/chat.jsonl' },
      { kind: 'sized', inputTokens: 1000, stddev: 0, followUpTokens: 20 },
      { kind: 'script', turns: ['hi', 'and then?'] },
    ]);
    expect(profile.scenarios[1]?.thinkTime).toEqual({ kind: 'uniform', minMs: 1000, maxMs: 3000 });
    expect(profile.scenarios[2]?.thinkTime).toEqual({ kind: 'exponential', meanMs: 2000 });
  });

  test('JSON is read too, and rate stages', () => {
    const profile = parseProfile('{"scenarios":[{"name":"a","weight":1}],"stages":["@5:30s","@10:1m"]}', PATH);
    expect(profile.stages).toEqual([
      { users: null, rate: 5, durationS: 30 },
      { users: null, rate: 10, durationS: 60 },
    ]);
    expect(profile.scenarios[0]?.content).toEqual({ kind: 'default' });
  });

  test.each([
    ['bad YAML, with its line', 'scenarios:\n  - name: a\n    weight: [1,\n', 'line 4: not valid YAML or JSON'],
    ['a rate stage unquoted (@ starts no YAML value)', 'scenarios:\n  - {name: a, weight: 1}\nstages:\n  - @5:30s\n', 'line 4: not valid YAML or JSON'],
    ['an unknown top-level field', 'scenarios:\n  - {name: a, weight: 1}\nusers: 5\n', 'line 3: users: unknown field; allowed: name, seed, data_order, scenarios, stages, targets, baseline, rounds'],
    ['an unknown scenario field', 'scenarios:\n  - name: a\n    weight: 1\n    wieght: 2\n', 'line 4: scenarios[0].wieght: unknown field; allowed: name, weight, turns'],
    ['a weight of 0', 'scenarios:\n  - name: a\n    weight: 0\n', 'line 3: scenarios[0].weight: must be a number > 0'],
    ['a negative weight', 'scenarios:\n  - name: a\n    weight: -2\n', 'line 3: scenarios[0].weight: must be a number > 0'],
    ['a weight that is text', 'scenarios:\n  - name: a\n    weight: lots\n', 'line 3: scenarios[0].weight:'],
    ['no scenarios', 'name: x\n', 'scenarios: is required (a list of scenarios)'],
    ['an empty scenario list', 'scenarios: []\n', 'scenarios: needs at least one scenario'],
    ['a missing weight', 'scenarios:\n  - name: a\n', 'line 2: scenarios[0].weight: is required'],
    ['two names alike', 'scenarios:\n  - {name: a, weight: 1}\n  - {name: a, weight: 1}\n', 'line 3: scenarios[1].name: "a" is used twice'],
    ['two content sources', 'scenarios:\n  - name: a\n    weight: 1\n    prompts: [x]\n    script: [y]\n', 'line 5: scenarios[0].script: give one content source, not prompts and script'],
    ['a bad stage', 'scenarios:\n  - {name: a, weight: 1}\nstages:\n  - "ten:30s"\n', 'line 4: stages[0]: "ten:30s" is invalid: the users must be a whole number'],
    ['a stage without duration', 'scenarios:\n  - {name: a, weight: 1}\nstages: ["10"]\n', 'stages[0]: "10" is invalid: expected "<users>:<duration>"'],
    ['a stage of zero seconds', 'scenarios:\n  - {name: a, weight: 1}\nstages: ["10:0s"]\n', 'the duration "0s" must be > 0'],
    ['a rate of zero', 'scenarios:\n  - {name: a, weight: 1}\nstages: ["@0:10s"]\n', 'the rate must be a number > 0'],
    ['mixed stages', 'scenarios:\n  - {name: a, weight: 1}\nstages: ["10:10s", "@5:10s"]\n', 'stages: mix users and rates'],
    ['a bad think time', 'scenarios:\n  - name: a\n    weight: 1\n    think_time: soon\n', 'line 4: scenarios[0].think_time: "soon" is invalid'],
    ['a backwards think range', 'scenarios:\n  - name: a\n    weight: 1\n    think_time: 3s..1s\n', 'the range starts above its end'],
    ['turns of 0', 'scenarios:\n  - name: a\n    weight: 1\n    turns: 0\n', 'line 4: scenarios[0].turns:'],
    ['a bad data order', 'data_order: shuffled\nscenarios:\n  - {name: a, weight: 1}\n', 'line 1: data_order: expected "round-robin" or "random"'],
    ['an unknown sized field', 'scenarios:\n  - name: a\n    weight: 1\n    sized: {input_tokens: 5, tokens: 5}\n', 'scenarios[0].sized.tokens: unknown field; allowed: input_tokens, stddev, follow_up_tokens'],
    ['a list, not a mapping', '- a\n- b\n', 'the profile:'],
    ['one target only', 'scenarios:\n  - {name: a, weight: 1}\ntargets:\n  - {name: gw, url: "http://127.0.0.1:4000"}\n', 'line 4: targets: at least two targets'],
    ['an unknown target field', 'scenarios:\n  - {name: a, weight: 1}\ntargets:\n  - {name: gw, url: "http://127.0.0.1:4000"}\n  - name: direct\n    url: "http://127.0.0.1:8000"\n    token: x\n', 'line 7: targets[1].token: unknown field; allowed: name, url, headers, model, api, key, keyEnv'],
    ['a target without a url', 'scenarios:\n  - {name: a, weight: 1}\ntargets:\n  - {name: gw, url: "http://127.0.0.1:4000"}\n  - {name: direct}\n', 'line 5: targets[1].url:'],
    ['a baseline without targets', 'scenarios:\n  - {name: a, weight: 1}\nbaseline: gw\n', 'line 3: baseline: needs a targets section'],
    ['rounds of 0', 'scenarios:\n  - {name: a, weight: 1}\ntargets:\n  - {name: a1, url: "http://127.0.0.1:4000"}\n  - {name: a2, url: "http://127.0.0.1:4001"}\nrounds: 0\n', 'line 6: rounds:'],
  ])('%s: exit 2, the place and what is allowed', (_what, text, message) => {
    const error = errorOf(text);
    expect(error.code).toBe('PROFILE_INVALID');
    expect(error.exitCode).toBe(2);
    expect(error.message).toContain(`--profile ${PATH}`);
    expect(error.message).toContain(message);
    expect(error.message).not.toMatch(/\n\s+at /);
  });
});
