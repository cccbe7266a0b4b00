import { describe, expect, it } from 'vitest';
import { categorizeTransportError } from '../../src/failures/classify-transport.js';

function coded(code: string, message = `failed with ${code}`, extra: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(message), { code }, extra);
}

function named(name: string, message: string): Error {
  const error = new Error(message);
  error.name = name;
  return error;
}

describe('categorizeTransportError', () => {
  const cases: Array<[string, unknown, string]> = [
    ['ENOTFOUND', coded('ENOTFOUND', 'getaddrinfo ENOTFOUND nowhere.invalid'), 'dns'],
    ['EAI_AGAIN', coded('EAI_AGAIN'), 'dns'],
    ['ECONNREFUSED', coded('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:9'), 'connection_refused'],
    ['ECONNRESET', coded('ECONNRESET', 'read ECONNRESET'), 'connection_reset'],
    ['EPIPE', coded('EPIPE'), 'connection_reset'],
    ['UND_ERR_SOCKET', coded('UND_ERR_SOCKET', 'other side closed'), 'connection_reset'],
    ['"other side closed" without a code', new Error('other side closed'), 'connection_reset'],
    ['UND_ERR_CONNECT_TIMEOUT', coded('UND_ERR_CONNECT_TIMEOUT'), 'timeout'],
    ['UND_ERR_HEADERS_TIMEOUT', coded('UND_ERR_HEADERS_TIMEOUT'), 'timeout'],
    ['UND_ERR_BODY_TIMEOUT', coded('UND_ERR_BODY_TIMEOUT'), 'timeout'],
    ['ETIMEDOUT', coded('ETIMEDOUT'), 'timeout'],
    ['TimeoutError (AbortSignal.timeout)', named('TimeoutError', 'The operation was aborted due to timeout'), 'timeout'],
    ['AbortError from a timeout', named('AbortError', 'request timed out'), 'timeout'],
    ['CERT_HAS_EXPIRED', coded('CERT_HAS_EXPIRED'), 'tls'],
    ['DEPTH_ZERO_SELF_SIGNED_CERT', coded('DEPTH_ZERO_SELF_SIGNED_CERT', 'self-signed certificate'), 'tls'],
    ['SELF_SIGNED_CERT_IN_CHAIN', coded('SELF_SIGNED_CERT_IN_CHAIN'), 'tls'],
    ['UNABLE_TO_VERIFY_LEAF_SIGNATURE', coded('UNABLE_TO_VERIFY_LEAF_SIGNATURE'), 'tls'],
    ['ERR_TLS_CERT_ALTNAME_INVALID', coded('ERR_TLS_CERT_ALTNAME_INVALID'), 'tls'],
    ['ERR_SSL_WRONG_VERSION_NUMBER', coded('ERR_SSL_WRONG_VERSION_NUMBER'), 'tls'],
    ['EPROTO with an SSL reason', coded('EPROTO', 'write EPROTO SSL routines:wrong version number'), 'tls'],
    ['HPE_INVALID_CONSTANT (not HTTP)', coded('HPE_INVALID_CONSTANT', 'Expected HTTP/'), 'invalid_response'],
    ['an unknown code', coded('E_SOMETHING_ELSE'), 'unknown'],
    ['a plain AbortError (not a timeout)', named('AbortError', 'This operation was aborted'), 'unknown'],
    ['a string', 'boom', 'unknown'],
    ['null', null, 'unknown'],
  ];

  it.each(cases)('%s', (_label, error, category) => {
    expect(categorizeTransportError(error).category).toBe(category);
  });

  it('unwraps a cause chain (fetch failed → cause → code)', () => {
    const error = new TypeError('fetch failed', { cause: coded('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:9') });
    expect(categorizeTransportError(error)).toEqual({
      category: 'connection_refused',
      message: 'connect ECONNREFUSED 127.0.0.1:9',
      code: 'ECONNREFUSED',
      generator: false,
    });
  });

  it('unwraps an AggregateError (happy eyeballs: ::1 and 127.0.0.1)', () => {
    const error = new AggregateError(
      [coded('ECONNREFUSED', 'connect ECONNREFUSED ::1:9'), coded('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:9')],
      '',
    );
    const failure = categorizeTransportError(new Error('wrapped', { cause: error }));
    expect(failure.category).toBe('connection_refused');
    expect(failure.message).toBe('connect ECONNREFUSED ::1:9');
  });

  it('finds a timeout kept as the reason of an undici abort', () => {
    const error = coded('UND_ERR_ABORTED', 'Request aborted', {
      reason: named('TimeoutError', 'The operation was aborted due to timeout'),
    });
    expect(categorizeTransportError(error).category).toBe('timeout');
  });

  it('survives a cyclic cause chain', () => {
    const a = new Error('a');
    const b = new Error('b', { cause: a });
    Object.assign(a, { cause: b });
    expect(categorizeTransportError(a)).toEqual({ category: 'unknown', message: 'a: b', code: null, generator: false });
  });

  it('marks exhaustion on our side as the generator\'s', () => {
    const failure = categorizeTransportError(new Error('x', { cause: coded('EMFILE', 'connect EMFILE') }));
    expect(failure).toMatchObject({ category: 'unknown', generator: true, code: 'EMFILE' });
  });

  it('shortens an OpenSSL message and says https:// hit a plain-HTTP port', () => {
    const failure = categorizeTransportError(
      coded(
        'ERR_SSL_WRONG_VERSION_NUMBER',
        '80FCA7CC407F0000:error:0A00010B:SSL routines:ssl3_get_record:wrong version number:../deps/openssl/ssl3_record.c:350:\n',
      ),
    );
    expect(failure.message).toBe('wrong version number (ERR_SSL_WRONG_VERSION_NUMBER)');
    expect(failure.hint).toBe('the port speaks plain HTTP, not TLS: use http:// instead of https:// (or the TLS port)');
  });
});
