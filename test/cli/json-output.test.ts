import { describe, expect, it } from 'vitest';
import { writeJson } from '../../src/cli/json-output.js';
import { createFakeIo } from '../helpers/fake-io.js';

describe('writeJson: the one envelope of every --json answer', () => {
  it('`ok` first and ours; float noise cut, integers and small fractions kept', () => {
    const io = createFakeIo();
    writeJson({ io, json: true }, false, { ok: true, rps: 3.8233656249999997, successRate: 0.9999512, count: 12345678, tiny: 0.000123456789, neg: -2.00049, list: [0.1 + 0.2] });
    expect(io.out()).toBe('{"ok":false,"rps":3.823,"successRate":0.999951,"count":12345678,"tiny":0.000123457,"neg":-2,"list":[0.3]}\n');
  });
});
