/**
 * Splits a byte stream into lines without decoding it: a line is handed over as a Buffer view
 * (valid only during the callback) with its 1-based number. Strips a UTF-8 BOM on line 1 and a CR
 * before LF.
 *
 * Memory: a line that spans chunks is gathered once (the chunks' tails, copied because their
 * producer reuses them, joined when its end arrives), so a line of L bytes costs at most 2L here,
 * briefly. A line longer than MAX_LINE_BYTES is never gathered: from the moment it passes the
 * limit its bytes are only counted, and when it ends it is reported to `onLongLine` (its number
 * and length) instead of `onLine`. Reading goes on with the next line. (A 2 GiB line without a
 * newline once aborted V8 joining it.)
 *
 * Line ends: LF, or CR in a file written with classic Mac OS line ends (CR alone): when the first
 * CR_SNIFF_BYTES hold no LF but do hold a CR, every CR ends a line. JSON never holds a raw CR or
 * LF (both are escaped inside strings), so an event log with CR line ends splits exactly; a text
 * log with LF line ends and stray CRs (a progress bar's) is found to be LF in its first 64 KiB.
 */
export type LineHandler = (line: Buffer, lineNo: number) => void;
/**
 * A line as bytes `start`..`end` of `buf` (valid only during the callback), with its 1-based number.
 * The event reader's hot loop takes lines this way: a view per line (`subarray`) cost a typed array
 * and its species lookup each, and asking a view where it lies (`byteOffset`, `buffer`) is a call
 * into V8's runtime on Node 20, not an inlined load.
 */
export type RangeHandler = (buf: Buffer, start: number, end: number, lineNo: number) => void;
/** A line longer than the limit was skipped: its number and its length in bytes (without the line end). */
export type LongLineHandler = (lineNo: number, bytes: number) => void;

/**
 * The longest line read, in bytes. Spark's longest lines are SQL plans
 * (SparkListenerSQLExecutionStart: physicalPlanDescription and sparkPlanInfo): the longest in
 * ../shared/eventlogs is 1.0 MB, the bench's are 5 MB, wide schemas make tens of MB. A line is
 * held whole to be parsed, and costs ~4.2 times its length at its peak: 2x here (the tails
 * gathered, then joined), 1x as text (toString), ~1x parsed (JSON.parse's copy of the plan
 * string). Measured with the built CLI (`inspect`, a log with one SQL-plan line): 16 MiB → 126 MiB
 * peak RSS, 24 → 158, 32 → 192, 48 → 259 (a 64 MiB line cost 325 MiB, 128 MiB 578 MiB). Our
 * choice: 32 MiB, the longest line that keeps the 200 MiB bound, 32 times the longest real one we
 * have; a longer line is skipped, counted and named ('line-too-long'), never held past this.
 * That bound holds for lines shaped like Spark's; a line shaped to cost more (deep or dense
 * JSON) is measured before it is parsed (shape.ts), which bounds it to ~300 MiB. Since then a SQL
 * execution start's plan is read from the line's bytes (plan-line.ts), not made a string twice: a plan
 * line costs its 2x here; a long line of another kind still costs the rest.
 */
export const MAX_LINE_BYTES = 32 * 1024 * 1024;

/** Bytes looked at, at the start, to tell CR line ends from LF ones. */
export const CR_SNIFF_BYTES = 64 * 1024;

const LF = 10;
const CR = 13;

/**
 * Where byte `byte` next occurs in `buf` at or after `from` (-1: nowhere): Buffer's indexOf, looked up
 * once. `buf.indexOf(…)` in a hot loop looked the method up on Buffer's prototype each time through
 * a generic inline cache (Node 20), which cost as much as the memchr behind it.
 */
// eslint-disable-next-line @typescript-eslint/unbound-method -- only ever called with .call(buf, …)
const bufferIndexOf: (this: Buffer, value: number, byteOffset: number) => number = (Buffer.prototype as Buffer).indexOf;
export const indexOfByte = (buf: Buffer, byte: number, from: number): number => bufferIndexOf.call(buf, byte, from);

export interface LineSplitterOptions {
  /** Lines longer than this many bytes are skipped (default MAX_LINE_BYTES). */
  maxLineBytes?: number;
  /** Called for each skipped line; without it they are skipped silently. */
  onLongLine?: LongLineHandler;
  /**
   * The stream continues a file after one of its LF line ends (a block after the first of a file
   * shared by two threads, src/input/split.ts): LF line ends from the start and no BOM, as the file's own
   * splitter would have it there. Lines are numbered from 1 all the same.
   */
  continues?: boolean;
}

export class LineSplitter {
  private carry: Buffer[] = [];
  private carryLen = 0;
  private lineNo = 0;
  /** Inside a line past the limit: its bytes so far (-1 when not skipping). */
  private skipped = -1;
  /** The line end byte, once known (LF or CR); until then, the first chunks wait in `pending`. */
  private sep = -1;
  private pending: Buffer[] = [];
  private pendingLen = 0;
  /** CR line ends: the last chunk ended with one, so a LF starting the next belongs to it (CRLF). */
  private afterCr = false;
  private readonly maxLine: number;
  private readonly onLongLine: LongLineHandler | undefined;
  private readonly continues: boolean;
  private readonly onRange: RangeHandler;

  /** `onLine` gets each line as a Buffer view; `{ range }` gets it as a range of a buffer (RangeHandler). */
  constructor(onLine: LineHandler | { range: RangeHandler }, options: LineSplitterOptions = {}) {
    this.onRange = typeof onLine === 'function' ? (buf, start, end, n) => onLine(buf.subarray(start, end), n) : onLine.range;
    this.maxLine = options.maxLineBytes ?? MAX_LINE_BYTES;
    this.onLongLine = options.onLongLine;
    this.continues = options.continues ?? false;
    if (this.continues) this.sep = LF;
  }

