import { describe, expect, it } from 'vitest';
import { hintForProviderError } from '../../src/failures/hints.js';

const none = { message: null, type: null, code: null };

describe('hintForProviderError', () => {
  it('says a 429 "request too large" cannot be retried', () => {
    expect(hintForProviderError('rate_limited', { message: 'Request too large for gpt-4 on tokens per min', type: 'tokens', code: 'rate_limit_exceeded' })).toMatch(/retrying will not help/);
    expect(hintForProviderError('rate_limited', none)).toMatch(/retry-after/);
  });
});
