import type { FailureCategory } from './categories.js';
import type { ProviderError } from './classify-http.js';

/** One actionable line per failure category: what the user should do next. */
export const FAILURE_HINTS: Readonly<Record<FailureCategory, string>> = {
  auth: 'the target needs a valid key: check the Authorization / x-api-key header',
  forbidden: 'the key is valid but not allowed here: check its permissions, the model access or an IP allow-list',
  not_found: 'check the path; many servers need /v1 (e.g. /v1/chat/completions), and check the model name',
  method_not_allowed: 'the endpoint does not accept this method: LLM APIs take POST',
  rate_limited: 'the target is rate limiting: wait for the retry-after time, or lower --concurrent-users / --rate',
  client_error: 'the target rejected the request: read its message and fix the body or headers',
  server_error: 'the target failed (5xx): check the server logs; it may be overloaded or misconfigured',
  overloaded: 'the target says it is overloaded: retry later or lower the load',
  quota_exceeded: 'the account is out of quota: retrying will not help; add credit or use another key',
  dns: 'the host name does not resolve: check the URL for typos and your DNS / VPN',
  connection_refused: 'nothing accepts connections at that host and port: check the URL and that the server is running',
  connection_reset: 'the connection was cut: check proxies, TLS vs plain HTTP (https:// vs http://) and the server logs',
  timeout: 'the target did not answer in time: the target may be overloaded; raise --timeout if it is just slow',
  tls: 'the TLS handshake failed: use --insecure for a self-signed certificate, or check http:// vs https://',
  invalid_response: 'the answer is not the API\'s shape: check the URL points at the LLM API (not a web page) and --api',
  empty_response: 'the target answered without generated content: check the model, max_tokens and the prompt',
  unknown: 'an unexpected failure: rerun with LLM_LOADTEST_DEBUG=1 for details',
};

/**
 * The one-line hint for a failure: the category's, except where the provider's code says more. A 429
 * "request too large" is a rate-limit status that retrying never fixes.
 */
export function hintForProviderError(category: FailureCategory, error: ProviderError | null): string {
  if (category === 'rate_limited' && error?.message !== null && error?.message !== undefined) {
    if (/request too large|too many tokens|context length/i.test(error.message)) {
      return 'the request is larger than the tokens-per-minute limit allows: retrying will not help; shorten the prompt or max_tokens, or raise the limit';
    }
  }
  return FAILURE_HINTS[category];
}
