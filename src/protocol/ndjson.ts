/**
 * Newline-delimited JSON framing on raw bytes (Ollama's native streams): one JSON value per line, lines
 * ending in LF or CRLF, blank lines skipped. Incremental and allocation-light like the SSE framer: a
 * line inside one read is handed over as a range of that read, never copied or decoded; a line split
 * across reads is carried in a buffer kept from response to response.
 */
import { copyBytes } from './json-bytes.js';
import { MAX_EVENT_BYTES } from './sse.js';

const LF = 0x0a;
const CR = 0x0d;
const EMPTY = Buffer.alloc(0);

/** Receives complete lines (without the line end). `line` is only valid during the call. */
export interface NdjsonSink {
  onLine(line: Buffer, start: number, end: number): void;
}

export class NdjsonFramer {
  private carry: Buffer = EMPTY;
  private carryLength = 0;
  /** Non-blank lines dispatched so far. */
  lines = 0;
  /** A line exceeded MAX_EVENT_BYTES: framing stopped. */
  overflowed = false;

  constructor(private readonly sink: NdjsonSink) {}

  reset(): void {
    this.carryLength = 0;
    this.lines = 0;
    this.overflowed = false;
  }

  push(chunk: Buffer): void {
    if (this.overflowed) return;
    let from = 0;
    for (;;) {
      const lf = chunk.indexOf(LF, from);
      if (lf === -1) {
        this.append(chunk, from, chunk.length);
        return;
      }
      if (this.carryLength > 0) {
        this.append(chunk, from, lf);
        if (this.overflowed) return;
        const length = this.carryLength;
        this.carryLength = 0;
        this.dispatch(this.carry, 0, length);
      } else {
        this.dispatch(chunk, from, lf);
      }
      from = lf + 1;
    }
  }

  /** The body ended: a last line without its line end still counts. */
  flush(): void {
    if (this.carryLength === 0 || this.overflowed) return;
    const length = this.carryLength;
    this.carryLength = 0;
    this.dispatch(this.carry, 0, length);
  }

  private dispatch(b: Buffer, start: number, end: number): void {
    if (end > start && b[end - 1] === CR) end -= 1;
    let first = start;
    while (first < end && (b[first] === 0x20 || b[first] === 0x09)) first += 1;
    if (first === end) return;
    this.lines += 1;
    this.sink.onLine(b, first, end);
  }

  private append(src: Buffer, start: number, end: number): void {
    const needed = this.carryLength + (end - start);
    if (needed > MAX_EVENT_BYTES) {
      this.overflowed = true;
      return;
    }
    if (needed > this.carry.length) {
      const grown = Buffer.allocUnsafe(Math.max(needed, this.carry.length * 2, 256));
      this.carry.copy(grown, 0, 0, this.carryLength);
      this.carry = grown;
    }
    copyBytes(src, start, end, this.carry, this.carryLength);
    this.carryLength = needed;
  }
}
