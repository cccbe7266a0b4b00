import { isSecretName, maskHeaders, maskUrl } from '../text/mask.js';

/**
 * Masking for files written from a summary: the engine masked the target already, and masking a masked
 * value again would blur it further (`sk-…abcd` → `***`). A value that shows a mask (… or ***) is kept;
 * anything else is masked, so a secret that slipped through still does not reach a report.
 */
export function maskUrlOnce(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return url;
  }
  const credentialsBare = (parsed.username !== '' && parsed.username !== '***') || parsed.password !== '';
  const secretBare = [...parsed.searchParams].some(([name, value]) => isSecretName(name) && !isMasked(value));
  return credentialsBare || secretBare ? maskUrl(url) : url;
}

export function maskHeadersOnce(headers: Readonly<Record<string, string>>): Record<string, string> {
  const masked = maskHeaders(headers);
  for (const [name, value] of Object.entries(headers)) if (isMasked(value)) masked[name] = value;
  return masked;
}

function isMasked(text: string): boolean {
  return text.includes('…') || text.includes('***');
}
