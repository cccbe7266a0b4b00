import { inputError } from '../failures/errors.js';

/** One `--allow-target` pattern: a host (`*.` matches any subdomain) and, optionally, one port. */
export interface TargetPattern {
  host: string;
  /** null: any port. */
  port: number | null;
  /** `*` alone: every host (an open load generator: the operator said so). */
  any: boolean;
}

/** The default allow-list: loopback only, so a stolen token cannot aim the service at someone else. */
export const LOOPBACK_PATTERNS: readonly string[] = ['localhost', '127.0.0.1', '::1'];

/** `host`, `host:port`, `*.example.com`, `[::1]:8000` or `*`. Throws OPTION_INVALID naming the pattern. */
export function parseTargetPattern(text: string): TargetPattern {
  const raw = text.trim().toLowerCase();
  if (raw === '*') return { host: '*', port: null, any: true };
  const bracketed = /^\[([0-9a-f:.]+)\](?::(\d+))?$/.exec(raw);
  const plain = /^((?:\*\.)?[a-z0-9_.-]+)(?::(\d+))?$/.exec(raw);
  // Two colons or more without brackets: a bare IPv6 address, which cannot carry a port.
  const bareV6 = /^[0-9a-f.]*:[0-9a-f.]*:[0-9a-f:.]*$/.test(raw) ? raw : null;
  const host = bracketed?.[1] ?? bareV6 ?? plain?.[1];
  const portText = bracketed?.[2] ?? (bareV6 === null ? plain?.[2] : undefined);
  const port = portText === undefined ? null : Number(portText);
  if (host === undefined || host === '' || host === '*.' || (port !== null && (!Number.isInteger(port) || port < 1 || port > 65535))) {
    throw inputError(
      'OPTION_INVALID',
      `--allow-target "${text}" is invalid: expected a host or host:port (e.g. api.example.com, *.example.com, 10.0.0.5:8000, [::1]:8000) or * for any`,
      'give one pattern per --allow-target',
    );
  }
  return { host, port, any: false };
}

/** True when the URL's host (and port) matches one of the patterns. Names are matched as written, not resolved. */
export function isTargetAllowed(url: string, patterns: readonly TargetPattern[]): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  const host = parsed.hostname.toLowerCase().replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '');
  const port = parsed.port === '' ? (parsed.protocol === 'https:' ? 443 : 80) : Number(parsed.port);
  return patterns.some((pattern) => {
    if (pattern.any) return true;
    if (pattern.port !== null && pattern.port !== port) return false;
    if (pattern.host.startsWith('*.')) return host.endsWith(pattern.host.slice(1));
    return host === pattern.host;
  });
}
