/**
 * Splits a byte stream into lines without decoding it: a line is handed over as a Buffer view
 * (valid only during the callback) with its 1-based number. Holds at most one partial line, so a
 * 64 MiB SQL plan line costs 64 MiB once, not per chunk. Strips a UTF-8 BOM on line 1 and a CR
 * before LF.
 */
export type LineHandler = (line: Buffer, lineNo: number) => void;

export class LineSplitter {
  private carry: Buffer[] = [];
  private carryLen = 0;
  private lineNo = 0;

  constructor(private readonly onLine: LineHandler) {}

  get lines(): number {
    return this.lineNo;
  }

  push(chunk: Buffer): void {
    let start = 0;
    let nl = chunk.indexOf(10, start);
    while (nl >= 0) {
      let line: Buffer;
      if (this.carryLen > 0) {
        this.carry.push(chunk.subarray(start, nl));
        line = Buffer.concat(this.carry, this.carryLen + nl - start);
        this.carry = [];
        this.carryLen = 0;
      } else {
        line = chunk.subarray(start, nl);
      }
      this.emit(line);
      start = nl + 1;
      nl = chunk.indexOf(10, start);
    }
    if (start < chunk.length) {
      // The chunk may be reused by its producer: keep a copy of the tail.
      const tail = Buffer.from(chunk.subarray(start));
      this.carry.push(tail);
      this.carryLen += tail.length;
    }
  }

  /** Ends the stream; returns the final line when it had no newline (a possible truncation), else null. */
  end(): { line: Buffer; lineNo: number } | null {
    if (this.carryLen === 0) return null;
    const line = Buffer.concat(this.carry, this.carryLen);
    this.carry = [];
    this.carryLen = 0;
    this.lineNo++;
    return { line: this.clean(line), lineNo: this.lineNo };
  }

  private emit(line: Buffer): void {
    this.lineNo++;
    this.onLine(this.clean(line), this.lineNo);
  }

  private clean(line: Buffer): Buffer {
    if (this.lineNo === 1 && line.length >= 3 && line[0] === 0xef && line[1] === 0xbb && line[2] === 0xbf) line = line.subarray(3);
    return stripCr(line);
  }
}

function stripCr(line: Buffer): Buffer {
  return line.length > 0 && line[line.length - 1] === 13 ? line.subarray(0, line.length - 1) : line;
}
