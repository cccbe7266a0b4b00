import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/failures/errors.js';
import { isChosenForFault } from '../../src/mock/faults.js';
import { applyHeaderOverrides, DEFAULT_BEHAVIOUR, headerNameFor, MockHeaderError, resolveBehaviour } from '../../src/mock/options.js';

describe('mock options', () => {
  it('names each per-request header after its option', () => {
    expect(headerNameFor('ttftMs')).toBe('x-mock-ttft-ms');
    expect(headerNameFor('midStreamErrorAfterTokens')).toBe('x-mock-mid-stream-error-after-tokens');
    expect(headerNameFor('failStatus')).toBe('x-mock-fail-status');
  });

  it('returns the base behaviour itself when no x-mock header is present', () => {
    const base = resolveBehaviour({});
    expect(applyHeaderOverrides(base, ['content-type', 'application/json', 'X-Other', '1'])).toBe(base);
  });

  it.each([
    [['X-Mock-TTFT-Ms', '200'], { ttftMs: 200 }],
    [['x-mock-fail-status', '429', 'x-mock-quota-exceeded', 'true'], { failStatus: 429, quotaExceeded: true }],
    [['x-mock-usage', 'false', 'x-mock-role-chunk', '0'], { usage: false, roleChunk: false }],
    [['x-mock-error-rate', '0.25'], { errorRate: 0.25 }],
    [['x-mock-hang', 'yes'], { hang: true }],
    [['x-mock-mid-stream-error-status', '401'], { midStreamErrorStatus: 401 }],
    [['x-mock-usage-misreport-pct', '-25.5'], { usageMisreportPct: -25.5 }],
  ])('applies headers %j', (raw, expected) => {
    expect(applyHeaderOverrides(DEFAULT_BEHAVIOUR, raw)).toEqual({ ...DEFAULT_BEHAVIOUR, ...expected });
  });

  it('clears a server-level fault with "off"', () => {
    const base = resolveBehaviour({ failStatus: 500, dropAfterTokens: 3 });
    const behaviour = applyHeaderOverrides(base, ['x-mock-fail-status', 'off', 'x-mock-drop-after-tokens', 'OFF']);
    expect(behaviour.failStatus).toBeNull();
    expect(behaviour.dropAfterTokens).toBeNull();
    expect(base.failStatus).toBe(500);
  });

  it.each([
    [['x-mock-ttft-ms', 'soon'], 'header x-mock-ttft-ms: "soon" must be a finite number'],
    [['x-mock-output-tokens', '0'], 'header x-mock-output-tokens: "0" must be between 1 and 1000000'],
    [['x-mock-chunk-tokens', '1.5'], 'header x-mock-chunk-tokens: "1.5" must be a whole number'],
    [['x-mock-hang', 'maybe'], 'header x-mock-hang: "maybe" is not true/false'],
    [['x-mock-ttft-ms', 'off'], 'header x-mock-ttft-ms: "off" must be a number'],
    [['x-mock-mid-stream-error-status', '200'], 'header x-mock-mid-stream-error-status: "200" must be between 400 and 599'],
    [['x-mock-usage-misreport-pct', '-101'], 'header x-mock-usage-misreport-pct: "-101" must be between -100 and 1000'],
    [['x-mock-usage-misreport-pct', 'lots'], 'header x-mock-usage-misreport-pct: "lots" must be a finite number'],
  ])('rejects headers %j', (raw, message) => {
    expect(() => applyHeaderOverrides(DEFAULT_BEHAVIOUR, raw)).toThrow(new MockHeaderError(message));
  });

  it('rejects a bad option with an input error naming it', () => {
    try {
      resolveBehaviour({ itlMs: -1 });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(AppError);
      expect((error as AppError).code).toBe('MOCK_OPTION_INVALID');
      expect((error as AppError).exitCode).toBe(2);
      expect((error as AppError).message).toBe('mock option itlMs: -1 must be between 0 and 3600000');
    }
  });
});

describe('error-rate choice', () => {
  it.each([
    [0.1, 1000, 100],
    [0.1, 10, 1],
    [0.25, 100, 25],
    [0.333, 1000, 333],
    [0, 50, 0],
    [1, 50, 50],
  ])('rate %d over %i requests fails exactly %i', (rate, count, expected) => {
    let failed = 0;
    for (let n = 0; n < count; n += 1) if (isChosenForFault(n, rate)) failed += 1;
    expect(failed).toBe(expected);
  });
});
