/**
 * Token counts of pre-tokenizer pieces, looked up by the characters of a text between two indexes without
 * cutting the piece out: a load test counts thousands of pieces per answer, and a substring per piece as a
 * Map key was about half the garbage of a request whose answer came without usage (4,096-token answers:
 * about 90 KB each, and the young-generation collections it costs run on V8's helper threads, beside the
 * load). Hand-written because it is that hot path: open addressing, FNV-1a over the UTF-16 code units,
 * linear probing; a lookup allocates nothing.
 */
export class PieceCounts {
  private keys: Array<string | undefined>;
  private hashes: Int32Array;
  private counts: Int32Array;
  private mask: number;
  private size = 0;
  /** Where the last missed lookup would have found its piece, for `add` right after it. */
  private missHash = 0;
  private missSlot = -1;
  private readonly maxPieces: number;
  private readonly initialSlots: number;

  /** `maxPieces`: once this many are kept, the table starts afresh. `initialSlots`: a power of two. */
  constructor(maxPieces: number, initialSlots = 4096) {
    this.maxPieces = maxPieces;
    this.initialSlots = initialSlots;
    this.keys = new Array<string | undefined>(initialSlots).fill(undefined);
    this.hashes = new Int32Array(initialSlots);
    this.counts = new Int32Array(initialSlots);
    this.mask = initialSlots - 1;
  }

  get pieces(): number {
    return this.size;
  }

  /** The count of `text.slice(start, end)`, or -1 when it is not known yet (then `add` may follow). */
  lookup(text: string, start: number, end: number): number {
    let hash = 0x811c9dc5 | 0;
    for (let i = start; i < end; i += 1) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
    const length = end - start;
    const keys = this.keys;
    const mask = this.mask;
    let slot = hash & mask;
    for (;;) {
      const key = keys[slot];
      if (key === undefined) break;
      if (this.hashes[slot] === hash && key.length === length && text.startsWith(key, start)) return this.counts[slot] as number;
      slot = (slot + 1) & mask;
    }
    this.missHash = hash;
    this.missSlot = slot;
    return -1;
  }

  /**
   * Keep the count of the piece the last `lookup` missed (`piece` is that piece, a string of its own: a key
   * must not keep a whole answer alive).
   */
  add(piece: string, count: number): void {
    if (this.missSlot < 0) throw new Error('PieceCounts.add without a missed lookup before it');
    if (this.size >= this.maxPieces) {
      this.reset(this.initialSlots);
      this.place(piece, this.missHash, count);
    } else if ((this.size + 1) * 2 > this.keys.length) {
      this.grow();
      this.place(piece, this.missHash, count);
    } else {
      this.keys[this.missSlot] = piece;
      this.hashes[this.missSlot] = this.missHash;
      this.counts[this.missSlot] = count;
    }
    this.size += 1;
    this.missSlot = -1;
  }

  private reset(slots: number): void {
    this.keys = new Array<string | undefined>(slots).fill(undefined);
    this.hashes = new Int32Array(slots);
    this.counts = new Int32Array(slots);
    this.mask = slots - 1;
    this.size = 0;
    this.missSlot = -1;
  }

  /** Double the slots (kept under half full, probes stay short). */
  private grow(): void {
    const { keys, hashes, counts } = this;
    const size = this.size;
    this.reset(keys.length * 2);
    for (let i = 0; i < keys.length; i += 1) {
      const key = keys[i];
      if (key !== undefined) this.place(key, hashes[i] as number, counts[i] as number);
    }
    this.size = size;
  }

  private place(key: string, hash: number, count: number): void {
    let slot = hash & this.mask;
    while (this.keys[slot] !== undefined) slot = (slot + 1) & this.mask;
    this.keys[slot] = key;
    this.hashes[slot] = hash;
    this.counts[slot] = count;
  }
}
