/** Text into HTML: the five characters that could open markup or end an attribute. */
export function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The data-key / data-value pair tests and scripts read a figure by (the value unformatted). */
export function dataAttrs(key: string, value: number | null): string {
  return `data-key="${esc(key)}" data-value="${value === null ? '' : String(value)}"`;
}

/** JSON safe inside a <script> element: no "</script>" or "<!--" can end or bend it. */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}
