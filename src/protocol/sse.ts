/**
 * Server-sent events framing on raw bytes (WHATWG event-stream rules), incremental and allocation-light:
 * this runs for every network read of every request. Lines end in LF, CRLF or a lone CR (a CR ending
 * one read may pair with an LF starting the next); `:` lines are comments; `field:value` loses at most
 * one leading space; several `data:` lines join with LF; a blank line dispatches when data was seen;
 * other fields (`id`, `retry`, old llama.cpp `error`) are ignored. Reads may split anything anywhere,
 * including UTF-8 characters: framing only looks at ASCII bytes, so a split character is rejoined
 * byte-exact. Lines have no length limit beyond MAX_EVENT_BYTES.
 *
 * An event's data is handed over as a byte range, never as a string. When the whole event lies in
 * one read (the common case) the range points into that read: no copy at all.
 */

import { copyBytes } from './json-bytes.js';

const LF = 0x0a;
const CR = 0x0d;
const COLON = 0x3a;
const SPACE = 0x20;

/**
 * An event larger than this ends the stream as invalid, and the engine stops reading it: a defence
 * against a runaway or hostile server. Real LLM events stay far below 1 MiB (a token, a tool-call
 * fragment, a usage block); 8 MiB leaves room for a whole inline image and keeps a user's buffers small.
 */
export const MAX_EVENT_BYTES = 8 * 1024 * 1024;

/** Every framer's buffers start here and grow when first needed; reset() keeps what they grew to. */
const EMPTY = Buffer.alloc(0);

/** Receives dispatched events. `data` is only valid during the call. */
export interface SseSink {
  onSseEvent(data: Buffer, start: number, end: number, framer: SseFramer): void;
}

export class SseFramer {
  /** Bytes of the current event's `event:` field; compare with `eventIs`. */
  private eventName: Buffer = EMPTY;
  private eventNameLength = 0;
  /** A line split across reads, kept until its end arrives. */
  private line: Buffer = EMPTY;
  private lineLength = 0;
  /** The current event's data once it had to be copied (several lines, or across reads). */
  private data: Buffer = EMPTY;
  private dataLength = 0;
  private dataLines = 0;
  /** The single data line of the current event, still inside the current read. */
  private refBuffer: Buffer | null = null;
  private refStart = 0;
  private refEnd = 0;
  private skipLeadingLf = false;
  /** Events dispatched so far. */
  events = 0;
  /** An event exceeded MAX_EVENT_BYTES: framing stopped. */
  overflowed = false;

  constructor(private readonly sink: SseSink) {}

  /** Ready for another stream: nothing of the last one is left but the buffers' capacity. */
  reset(): void {
    this.eventNameLength = 0;
    this.lineLength = 0;
    this.dataLength = 0;
    this.dataLines = 0;
    this.refBuffer = null;
    this.refStart = 0;
    this.refEnd = 0;
    this.skipLeadingLf = false;
    this.events = 0;
    this.overflowed = false;
  }

  /** True when the current event's `event:` field equals `name` (ASCII bytes). */
  eventIs(name: Uint8Array): boolean {
    if (this.eventNameLength !== name.length) return false;
    for (let i = 0; i < name.length; i++) if (this.eventName[i] !== name[i]) return false;
    return true;
  }

  /** The current event's `event:` field as text (off the hot path: allocates). */
  readEventName(): string {
    return this.eventName.toString('utf8', 0, this.eventNameLength);
  }

  push(chunk: Buffer): void {
    if (this.overflowed) return;
    const n = chunk.length;
    let i = 0;
    if (this.skipLeadingLf) {
      this.skipLeadingLf = false;
      if (n > 0 && chunk[0] === LF) i = 1;
    }
    // Next LF / CR positions at or after i; -1 = none left in this read, so never searched again.
    let nextLf = -2;
    let nextCr = -2;
    while (i < n) {
      let lineEnd: number;
      const first = chunk[i];
      if (first === LF || first === CR) {
        // The blank line that ends every event: no search needed.
        lineEnd = i;
      } else {
        if (nextLf !== -1 && nextLf < i) nextLf = chunk.indexOf(LF, i);
        if (nextCr !== -1 && nextCr < i) nextCr = chunk.indexOf(CR, i);
        if (nextLf === -1) lineEnd = nextCr;
        else if (nextCr === -1) lineEnd = nextLf;
        else lineEnd = nextLf < nextCr ? nextLf : nextCr;
      }
      if (lineEnd === -1) {
        this.appendLine(chunk, i, n);
        break;
      }
      let next = lineEnd + 1;
      if (chunk[lineEnd] === CR) {
        if (next < n) {
          if (chunk[next] === LF) next += 1;
        } else {
          this.skipLeadingLf = true;
        }
      }
      if (this.lineLength > 0) {
        this.appendLine(chunk, i, lineEnd);
        if (this.overflowed) return;
        const carried = this.lineLength;
        this.lineLength = 0;
        this.readLine(this.line, 0, carried, false);
      } else {
        this.readLine(chunk, i, lineEnd, true);
      }
      if (this.overflowed) return;
      i = next;
    }
    // An undispatched event's data must not point into a read the caller may reuse.
    if (this.refBuffer !== null) this.copyRefToData();
  }

