/** Statuses and provider error codes/types, and the category each means. */
import { describe, expect, it } from 'vitest';
import { categorizeHttpStatus, categorizeStreamError } from '../../src/failures/classify-http.js';

const none = { message: null, type: null, code: null };

describe('categorizeHttpStatus', () => {
  it.each([
    [401, { message: 'bad key', type: 'invalid_request_error', code: 'invalid_api_key' }, 'auth'],
    [403, none, 'forbidden'],
    [404, none, 'not_found'],
    [405, none, 'method_not_allowed'],
    [429, { message: 'Rate limit reached', type: 'requests', code: 'rate_limit_exceeded' }, 'rate_limited'],
    [429, { message: 'You exceeded your current quota', type: 'insufficient_quota', code: 'insufficient_quota' }, 'quota_exceeded'],
    [400, none, 'client_error'],
    [400, { message: 'Your credit balance is too low to access the Anthropic API.', type: 'invalid_request_error', code: null }, 'quota_exceeded'],
    [422, { message: 'x', type: 'invalid_request_error', code: null }, 'client_error'],
    [500, none, 'server_error'],
    [503, { message: 'Overloaded', type: 'overloaded_error', code: null }, 'overloaded'],
    [529, { message: 'Overloaded', type: 'overloaded_error', code: null }, 'overloaded'],
    [302, none, 'unknown'],
  ] as const)('%i %j is %s', (status, error, category) => {
    expect(categorizeHttpStatus(status, error)).toBe(category);
  });
});

describe('categorizeStreamError', () => {
  it.each([
    [{ message: 'x', type: 'tokens', code: 'rate_limit_exceeded' }, 'rate_limited'],
    [{ message: 'x', type: 'overloaded_error', code: null }, 'overloaded'],
    [{ message: 'x', type: 'insufficient_quota', code: 'insufficient_quota' }, 'quota_exceeded'],
    [{ message: 'x', type: null, code: '429' }, 'rate_limited'],
    [{ message: 'x', type: 'InternalServerError', code: '500' }, 'server_error'],
    [{ message: 'x', type: 'BadRequestError', code: '400' }, 'client_error'],
    [{ message: 'x', type: 'api_error', code: null }, 'server_error'],
    // An OpenAI-compatible server reporting a bad key inside a 200 stream: what a 401 would be.
    [{ message: 'Incorrect API key provided: sk-…abcd', type: 'invalid_request_error', code: 'invalid_api_key' }, 'auth'],
    [{ message: 'invalid x-api-key', type: 'authentication_error', code: null }, 'auth'],
    [{ message: 'no access', type: 'permission_error', code: null }, 'forbidden'],
    [{ message: 'model: x', type: 'not_found_error', code: null }, 'not_found'],
    [{ message: 'The model `x` does not exist', type: 'invalid_request_error', code: 'model_not_found' }, 'not_found'],
    [{ message: 'too long', type: 'invalid_request_error', code: 'context_length_exceeded' }, 'client_error'],
    [{ message: 'Invalid request.', type: 'invalid_request_error', code: null }, 'client_error'],
    [{ message: 'Request timed out', type: 'timeout_error', code: null }, 'timeout'],
    [{ message: 'Unauthorized: invalid API key', type: null, code: null }, 'auth'],
    [{ message: 'The model llama-9 does not exist', type: null, code: null }, 'not_found'],
    [{ message: 'something broke', type: null, code: null }, 'server_error'],
    [{ message: null, type: 'server_error', code: null }, 'server_error'],
  ] as const)('%j is %s', (error, category) => {
    expect(categorizeStreamError(error)).toBe(category);
  });
});
