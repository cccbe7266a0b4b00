/**
 * Reading JSON structure straight from bytes, without building strings or objects: the hot path's way
 * of deciding what an SSE event is. Each function returns the index after what it read, or -1 when the
 * bytes are not what it expected (the caller then falls back to JSON.parse, which is always exact).
 */

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** The ASCII bytes of a string, to compare keys and values against. */
export function ascii(text: string): Buffer {
  return Buffer.from(text, 'latin1');
}

export function skipWs(b: Buffer, i: number, end: number): number {
  while (i < end) {
    const c = b[i] as number;
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return i;
    i += 1;
  }
  return i;
}

/** `i` at an opening quote; returns the index after the closing quote. */
export function skipString(b: Buffer, i: number, end: number): number {
  i += 1;
  while (i < end) {
    const c = b[i];
    if (c === QUOTE) return i + 1;
    i += c === BACKSLASH ? 2 : 1;
  }
  return -1;
}

/** Skip any JSON value starting at `i` (no whitespace before it). */
export function skipValue(b: Buffer, i: number, end: number): number {
  if (i >= end) return -1;
  const c = b[i];
  if (c === QUOTE) return skipString(b, i, end);
  if (c === 0x7b || c === 0x5b) {
    let depth = 0;
    while (i < end) {
      const d = b[i];
      if (d === QUOTE) {
        i = skipString(b, i, end);
        if (i === -1) return -1;
        continue;
      }
      if (d === 0x7b || d === 0x5b) depth += 1;
      else if (d === 0x7d || d === 0x5d) {
        depth -= 1;
        if (depth === 0) return i + 1;
      }
      i += 1;
    }
    return -1;
  }
  // Number, true, false, null: runs to the next delimiter.
  while (i < end) {
    const d = b[i];
    if (d === 0x2c || d === 0x7d || d === 0x5d || d === 0x20 || d === 0x0a || d === 0x0d || d === 0x09) return i;
    i += 1;
  }
  return i;
}

/** True when the bytes [start, end) equal `word`. */
export function bytesEqual(b: Buffer, start: number, end: number, word: Uint8Array): boolean {
  if (end - start !== word.length) return false;
  for (let k = 0; k < word.length; k++) if (b[start + k] !== word[k]) return false;
  return true;
}

/** `null` at i (a value position). */
export function isNullAt(b: Buffer, i: number, end: number): boolean {
  return i + 4 <= end && b[i] === 0x6e && b[i + 1] === 0x75 && b[i + 2] === 0x6c && b[i + 3] === 0x6c;
}

/** A string value at i with at least one character: `"x...`. */
export function isNonEmptyStringAt(b: Buffer, i: number, end: number): boolean {
  return i + 1 < end && b[i] === QUOTE && b[i + 1] !== QUOTE;
}

/** Copy bytes; a loop for the short copies of the hot path, where Buffer#copy's checks cost more than the copy. */
export function copyBytes(src: Buffer, start: number, end: number, dst: Buffer, at: number): void {
  const length = end - start;
  if (length > 64) {
    src.copy(dst, at, start, end);
    return;
  }
  for (let k = 0; k < length; k++) dst[at + k] = src[start + k] as number;
}

const DONE = ascii('[DONE]');

/** The `[DONE]` terminator, allowing whitespace around it. */
export function isDoneAt(b: Buffer, start: number, end: number): boolean {
  const first = skipWs(b, start, end);
  if (b[first] !== 0x5b) return false;
  let last = end;
  while (last > first && (b[last - 1] === 0x20 || b[last - 1] === 0x09 || b[last - 1] === 0x0a || b[last - 1] === 0x0d)) last -= 1;
  return bytesEqual(b, first, last, DONE);
}

/** A parsed JSON value that is an object (not null, not an array). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