  private appendLine(src: Buffer, start: number, end: number): void {
    const length = end - start;
    const needed = this.lineLength + length;
    if (needed > MAX_EVENT_BYTES) {
      this.overflowed = true;
      return;
    }
    if (needed > this.line.length) this.line = growBuffer(this.line, this.lineLength, needed);
    copyBytes(src, start, end, this.line, this.lineLength);
    this.lineLength = needed;
  }

  private readLine(buf: Buffer, start: number, end: number, inChunk: boolean): void {
    if (start === end) {
      this.dispatch();
      return;
    }
    const first = buf[start];
    if (first === COLON) return;
    // `data:` (the common field) is matched by bytes; anything else finds its colon.
    if (first === 0x64 && end - start >= 4 && buf[start + 1] === 0x61 && buf[start + 2] === 0x74 && buf[start + 3] === 0x61) {
      if (end - start === 4) {
        this.addData(buf, end, end, inChunk);
        return;
      }
      if (buf[start + 4] === COLON) {
        let valueStart = start + 5;
        if (valueStart < end && buf[valueStart] === SPACE) valueStart += 1;
        this.addData(buf, valueStart, end, inChunk);
        return;
      }
    }
    let colon = start;
    while (colon < end && buf[colon] !== COLON) colon += 1;
    // `event` is the only other field the adapters read.
    if (colon - start === 5 && buf[start] === 0x65 && buf[start + 1] === 0x76 && buf[start + 2] === 0x65 && buf[start + 3] === 0x6e && buf[start + 4] === 0x74) {
      let valueStart = colon + 1;
      if (valueStart < end && buf[valueStart] === SPACE) valueStart += 1;
      if (valueStart > end) valueStart = end;
      const length = end - valueStart;
      if (length > this.eventName.length) this.eventName = Buffer.allocUnsafe(length);
      copyBytes(buf, valueStart, end, this.eventName, 0);
      this.eventNameLength = length;
    }
  }

  private addData(buf: Buffer, start: number, end: number, inChunk: boolean): void {
    if (this.dataLines === 0 && inChunk) {
      this.refBuffer = buf;
      this.refStart = start;
      this.refEnd = end;
      this.dataLines = 1;
      return;
    }
    if (this.refBuffer !== null) this.copyRefToData();
    let at = this.dataLength;
    const needed = at + (this.dataLines > 0 ? 1 : 0) + (end - start);
    if (needed > MAX_EVENT_BYTES) {
      this.overflowed = true;
      return;
    }
    if (needed > this.data.length) this.data = growBuffer(this.data, this.dataLength, needed);
    if (this.dataLines > 0) {
      this.data[at] = LF;
      at += 1;
    }
    copyBytes(buf, start, end, this.data, at);
    this.dataLength = needed;
    this.dataLines += 1;
  }

  private copyRefToData(): void {
    const ref = this.refBuffer as Buffer;
    const length = this.refEnd - this.refStart;
    if (length > this.data.length) this.data = Buffer.allocUnsafe(Math.max(length, 256));
    copyBytes(ref, this.refStart, this.refEnd, this.data, 0);
    this.dataLength = length;
    this.refBuffer = null;
  }

  private dispatch(): void {
    if (this.dataLines === 0) {
      this.eventNameLength = 0;
      return;
    }
    this.events += 1;
    if (this.refBuffer !== null) this.sink.onSseEvent(this.refBuffer, this.refStart, this.refEnd, this);
    else this.sink.onSseEvent(this.data, 0, this.dataLength, this);
    this.clearEvent();
  }

  private clearEvent(): void {
    this.refBuffer = null;
    this.dataLength = 0;
    this.dataLines = 0;
    this.eventNameLength = 0;
  }
}

function growBuffer(old: Buffer, used: number, needed: number): Buffer {
  const grown = Buffer.allocUnsafe(Math.max(needed, old.length * 2, 256));
  old.copy(grown, 0, 0, used);
  return grown;
}

/** A chunk as a Buffer without copying (undici already gives Buffers). */
export function asBuffer(chunk: Uint8Array): Buffer {
  return Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
}
