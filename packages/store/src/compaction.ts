/**
 * Log compaction for catching up: while a projection replays the log it keeps only the newest
 * message of each subject, as raw bytes, and parses just those survivors at the end. Every event
 * carries its whole object (or removes it), so the newest event of each object decides the state.
 */

/** The newest message of one subject. */
export interface LatestMessage {
  seq: number;
  subject: string;
  /** A view into the compactor's buffer: valid until the next `add` or the end of `drain`. */
  data: Uint8Array;
}

interface Slot {
  seq: number;
  offset: number;
  length: number;
}

/** The smallest buffer; it doubles as needed, so a short tail after a snapshot stays small. */
const MIN_BYTES = 1 << 20;

/** The most the buffer may grow to (address space reserved up front, committed as it grows). */
const MAX_BYTES = 2 ** 32;

/**
 * The newest message per subject, bytes copied into one resizable buffer: no allocation per
 * message and no reference to the client's socket buffers. When the buffer is full and at least
 * half of it is stale, the live bytes are moved down in place; otherwise it doubles. So it stays
 * below about four times the live bytes, the copying stays proportional to the bytes added, and
 * `drain` hands the memory back to the system at once (resize to 0), not at some later GC.
 */
export class LatestBySubject {
  #mem: ArrayBuffer;
  #buf: Uint8Array;
  #used = 0;
  #live = 0;
  #slots = new Map<string, Slot>();
  #added = 0;
  #lastSeq = 0;

  /** `maxBytes` caps the buffer (at most 4 GiB: address space is reserved up front). */
  constructor(readonly maxBytes = MAX_BYTES) {
    this.#mem = new ArrayBuffer(0, { maxByteLength: maxBytes });
    this.#buf = new Uint8Array(this.#mem, 0, 0);
  }

  /** Messages added since the last drain. */
  get added(): number {
    return this.#added;
  }

  /** Subjects held: the messages a drain yields. */
  get size(): number {
    return this.#slots.size;
  }

  /** The highest sequence added since the last drain (0: none). */
  get lastSeq(): number {
    return this.#lastSeq;
  }

  /** Bytes of the held messages. */
  get liveBytes(): number {
    return this.#live;
  }

  /**
   * Keeps a copy of `data` as the newest message of `subject`, replacing any older one. Returns
   * false, holding nothing new, when the live bytes would outgrow the buffer's limit (drain first).
   */
  add(seq: number, subject: string, data: Uint8Array): boolean {
    const slot = this.#slots.get(subject);
    const old = slot?.length ?? 0;
    if (this.#used + data.length > this.#buf.length && !this.#makeRoom(data.length, slot)) return false;
    if (slot) {
      this.#live -= old;
      slot.seq = seq;
      slot.offset = this.#used;
      slot.length = data.length;
    } else this.#slots.set(subject, { seq, offset: this.#used, length: data.length });
    this.#buf.set(data, this.#used);
    this.#used += data.length;
    this.#live += data.length;
    this.#added++;
    if (seq > this.#lastSeq) this.#lastSeq = seq;
    return true;
  }

  /** Frees room for `extra` bytes: compacts when at least half is stale, else grows. */
  #makeRoom(extra: number, replaced: Slot | undefined): boolean {
    const live = this.#live - (replaced?.length ?? 0);
    const size = this.#buf.length;
    if (2 * (live + extra) <= size) {
      this.#compact(replaced);
      return true;
    }
    let next = Math.max(MIN_BYTES, size);
    while (next < 2 * (live + extra) && next < this.maxBytes) next *= 2;
    next = Math.min(next, this.maxBytes);
    if (live + extra > next) return false;
    this.#compact(replaced);
    if (next > size) this.#resize(next);
    return true;
  }

  #resize(bytes: number): void {
    this.#mem.resize(bytes);
    // A fixed-length view: V8 optimises those better than views that track a resizable buffer.
    this.#buf = new Uint8Array(this.#mem, 0, bytes);
  }

  /** Moves the live bytes (all but `replaced`'s) down to the start of the buffer, in order. */
  #compact(replaced: Slot | undefined): void {
    const live = [...this.#slots.values()].filter((s) => s !== replaced).sort((a, b) => a.offset - b.offset);
    let at = 0;
    for (const s of live) {
      if (s.offset !== at) this.#buf.copyWithin(at, s.offset, s.offset + s.length);
      s.offset = at;
      at += s.length;
    }
    if (replaced) replaced.length = 0;
    this.#used = at;
  }

  /** Yields the held messages oldest first, then forgets them all and frees the buffer. */
  *drain(): Generator<LatestMessage> {
    const all = [...this.#slots].sort((a, b) => a[1].seq - b[1].seq);
    try {
      for (const [subject, s] of all) yield { seq: s.seq, subject, data: this.#buf.subarray(s.offset, s.offset + s.length) };
    } finally {
      this.#slots = new Map();
      this.#resize(0);
      this.#used = this.#live = this.#added = this.#lastSeq = 0;
    }
  }
}
