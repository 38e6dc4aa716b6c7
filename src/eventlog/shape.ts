/**
 * What JSON.parse would build from a line, measured before it builds it. A line's length is capped
 * (MAX_LINE_BYTES, lines.ts) but its cost is not its length: measured with the built CLI
 * (`inspect`, one 32 MiB line), a plan-like line costs ~4.2× its length, while 32 MiB of `{},`
 * cost 1.13 GiB peak RSS, of `1,` 549 MiB, and of nested `[` 1.7 GiB and 8 s. So a long line is
 * measured first, and parsed only within both limits below.
 */

/** Lines shorter than this are parsed unmeasured: whatever their shape, they cost under ~50 MiB. */
export const SHAPE_CHECK_BYTES = 1024 * 1024;

/**
 * The deepest nesting read: Jackson's StreamReadConstraints.DEFAULT_MAX_DEPTH (jackson-core 2.15,
 * which Spark 3.5 and later read event logs with, so their History Server refuses deeper lines too).
 * The deepest real line in ../shared/eventlogs nests 118 levels (a SQL plan).
 */
export const MAX_JSON_DEPTH = 1000;

/**
 * The most values (objects, arrays and the elements and members in them) read from one line. The
 * densest real plan lines in ../shared/eventlogs hold ~41,000 per MB, so even a 32 MiB plan (~1.4
 * million) passes. Measured peak RSS of `inspect` on one line at this limit: 1 million `{}` 155 MiB,
 * 2 million numbers 128 MiB, 2 million short strings filling 32 MiB 293 MiB (the worst shape within
 * both limits; at 1 million values it is 256 MiB, so a lower limit buys little and skips real plans).
 */
export const MAX_JSON_VALUES = 2_000_000;

export type ShapeExcess = { limit: 'depth'; at: number } | { limit: 'values'; at: number };

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * Null when `line` (JSON text) nests at most MAX_JSON_DEPTH deep and holds at most MAX_JSON_VALUES
 * values; else which limit it passes (and the count where it stopped looking). Strings are skipped
 * whole (indexOf), so a plan line's long strings cost little. Malformed JSON is not judged here.
 */
export function shapeExcess(line: Buffer, maxDepth = MAX_JSON_DEPTH, maxValues = MAX_JSON_VALUES): ShapeExcess | null {
  let depth = 0;
  let values = 0;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === QUOTE) {
      // To the closing quote: one not preceded by an odd run of backslashes.
      for (;;) {
        const q = line.indexOf(QUOTE, i + 1);
        if (q < 0) return null;
        let slashes = 0;
        while (line[q - 1 - slashes] === BACKSLASH) slashes++;
        i = q;
        if (slashes % 2 === 0) break;
      }
    } else if (c === 0x7b || c === 0x5b) {
      if (++depth > maxDepth) return { limit: 'depth', at: depth };
      if (++values > maxValues) return { limit: 'values', at: values };
    } else if (c === 0x7d || c === 0x5d) {
      depth--;
    } else if (c === 0x2c) {
      if (++values > maxValues) return { limit: 'values', at: values };
    }
  }
  return null;
}
