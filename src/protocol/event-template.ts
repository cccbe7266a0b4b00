/**
 * The fastest path of the hot path. Within one stream, content events are byte-identical except for
 * the text: `<constant bytes>"<text>"<constant bytes>`. Once the scanner has read one such event
 * exactly, later events that match the same constant bytes around a JSON string are the same event
 * with another text: no walk over their structure at all. The match is exact (a JSON string cannot
 * hide an unescaped quote, so the bytes after it are the same tokens as before); anything else simply
 * does not match and goes the slower exact way.
 *
 * OpenAI also pads each chunk with a random `"obfuscation":"..."` string after the content: when the
 * adapter names such a padding key, its string is a second slot, skipped like the text.
 */
import { skipString } from './json-bytes.js';

const QUOTE = 0x22;
/** Shapes learned per stream before giving up (a server that varies other bytes in every event). */
const MAX_LEARNINGS = 6;

const EMPTY = Buffer.alloc(0);

export class EventTemplate {
  private prefix: Buffer = EMPTY;
  private prefixLength = 0;
  private suffix: Buffer = EMPTY;
  private suffixLength = 0;
  /** Bytes after the padding string; -1 when the learned event had none. */
  private tail: Buffer = EMPTY;
  private tailLength = -1;
  private learnings = 0;
  private hits = 0;
  private misses = 0;
  /** Content kind of the learned event's string. */
  kind = 0;
  /** The string (with its quotes) of the last matched event. */
  slotStart = 0;
  slotEnd = 0;

  /** `paddingKey`: the bytes `"key":"` of a string member whose value varies in every event. */
  constructor(private readonly paddingKey: Buffer | null = null) {}

  /** True when the event [start, end) is the learned one with another string. */
  match(b: Buffer, start: number, end: number): boolean {
    if (this.prefixLength === 0) return false;
    if (this.tryMatch(b, start, end)) {
      this.hits += 1;
      return true;
    }
    this.misses += 1;
    // Events that keep differing (e.g. a random padding field in each) make trying a waste: stop.
    if (this.learnings >= MAX_LEARNINGS && this.misses > 16 && this.misses > 4 * this.hits) this.prefixLength = 0;
    return false;
  }

  private tryMatch(b: Buffer, start: number, end: number): boolean {
    const p = this.prefixLength;
    const slot = start + p;
    if (end - slot < 2 + this.suffixLength || b[slot] !== QUOTE) return false;
    // Prefixes are long (most of the event), where one native compare beats a loop.
    if (b.compare(this.prefix, 0, p, start, slot) !== 0) return false;
    const after = skipString(b, slot, end);
    if (after === -1) return false;
    const n = this.suffixLength;
    const t = this.tailLength;
    if (t < 0 ? end - after !== n : end - after < n + 2 + t) return false;
    const suffix = this.suffix;
    for (let k = 0; k < n; k++) if (b[after + k] !== suffix[k]) return false;
    if (t >= 0) {
      const padding = after + n;
      if (b[padding] !== QUOTE) return false;
      const paddingEnd = skipString(b, padding, end);
      if (paddingEnd === -1 || end - paddingEnd !== t) return false;
      const tail = this.tail;
      for (let k = 0; k < t; k++) if (b[paddingEnd + k] !== tail[k]) return false;
    }
    this.slotStart = slot;
    this.slotEnd = after;
    return true;
  }

  /** Remember an event the scanner read exactly: one string of `kind` at [slotStart, slotEnd), nothing else. */
  learn(b: Buffer, start: number, slotStart: number, slotEnd: number, end: number, kind: number): void {
    if (this.learnings >= MAX_LEARNINGS) return;
    this.learnings += 1;
    const p = slotStart - start;
    if (p > this.prefix.length) this.prefix = Buffer.allocUnsafe(p);
    b.copy(this.prefix, 0, start, slotStart);
    this.prefixLength = p;
    this.kind = kind;
    // The padding key with real quotes can only be a member name: inside a string its quotes are escaped.
    const key = this.paddingKey;
    let paddingEnd = -1;
    let suffixEnd = end;
    // Searched within this event only (a read can hold many more events after it).
    const found = key === null ? -1 : b.subarray(slotEnd, end).indexOf(key);
    if (key !== null && found !== -1) {
      const valueStart = slotEnd + found + key.length - 1;
      paddingEnd = skipString(b, valueStart, end);
      if (paddingEnd !== -1) suffixEnd = valueStart;
    }
    this.suffix = copyRange(b, slotEnd, suffixEnd, this.suffix);
    this.suffixLength = suffixEnd - slotEnd;
    if (paddingEnd === -1) {
      this.tailLength = -1;
    } else {
      this.tail = copyRange(b, paddingEnd, end, this.tail);
      this.tailLength = end - paddingEnd;
    }
  }
}

/** Bytes [start, end) of b into `into` (grown when too small). */
function copyRange(b: Buffer, start: number, end: number, into: Buffer): Buffer {
  const out = end - start > into.length ? Buffer.allocUnsafe(end - start) : into;
  b.copy(out, 0, start, end);
  return out;
}
