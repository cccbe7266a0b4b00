/**
 * Which layer a failed answer comes from, when a gateway says so (docs/metrics.md "Failures by layer"):
 * the gateway's own error (its auth, budget, routing, no healthy upstream) or the upstream's error it passed
 * on. null when nothing in the answer names a gateway. Read from the error body and the recorded headers,
 * once per failed answer.
 */
export function classifyFailureLayer(body: string, headers: Readonly<Record<string, string>> | null): 'gateway' | 'upstream' | null {
  const has = (prefix: string): boolean => headers !== null && Object.keys(headers).some((name) => name.startsWith(prefix));
  // LiteLLM wraps a provider's error as "litellm.<Kind>Error: <Provider>Exception - <the provider's message>".
  if (/litellm\./i.test(body) || has('x-litellm-')) {
    return /[A-Za-z]+Exception\s+-\s/.test(body) ? 'upstream' : 'gateway';
  }
  if (has('x-portkey-') || /"provider"\s*:/.test(body) || /"status"\s*:\s*"failure"/.test(body)) {
    // Portkey's own errors are {"status":"failure","message":…}; an upstream's keeps its shape, with the provider named.
    if (/"status"\s*:\s*"failure"/.test(body)) return 'gateway';
    if (/"provider"\s*:/.test(body) || has('x-portkey-')) return 'upstream';
  }
  // Envoy: a time for the upstream means the upstream answered; its own words mean it could not reach one.
  if (/no healthy upstream|upstream connect error|upstream request timeout/i.test(body)) return 'gateway';
  if (headers !== null && headers['x-envoy-upstream-service-time'] !== undefined) return 'upstream';
  return null;
}
