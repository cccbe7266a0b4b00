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
/** Shared initial values: a template is made per parser, so its fields start without allocating. */
const EMPTY = Buffer.alloc(0);
const EMPTY_WORDS = new Float64Array(0);
const EMPTY_VIEW = new DataView(new ArrayBuffer(0));

export class EventTemplate {
  private readonly prefix = new ByteRun();
  private readonly suffix = new ByteRun();
  /** Bytes after the padding string; unused when the learned event had none. */
  private readonly tail = new ByteRun();
  private hasTail = false;
  private learnings = 0;
  private hits = 0;
  private misses = 0;
  /** A DataView over the last buffer matched: one per read, not one per event. */
  private view: DataView = EMPTY_VIEW;
  private viewOf: Buffer | null = null;
  /** Content kind of the learned event's string. */
  kind = 0;
  /** The string (with its quotes) of the last matched event. */
  slotStart = 0;
  slotEnd = 0;

  /** `paddingKey`: the bytes `"key":"` of a string member whose value varies in every event. */
  constructor(private readonly paddingKey: Buffer | null = null) {}

  /** Nothing learned (a new stream has other ids); the byte runs keep their capacity. */
  reset(): void {
    this.prefix.length = 0;
    this.suffix.length = 0;
    this.tail.length = 0;
    this.hasTail = false;
    this.learnings = 0;
    this.hits = 0;
    this.misses = 0;
    this.view = EMPTY_VIEW;
    this.viewOf = null;
    this.kind = 0;
    this.slotStart = 0;
    this.slotEnd = 0;
  }

  /** True when the event [start, end) is the learned one with another string. */
  match(b: Buffer, start: number, end: number): boolean {
    if (this.prefix.length === 0) return false;
    if (this.tryMatch(b, start, end)) {
      this.hits += 1;
      return true;
    }
    this.misses += 1;
    // Events that keep differing (e.g. a random padding field in each) make trying a waste: stop.
    if (this.learnings >= MAX_LEARNINGS && this.misses > 16 && this.misses > 4 * this.hits) this.prefix.length = 0;
    return false;
  }

  private tryMatch(b: Buffer, start: number, end: number): boolean {
    const slot = start + this.prefix.length;
    const suffix = this.suffix;
    if (end - slot < 2 + suffix.length || b[slot] !== QUOTE) return false;
    if (b !== this.viewOf) {
      // A read holding only this event (a server flushing every token) is compared without a view: a
      // DataView costs about as much to make (~80 ns) as it saves on one event.
      if (2 * (end - start) > b.length) return this.tryMatchAlone(b, start, slot, end);
      this.view = new DataView(b.buffer, b.byteOffset, b.byteLength);
      this.viewOf = b;
    }
    const view = this.view;
    if (!this.prefix.matches(view, b, start)) return false;
    const after = skipString(b, slot, end);
    if (after === -1) return false;
    if (!this.hasTail) {
      if (end - after !== suffix.length || !suffix.matches(view, b, after)) return false;
    } else {
      const tail = this.tail;
      if (end - after < suffix.length + 2 + tail.length || !suffix.matches(view, b, after)) return false;
      const padding = after + suffix.length;
      if (b[padding] !== QUOTE) return false;
      const paddingEnd = skipString(b, padding, end);
      if (paddingEnd === -1 || end - paddingEnd !== tail.length || !tail.matches(view, b, paddingEnd)) return false;
    }
    this.slotStart = slot;
    this.slotEnd = after;
    return true;
  }

  /** tryMatch without a DataView: one Buffer#compare for the long prefix, byte loops for the rest. */
  private tryMatchAlone(b: Buffer, start: number, slot: number, end: number): boolean {
    const prefix = this.prefix;
    if (b.compare(prefix.bytes, 0, prefix.length, start, slot) !== 0) return false;
    const after = skipString(b, slot, end);
    if (after === -1) return false;
    const suffix = this.suffix;
    if (!this.hasTail) {
      if (end - after !== suffix.length || !suffix.matchesBytes(b, after)) return false;
    } else {
      const tail = this.tail;
      if (end - after < suffix.length + 2 + tail.length || !suffix.matchesBytes(b, after)) return false;
      const padding = after + suffix.length;
      if (b[padding] !== QUOTE) return false;
      const paddingEnd = skipString(b, padding, end);
      if (paddingEnd === -1 || end - paddingEnd !== tail.length || !tail.matchesBytes(b, paddingEnd)) return false;
    }
    this.slotStart = slot;
    this.slotEnd = after;
    return true;
  }

  /** Remember an event the scanner read exactly: one string of `kind` at [slotStart, slotEnd), nothing else. */
  learn(b: Buffer, start: number, slotStart: number, slotEnd: number, end: number, kind: number): void {
    if (this.learnings >= MAX_LEARNINGS) return;
    this.learnings += 1;
    // A zero byte (never in well-formed JSON text) could hide a -0/+0 float compare in ByteRun.
    if (b.subarray(start, end).indexOf(0) !== -1) return;
    this.prefix.set(b, start, slotStart);
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
    this.suffix.set(b, slotEnd, suffixEnd);
    this.hasTail = paddingEnd !== -1;
    if (this.hasTail) this.tail.set(b, paddingEnd, end);
  }
}

/**
 * Constant bytes compared eight at a time: most of every event is compared on the fast path, where a
 * DataView loop beats both a byte loop and Buffer#compare (whose native call costs more than comparing
 * 200 bytes). Eight bytes are read as one float64 and compared with `===`, which is bit equality
 * except for NaN (never equal: a miss, the exact slow path) and +0 === -0; the latter needs a zero
 * byte in the learned bytes, and events holding one are never learned (see learn).
 */
export class ByteRun {
  bytes: Buffer = EMPTY;
  /** The bytes as little-endian float64 words, the last partial word left out. */
  words: Float64Array = EMPTY_WORDS;
  length = 0;

  set(src: Buffer, start: number, end: number): void {
    const length = end - start;
    if (length > this.bytes.length) {
      this.bytes = Buffer.allocUnsafe(length);
      this.words = new Float64Array(length >> 3);
    }
    src.copy(this.bytes, 0, start, end);
    for (let k = 0; k < length >> 3; k++) this.words[k] = this.bytes.readDoubleLE(k << 3);
    this.length = length;
  }

  /** The same without a view, byte by byte. */
  matchesBytes(b: Buffer, at: number): boolean {
    const bytes = this.bytes;
    for (let k = 0; k < this.length; k++) if (b[at + k] !== bytes[k]) return false;
    return true;
  }

  /** True when `view` (over `b`) holds these bytes at `at`; the caller made sure they fit. */
  matches(view: DataView, b: Buffer, at: number): boolean {
    const length = this.length;
    const whole = length >> 3;
    const words = this.words;
    for (let k = 0; k < whole; k++) if (view.getFloat64(at + (k << 3), true) !== words[k]) return false;
    const bytes = this.bytes;
    for (let k = whole << 3; k < length; k++) if (b[at + k] !== bytes[k]) return false;
    return true;
  }
}