  get lines(): number {
    return this.lineNo;
  }

  /**
   * Counts `n` lines read elsewhere (another thread's digest of the bytes that follow, src/input/split.ts),
   * at a line end: the next line pushed is numbered after them.
   */
  skipLines(n: number): void {
    if (this.carryLen > 0 || this.skipped >= 0 || this.pendingLen > 0) throw new Error('lines skipped inside a line');
    this.lineNo += n;
  }

  push(chunk: Buffer): void {
    if (this.sep < 0) {
      const lf = chunk.indexOf(LF);
      if (lf >= 0 && this.pendingLen + lf < CR_SNIFF_BYTES) this.sep = LF;
      else if (this.pendingLen + chunk.length < CR_SNIFF_BYTES) {
        // Neither a LF nor enough bytes yet: hold the start (copied: the producer reuses its chunks).
        this.pending.push(Buffer.from(chunk));
        this.pendingLen += chunk.length;
        return;
      } else {
        const inWindow = chunk.subarray(0, CR_SNIFF_BYTES - this.pendingLen);
        this.sep = inWindow.indexOf(CR) >= 0 || this.pendingHasCr() ? CR : LF;
      }
      this.flushPending();
    }
    this.split(chunk);
  }

  /** Ends the stream; returns the final line when it had no line end (a possible truncation), else null. */
  end(): { line: Buffer; lineNo: number } | null {
    if (this.sep < 0) {
      // The whole stream was shorter than CR_SNIFF_BYTES and had no LF.
      this.sep = this.pendingHasCr() ? CR : LF;
      this.flushPending();
    }
    if (this.skipped >= 0) {
      this.lineNo++;
      this.onLongLine?.(this.lineNo, this.skipped);
      this.skipped = -1;
      return null;
    }
    if (this.carryLen === 0) return null;
    const line = Buffer.concat(this.carry, this.carryLen);
    this.carry = [];
    this.carryLen = 0;
    this.lineNo++;
    return { line: this.clean(line), lineNo: this.lineNo };
  }

  private pendingHasCr(): boolean {
    return this.pending.some((b) => b.indexOf(CR) >= 0);
  }

  /** Splits the chunks held while the line end was unknown. */
  private flushPending(): void {
    const held = this.pending;
    this.pending = [];
    this.pendingLen = 0;
    for (const b of held) this.split(b);
  }

  private split(chunk: Buffer): void {
    const sep = this.sep;
    let start = 0;
    // After CR line ends, a LF right after a CR is the second byte of a CRLF pair: skip it.
    if (sep === CR && this.afterCr && chunk.length > 0 && chunk[0] === LF) start = 1;
    this.afterCr = false;
    let end = indexOfByte(chunk, sep, start);
    while (end >= 0) {
      const len = end - start;
      if (this.skipped >= 0) {
        this.longLine(this.skipped + len);
      } else if (this.carryLen > 0) {
        if (this.carryLen + len > this.maxLine) {
          this.longLine(this.carryLen + len);
        } else {
          this.carry.push(chunk.subarray(start, end));
          const line = Buffer.concat(this.carry, this.carryLen + len);
          this.carry = [];
          this.carryLen = 0;
          this.emit(line, 0, line.length);
        }
      } else if (len > this.maxLine) {
        this.longLine(len);
      } else {
        this.emit(chunk, start, end);
      }
      start = end + 1;
      if (sep === CR && start < chunk.length && chunk[start] === LF) start++;
      end = indexOfByte(chunk, sep, start);
    }
    if (sep === CR && start === chunk.length && chunk.length > 0 && chunk[chunk.length - 1] === CR) this.afterCr = true;
    if (start >= chunk.length) return;
    const rest = chunk.length - start;
    if (this.skipped >= 0) {
      this.skipped += rest;
    } else if (this.carryLen + rest > this.maxLine) {
      // Past the limit: stop gathering, count from here on.
      this.skipped = this.carryLen + rest;
      this.carry = [];
      this.carryLen = 0;
    } else {
      // The chunk may be reused by its producer: keep a copy of the tail.
      const tail = Buffer.from(chunk.subarray(start));
      this.carry.push(tail);
      this.carryLen += tail.length;
    }
  }

  private longLine(bytes: number): void {
    this.skipped = -1;
    this.carry = [];
    this.carryLen = 0;
    this.lineNo++;
    this.onLongLine?.(this.lineNo, bytes);
  }

  /** Hands over bytes start..end of `buf` as the next line, without a BOM on line 1 or a CR before its end. */
  private emit(buf: Buffer, start: number, end: number): void {
    this.lineNo++;
    if (
      this.lineNo === 1 &&
      !this.continues &&
      end - start >= 3 &&
      buf[start] === 0xef &&
      buf[start + 1] === 0xbb &&
      buf[start + 2] === 0xbf
    )
      start += 3;
    if (end > start && buf[end - 1] === CR) end--;
    this.onRange(buf, start, end, this.lineNo);
  }

  private clean(line: Buffer): Buffer {
    if (this.lineNo === 1 && !this.continues && line.length >= 3 && line[0] === 0xef && line[1] === 0xbb && line[2] === 0xbf)
      line = line.subarray(3);
    return stripCr(line);
  }
}

function stripCr(line: Buffer): Buffer {
  return line.length > 0 && line[line.length - 1] === CR ? line.subarray(0, line.length - 1) : line;
}
