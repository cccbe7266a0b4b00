/**
 * One duration grammar for the whole tool: bare seconds or Go-style units in order (`300`, `90s`, `5m`,
 * `1h30m`, `1.5h`, `500ms`, `6m0s`). Flags take it (`--duration 5m`) and so do OpenAI's
 * `x-ratelimit-reset-*` headers, which are Go durations; it lives here, the lowest layer that reads it.
 */

/** Seconds, or null when the text is not a duration. */
export function parseDurationS(text: string): number | null {
  const trimmed = text.trim().toLowerCase();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed);
  const match = /^(?:(\d+(?:\.\d+)?)h)?(?:(\d+(?:\.\d+)?)m(?!s))?(?:(\d+(?:\.\d+)?)s)?(?:(\d+(?:\.\d+)?)ms)?$/.exec(trimmed);
  if (match === null || trimmed === '') return null;
  const [, h, m, s, ms] = match;
  return Number(h ?? 0) * 3600 + Number(m ?? 0) * 60 + Number(s ?? 0) + Number(ms ?? 0) / 1000;
}
