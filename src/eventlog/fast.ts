import { indexOfByte } from './lines.js';
import type { Shape } from './fields.js';
import { EVENTS, type EventOf } from './schemas.js';

/**
 * Reading an event-log line without JSON.parse when that is safe. Spark's JsonProtocol writes
 * `{"Event":"<name>",` first; most lines are either events the product does not use (counted by
 * name only) or successful SparkListenerTaskEnd lines, of which a few dozen numbers matter. Those
 * are read straight from the bytes; anything unexpected returns null and the caller parses the line
 * in full, so the fast path can only be as right as the full one (a test holds it to that on every
 * real log).
 */
const PREFIX = needle('{"Event":"');
const QUOTE = 0x22;
/** The most names a NameCache learns: a log has a few dozen event names and keys; a stranger one is parsed in full. */
const MAX_NAMES = 256;

/**
 * Bytes a line is compared with, as doubles of eight bytes each (at 0, 8, …, and the last eight,
 * which may overlap the one before): text of 8 bytes or more, none of whose eights is NaN or ±0 as a
 * double (ASCII text never is), so equal doubles are equal bytes.
 */
interface Needle {
  readonly bytes: Buffer;
  readonly length: number;
  readonly chunks: Float64Array;
}

function needle(text: string): Needle {
  const bytes = Buffer.from(text, 'latin1');
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  const chunks: number[] = [];
  for (let at = 0; at < bytes.length - 8; at += 8) chunks.push(dv.getFloat64(at, true));
  chunks.push(dv.getFloat64(bytes.length - 8, true));
  if (bytes.length < 8 || chunks.some((x) => Number.isNaN(x) || x === 0)) throw new Error(`not a needle: ${text}`);
  return { bytes, length: bytes.length, chunks: Float64Array.from(chunks) };
}

/*
 * A line is bytes start..end of a buffer `buf` (the line splitter's RangeHandler): most lines are
 * ranges of a few recycled 1 MiB read buffers, so nothing is made per line. Every scan stops at
 * `end` (the buffer goes on with the next line).
 */

/** The buffer `view` is a DataView of (same offsets): a new one only when lines come from another buffer. */
let viewOf: Uint8Array | null = null;
let view: DataView = new DataView(new ArrayBuffer(0));

/** Makes `view` a DataView of `buf`, offsets as in `buf` (an identity check per line; `.buffer` is a runtime call). */
function viewBuffer(buf: Uint8Array): void {
  if (buf !== viewOf) {
    viewOf = buf;
    view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }
}

/**
 * Whether `buf` holds at `start` the `len` bytes of a name (`words` the same bytes as 32-bit
 * words): four bytes per compare, the tail one by one. A name is compared in full on every key of
 * every task line (tens per line), where a byte loop cost about a third of the fast path's time.
 * `view` must be of `buf` (viewBuffer), and start + len within it.
 */
function sameBytes(buf: Uint8Array, start: number, words: Uint32Array, bytes: Uint8Array, len: number): boolean {
  const nw = words.length;
  for (let w = 0; w < nw; w++) if (view.getUint32(start + 4 * w, true) !== words[w]) return false;
  for (let i = nw * 4; i < len; i++) if (bytes[i] !== buf[start + i]) return false;
  return true;
}

/**
 * Whether bytes start..end are a name the fast path may take as it stands: printable ASCII without a
 * backslash. An escape (`\u0041`, `\\`) or a byte past ASCII is decoded by the full parse (as UTF-8),
 * so a name holding one is left to it.
 */
function plain(buf: Buffer, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const c = buf[i]!;
    if (c < 0x20 || c > 0x7e || c === 0x5c) return false;
  }
  return true;
}

/** A segment length no line reaches: Segments.at never matches it. */
const NEVER = 0x7fffffff;

/**
 * Byte strings a line is compared with at a place, kept as words: a NameCache's keys (`"name":`) and
 * a template's (`"first":`, then `,"next":` for each next one). Each is compared eight bytes at a
 * time as doubles when none of its eights is NaN or ±0 as a double (then equal doubles are equal
 * bytes; ASCII text never is), else four at a time; the last eight (or four) bytes as one more word,
 * which may overlap the one before, so there is no byte loop. A line whose keys are the last line's
 * is then read with one compare per key and no lookup; any other line is read key by key (the
 * general loops of metricsRow and walk), and its keys become the template for the next line.
 */
class Segments {
  count = 0;
  /** Each segment's length in bytes; NEVER for one under 4 bytes (`"":`), which no compare matches. */
  readonly lens: Int32Array;
  private readonly wide: Uint8Array;
  private readonly first: Int32Array;
  private readonly last4: Uint32Array;
  private readonly lastF: Float64Array;
  private w32: Uint32Array = new Uint32Array(1024);
  private f64: Float64Array = new Float64Array(512);
  private n32 = 0;
  private n64 = 0;

  constructor(capacity: number) {
    this.lens = new Int32Array(capacity);
    this.wide = new Uint8Array(capacity);
    this.first = new Int32Array(capacity);
    this.last4 = new Uint32Array(capacity);
    this.lastF = new Float64Array(capacity);
  }

  /** Makes the segments of these keys (at most the capacity): `"k0":`, then `,"k1":`, … */
  set(keys: readonly string[]): void {
    this.count = 0;
    this.n32 = 0;
    this.n64 = 0;
    for (let n = 0; n < keys.length; n++) this.add(`${n === 0 ? '' : ','}"${keys[n]!}":`);
  }

  /** Appends one segment (Latin-1 text) as segment number `count`. */
  add(text: string): void {
    const n = this.count++;
    const seg = Buffer.from(text, 'latin1');
    const len = seg.length;
    this.wide[n] = 0;
    if (len < 4) {
      this.lens[n] = NEVER;
      return;
    }
    const dv = new DataView(seg.buffer, seg.byteOffset, len);
    if (this.n32 + (len >> 2) + 1 > this.w32.length) this.w32 = grow32(this.w32, this.n32);
    if (this.n64 + (len >> 3) + 1 > this.f64.length) this.f64 = grow64(this.f64, this.n64);
    this.lens[n] = len;
    this.first[n] = this.n32;
    for (let at = 0; at < len - 4; at += 4) this.w32[this.n32++] = dv.getUint32(at, true);
    this.last4[n] = dv.getUint32(len - 4, true);
    if (len >= 8) {
      const chunks: number[] = [];
      for (let at = 0; at < len - 8; at += 8) chunks.push(dv.getFloat64(at, true));
      chunks.push(dv.getFloat64(len - 8, true));
      if (!chunks.some((x) => Number.isNaN(x) || x === 0)) {
        this.wide[n] = 1;
        this.first[n] = this.n64;
        for (let c = 0; c < chunks.length - 1; c++) this.f64[this.n64++] = chunks[c]!;
        this.lastF[n] = chunks[chunks.length - 1]!;
      }
    }
  }

  /** Whether `buf` holds segment n at `p` (the whole segment before `end`; `view` of `buf`). */
  at(n: number, p: number, end: number): boolean {
    const len = this.lens[n]!;
    if (p + len > end) return false;
    const dv = view;
    if (this.wide[n] === 1) {
      const last = p + len - 8;
      const f = this.f64;
      for (let w = this.first[n]!, q = p; q < last; w++, q += 8) if (dv.getFloat64(q, true) !== f[w]) return false;
      return dv.getFloat64(last, true) === this.lastF[n];
    }
    const last = p + len - 4;
    const words = this.w32;
    for (let w = this.first[n]!, q = p; q < last; w++, q += 4) if (dv.getUint32(q, true) !== words[w]) return false;
    return dv.getUint32(last, true) === this.last4[n];
  }
}

/**
 * Names seen so far, as bytes: a log has a few dozen event names and metric names, repeated
 * millions of times, so comparing bytes beats making a string per line. `at` finds a known name
 * whose closing quote is at the right place, trying first the one after the last match (keys
 * always come in the same order), and returns its index (no object per key: the hot loop
 * allocates nothing). `key` looks first for the whole key `"name":` of the name expected next.
 */
class NameCache {
  readonly names: string[] = [];
  /** For each known name, a number its user keeps with it (a walk's slot, a metric's id; -1: none). */
  readonly slots: number[] = [];
  readonly lengths: number[] = [];
  private readonly bytes: Uint8Array[] = [];
  /** Each name's bytes as little-endian 32-bit words (the last one partial, unused). */
  private readonly words: Uint32Array[] = [];
  /** Each name as a key, `"name":`, in the same order as the names (see Segments). */
  private readonly keys = new Segments(MAX_NAMES);
  private next = 0;

  constructor(private readonly slotOf: (name: string) => number = () => -1) {}

  /** The index of the known name starting at `start` (its closing quote right after, before `limit`), or -1. */
  at(buf: Buffer, start: number, limit: number): number {
    const n = this.bytes.length;
    for (let j = 0, k = this.next; j < n; j++, k++) {
      if (k === n) k = 0;
      const len = this.lengths[k]!;
      if (start + len >= limit || buf[start + len] !== QUOTE) continue;
      if (sameBytes(buf, start, this.words[k]!, this.bytes[k]!, len)) {
        this.next = k + 1;
        return k;
      }
    }
    return -1;
  }

  /**
   * The index of the name expected next (the one after the last match) when `buf` holds its key
   * `"name":` at `p` (ending by `end`), else -1: then `at` may find another. Keys come in the same
   * order line after line, so this one compare is most keys' whole lookup; the key's length is
   * then keyLength(k). `view` must be of `buf` (viewBuffer).
   */
  key(buf: Buffer, p: number, end: number): number {
    let k = this.next;
    if (k >= this.bytes.length) k = 0;
    if (!this.keys.at(k, p, end)) return -1;
    this.next = k + 1;
    return k;
  }

  /** The length in bytes of name k's key, `"name":`. */
  keyLength(k: number): number {
    return this.keys.lens[k]!;
  }

  /** The index of the name in start..end (a quote at `end`), learning it if new; -1 once the cache is full. */
  learn(buf: Buffer, start: number, end: number): number {
    const k = this.at(buf, start, end + 1);
    if (k >= 0 && start + this.lengths[k]! === end) return k;
    if (this.bytes.length >= MAX_NAMES || !plain(buf, start, end)) return -1;
    const name = buf.toString('latin1', start, end);
    const bytes = Uint8Array.from(buf.subarray(start, end));
    this.bytes.push(bytes);
    const words = new Uint32Array(bytes.length >> 2);
    const dv = new DataView(bytes.buffer);
    for (let w = 0; w < words.length; w++) words[w] = dv.getUint32(4 * w, true);
    this.words.push(words);
    this.names.push(name);
    this.lengths.push(end - start);
    this.slots.push(this.slotOf(name));
    this.keys.add(`"${name}":`);
    return this.bytes.length - 1;
  }

  /** The name in start..end, learnt; null when it is not plain (its text is the full parse's to decode). */
  get(buf: Buffer, start: number, end: number): string | null {
    // A name learn() finds or learns is plain; one it refuses (not plain, or the cache full) is checked here.
    const k = this.learn(buf, start, end);
    if (k >= 0) return this.names[k]!;
    return plain(buf, start, end) ? buf.toString('latin1', start, end) : null;
  }
}

/**
 * The most executor metric names given ids, for the whole process (a scan worker reads many logs).
 * Spark's ExecutorMetricType names ~30, and metrics plugins a few more; a hostile log may invent
 * millions. Our choice: 1,000; the names past it are not kept (metricId -1).
 */
export const MAX_METRIC_NAMES = 1_000;

/** Executor metric names by id, so per-executor peaks can be kept in arrays instead of records. */
const metricIds = new Map<string, number>();
const metricNamesById: string[] = [];
/** The id of an executor metric name, or -1 when MAX_METRIC_NAMES others came first. */
export function metricId(name: string): number {
  let id = metricIds.get(name);
  if (id === undefined) {
    if (metricNamesById.length >= MAX_METRIC_NAMES) return -1;
    id = metricNamesById.length;
    metricIds.set(name, id);
    metricNamesById.push(name);
  }
  return id;
}
export const metricName = (id: number): string => metricNamesById[id]!;
/** How many executor metric names have ids. */
export const metricNameCount = (): number => metricNamesById.length;

const eventNames = new NameCache();
const metricNames = new NameCache(metricId);

/** The event name of the line start..end of `buf`, or null when it does not start the way JsonProtocol writes it. */
export function eventName(buf: Buffer, start: number, end: number): string | null {
  if (end - start < PREFIX.length + 2) return null;
  viewBuffer(buf);
  if (!startsWith(buf, start, end, PREFIX)) return null;
  const from = start + PREFIX.length;
  // A known name with its closing quote after it needs no search for the quote (a name holds none).
  const k = eventNames.at(buf, from, end);
  if (k >= 0) return eventNames.names[k]!;
  const q = indexOfByte(buf, QUOTE, from);
  return q < 0 || q >= end ? null : eventNames.get(buf, from, q);
}

/** A JSON object's last significant byte is '}': a cheap check that a line is whole. */
export function looksComplete(buf: Buffer, start: number, end: number): boolean {
  let i = end - 1;
  while (i >= start && (buf[i] === 0x20 || buf[i] === 0x09)) i--;
  return i >= start && buf[i] === 0x7d;
}

/** Where the last readInt stopped. */
let intEnd = 0;

/**
 * The most digits an integer read in place may have: fifteen are always exact in a double, while a
 * longer number summed digit by digit could round other than JSON.parse rounds it. Longer ones (no
 * metric Spark writes comes near) go to the full parser.
 */
const MAX_DIGITS = 15;

/**
 * The JSON integer at `i`, before `end` (its end left in `intEnd`), or NaN for anything else: no
 * digits, too many, a fraction or an exponent, which the full parser is left to read.
 */
function readInt(buf: Buffer, i: number, end: number): number {
  let neg = false;
  if (i < end && buf[i] === 0x2d) {
    neg = true;
    i++;
  }
  let v = 0;
  const start = i;
  // Four digits at a time while four are there (`view` is of `buf`): bytes 0x30..0x39 each are the
  // words whose high nibbles are all 3 before and after adding 6 to every byte (no carry: each is
  // under 0x40). Then d*10 + (d >> 8) holds the first two digits' value in its low byte and the last
  // two's in its third. Partial values stay integers under 2^53, so the sum is exact.
  for (; i + 4 <= end; i += 4) {
    const x = view.getUint32(i, true);
    if ((x & 0xf0f0f0f0) !== 0x30303030 || ((x + 0x06060606) & 0xf0f0f0f0) !== 0x30303030) break;
    const d = x - 0x30303030;
    const t = d * 10 + (d >>> 8);
    v = v * 10000 + (t & 0xff) * 100 + ((t >>> 16) & 0xff);
  }
  for (; i < end; i++) {
    const c = buf[i]!;
    if (c < 0x30 || c > 0x39) break;
    v = v * 10 + (c - 0x30);
  }
  intEnd = i;
  // No digits, too many, or a leading zero (JSON.parse refuses `01`).
  if (i === start || i - start > MAX_DIGITS || (buf[start] === 0x30 && i - start > 1)) return Number.NaN;
  if (i < end) {
    const c = buf[i];
    if (c === 0x2e || c === 0x65 || c === 0x45) return Number.NaN;
  }
  return neg ? -v : v;
}

/**
 * Executor metrics as parallel arrays; `keys` and `ids` (see metricId) are shared by every line
 * with the same key order. `vals` holds the first `ids.length` values and, like the row itself,
 * is the same object for every line, overwritten by the next: read it before reading on (a fresh
 * array per line was a tenth of the fast path's allocations).
 */
export interface MetricsRow {
  keys: readonly string[];
  ids: readonly number[];
  vals: Float64Array;
}

/** At most this many metrics per line are read in place; more (never Spark's) go to the full parse. */
const MAX_ROW = 256;
const row: MetricsRow = { keys: [], ids: [], vals: new Float64Array(MAX_ROW) };

let lastKeys: string[] = [];
let lastIds: number[] = [];
/** Where the last row read ended: its closing '}'. */
let rowEnd = -1;

/** The last row's keys (see Segments). */
class RowTemplate {
  keys: readonly string[] = [];
  ids: readonly number[] = [];
  readonly segs = new Segments(MAX_ROW);

  set(keys: readonly string[], ids: readonly number[]): void {
    this.keys = keys;
    this.ids = ids;
    this.segs.set(keys);
  }
}

function grow32(a: Uint32Array, used: number): Uint32Array {
  const b = new Uint32Array(2 * a.length);
  b.set(a.subarray(0, used));
  return b;
}
function grow64(a: Float64Array, used: number): Float64Array {
  const b = new Float64Array(2 * a.length);
  b.set(a.subarray(0, used));
  return b;
}

const rowTemplate = new RowTemplate();

/** The row at `at` when its keys are the template's (or its first ones), else null: then metricsRow reads it key by key. */
function templateRow(buf: Buffer, at: number, end: number): MetricsRow | null {
  const t = rowTemplate;
  const segs = t.segs;
  const count = segs.count;
  const vals = row.vals;
  let i = at + 1;
  for (let n = 0; n < count; n++) {
    if (!segs.at(n, i, end)) return null;
    const v = readInt(buf, i + segs.lens[n]!, end);
    if (Number.isNaN(v)) return null;
    vals[n] = v;
    i = intEnd;
    if (i >= end) return null;
    if (buf[i] === 0x7d) {
      rowEnd = i;
      if (n + 1 === count) {
        row.keys = t.keys;
        row.ids = t.ids;
      } else {
        row.keys = t.keys.slice(0, n + 1);
        row.ids = t.ids.slice(0, n + 1);
      }
      return row;
    }
  }
  return null;
}

/** For metricsRow's general loop: rowSeen[id] === rowStamp when metric id is in the row being read. */
const rowSeen = new Float64Array(MAX_METRIC_NAMES);
let rowStamp = 0;

/** `{"Name":number,…}` from the '{' at `at` (before `end`) as a MetricsRow, or null when not flat integers. */
function metricsRow(buf: Buffer, at: number, end: number): MetricsRow | null {
  if (at + 1 >= end || buf[at] !== 0x7b) return null;
  if (rowTemplate.segs.count > 0) {
    const fast = templateRow(buf, at, end);
    if (fast !== null) return fast;
  }
  const vals = row.vals;
  rowStamp++;
  let keys = lastKeys;
  let ids = lastIds;
  let n = 0;
  let i = at + 1;
  if (buf[i] === 0x7d) {
    row.keys = [];
    row.ids = [];
    rowEnd = i;
    return row;
  }
  for (;;) {
    let k = metricNames.key(buf, i, end);
    let valueAt: number;
    if (k >= 0) valueAt = i + metricNames.keyLength(k);
    else {
      if (i >= end || buf[i] !== QUOTE) return null;
      k = metricNames.at(buf, i + 1, end);
      let endName: number;
      if (k >= 0) endName = i + 1 + metricNames.lengths[k]!;
      else {
        endName = indexOfByte(buf, QUOTE, i + 1);
        if (endName < 0 || endName >= end) return null;
        k = metricNames.learn(buf, i + 1, endName);
        if (k < 0) return null; // the cache is full: an unusual log, parse in full
      }
      if (endName + 1 >= end || buf[endName + 1] !== 0x3a) return null;
      valueAt = endName + 2;
    }
    const id = metricNames.slots[k]!;
    // A key twice in a row: JSON.parse keeps the last value, a row would keep both; parse in full.
    if (id >= 0) {
      if (rowSeen[id] === rowStamp) return null;
      rowSeen[id] = rowStamp;
    }
    if (n >= ids.length || ids[n] !== id) {
      // A different key order than the last line: start new shared key lists.
      keys = keys.slice(0, n);
      ids = ids.slice(0, n);
      keys.push(metricNames.names[k]!);
      ids.push(id);
    }
    const v = readInt(buf, valueAt, end);
    if (Number.isNaN(v) || n >= MAX_ROW) return null;
    i = intEnd;
    vals[n++] = v;
    if (i >= end) return null;
    if (buf[i] === 0x2c) i++;
    else if (buf[i] === 0x7d) break;
    else return null;
  }
  if (keys.length !== n) {
    keys = keys.slice(0, n);
    ids = ids.slice(0, n);
  }
  lastKeys = keys;
  lastIds = ids;
  if (n > 0) rowTemplate.set(keys, ids);
  rowEnd = i;
  row.keys = keys;
  row.ids = ids;
  return row;
}

type TaskEnd = EventOf<'SparkListenerTaskEnd'>;

/*
 * What the full parse (the zod schema in schemas.ts) asks of a key's value, so that the fast path reads
 * a line only when the full parse would accept it and read the same: a key of the schema whose value
 * is of another type, or null (which the schema passes on as null, not as absent), sends the line to
 * the full parse; so does a key that must not come twice at a level (JSON.parse keeps the last).
 */
/** Not in the schema: any JSON value. */
const ANY = 0;
/** A number of the schema (integers are read in place; anything else goes to the full parse). */
const NUM = 1;
/** A string of the schema. */
const STR = 2;
/** A boolean of the schema. */
const BOOL = 3;
/** The Executor ID: a string, kept (strVal). */
const ID = 4;
/** An object of the schema: a walk stops at it (its caller reads it); at any other object or array it refuses the line. */
const OBJ = 5;
/** A key that must not be at this level: the line goes to the full parse. */
const REFUSE = 6;

/** A key a walk checks: its name, what its value must be, and the slot of `vals` it is kept in (-1: not kept). */
type Want = readonly [name: string, kind: number, slot?: number];

/**
 * The keys a walk checks, each with its kind and slot. Keys are matched through a NameCache (bytes,
 * in the order JsonProtocol writes them), so the hot loop makes no strings and no objects.
 */
class Wanted {
  readonly cache: NameCache;
  /** By the cache's slot number (the key's index in the list): its kind and the slot of `vals` it is kept in. */
  readonly kinds: Int8Array;
  readonly keep: Int8Array;
  /** The keys of the last walk from where this one starts, in order (see Segments), with their slots. */
  readonly segs = new Segments(MAX_ROW);
  readonly slots = new Int32Array(MAX_ROW);
  names: string[] = [];
  /** Whether the last walk stopped at an object or array value (its last key's), rather than at a '}'. */
  stops = false;
  /** The keys the general walk read, by cache index, to become the template (-1 entries: too many). */
  readonly seen = new Int32Array(MAX_ROW);
  seenCount = 0;
  /** Whether a walk clears `vals` first (the walks of the event's levels; not INPUT, inside Task Metrics). */
  clears = true;
  constructor(wants: readonly Want[]) {
    const names = wants.map((w) => w[0]);
    this.cache = new NameCache((name) => names.indexOf(name));
    this.kinds = Int8Array.from(wants.map((w) => w[1]));
    this.keep = Int8Array.from(wants.map((w) => w[2] ?? -1));
  }

  /** Makes the keys the general walk just read the template. */
  learnTemplate(stops: boolean): void {
    const n = this.seenCount;
    if (n > MAX_ROW) {
      this.segs.count = 0;
      return;
    }
    const names: string[] = [];
    for (let j = 0; j < n; j++) {
      const k = this.seen[j]!;
      names.push(this.cache.names[k]!);
      this.slots[j] = this.cache.slots[k]!;
    }
    this.names = names;
    this.stops = stops;
    this.segs.set(names);
  }
}

/** SparkListenerTaskEnd's fields as schemas.ts declares them: the one place they are written. */
const TASK_END = EVENTS.SparkListenerTaskEnd.shape;
const TASK_METRICS = TASK_END['Task Metrics'].of.shape;

/**
 * The walk's kind for each field of `shape` (an object level of the schema): what the full parse
 * asks of it (a number, a string, a boolean, an object a walk stops at), with the slots `keep`
 * names; then `stops`, objects JsonProtocol writes at that level that the schema does not read
 * (a place for the walk to stop, refused nowhere). A field of a kind the fast path cannot check
 * throws here, at start: read it in the fast path, or leave the event to the full parse.
 */
function wantsOf(shape: Shape, keep: Readonly<Record<string, number>>, stops: readonly string[] = []): Want[] {
  const wants: Want[] = Object.entries(shape).map(([name, field]) => {
    const f = field.kind === 'opt' ? field.of : field;
    const kind = f.kind === 'num' ? NUM : f.kind === 'str' ? STR : f.kind === 'bool' ? BOOL : f.kind === 'obj' ? OBJ : -1;
    if (kind < 0) throw new Error(`fast path: ${name} is a ${f.kind}, which a walk does not check`);
    return keep[name] !== undefined ? [name, kind, keep[name]] : [name, kind];
  });
  return [...wants, ...stops.map((name): Want => [name, OBJ])];
}

/** Keys of the event's level a walk there must not meet (a later one would replace what was read). */
const TOP_LEVEL: Want[] = ['Event', ...Object.keys(TASK_END)].map((name) => [name, REFUSE]);
const override = (base: Want[], wants: Want[]): Want[] => [...wants, ...base.filter((b) => !wants.some((w) => w[0] === b[0]))];
/** Top level, from just after the event name: Stage ID, Stage Attempt ID, Task Type, up to Task End Reason. */
const TOP = new Wanted(
  override(TOP_LEVEL, [
    ['Stage ID', NUM, 0],
    ['Stage Attempt ID', NUM, 1],
    ['Task End Reason', OBJ],
  ]),
);
/** Top level after Task End Reason: Task Info next (two walks of the same level keep two templates). */
const AFTER_REASON = new Wanted(override(TOP_LEVEL, [['Task Info', OBJ]]));
/** Task Info; the Executor ID is kept as a string (strVal), and Accumulables, last, ends the walk. */
const INFO = new Wanted(
  override(wantsOf(TASK_END['Task Info'].shape, { 'Task ID': 0, 'Launch Time': 1, 'Finish Time': 2 }, ['Accumulables']), [
    ['Executor ID', ID],
  ]),
);
/** The slot of `vals` an Input Metrics' Bytes Read is kept in (after Task Metrics' six). */
const INPUT_SLOT = 6;
const TM = new Wanted(
  wantsOf(
    TASK_METRICS,
    {
      'Executor Run Time': 0,
      'JVM GC Time': 1,
      'Result Size': 2,
      'Memory Bytes Spilled': 3,
      'Disk Bytes Spilled': 4,
      'Peak Execution Memory': 5,
    },
    // The other objects JsonProtocol writes in Task Metrics, the walk's place to stop at (first Shuffle Read Metrics).
    ['Shuffle Read Metrics', 'Shuffle Write Metrics', 'Output Metrics', 'Updated Blocks'],
  ),
);
/** A task's input bytes: JsonProtocol.scala writes `"Input Metrics":{"Bytes Read":N,…}` inside Task Metrics. */
const INPUT = new Wanted(wantsOf(TASK_METRICS['Input Metrics'].of.shape, { 'Bytes Read': INPUT_SLOT }));
INPUT.clears = false;
const INPUT_KEY = needle(',"Input Metrics":');
const INPUT_PIVOT = INPUT_KEY.bytes.indexOf('I');
/** inputBytesAt's answer when the full parse must decide. */
const REFUSED = Number.NEGATIVE_INFINITY;
/**
 * Task Metrics' Input Metrics Bytes Read, looked for from `from` (its '{') to the line's
 * end: NaN when there is none, REFUSED when Input Metrics is not an object whose Bytes Read is an
 * integer, or is given twice (JSON.parse keeps the last).
 */
function inputBytesAt(buf: Buffer, from: number, end: number): number {
  const at = find(buf, INPUT_KEY, from, end, INPUT_PIVOT);
  if (at < 0) return Number.NaN;
  const i = at + INPUT_KEY.length;
  if (buf[i] !== 0x7b || find(buf, INPUT_KEY, i, end, INPUT_PIVOT) >= 0) return REFUSED;
  vals[INPUT_SLOT] = Number.NaN;
  // Read to its '}' (an object or array inside it: the full parse).
  return walk(buf, i + 1, end, INPUT) < 0 || stoppedAt() !== null ? REFUSED : vals[INPUT_SLOT];
}

const SUCCESS = needle('{"Reason":"Success"}');
/**
 * How a task line of Spark 2.1 to 4 with no block updates ends: JsonProtocol writes Task Metrics last
 * in the event and Updated Blocks last in it (JsonProtocol.scala, taskEndToJson and
 * taskMetricsToJson). The fast path reads only lines that end so: what it skips unread (the
 * Accumulables) then lies before the line's end, and a line cut short (a damaged log) cannot end so,
 * since its `"` would be escaped inside a string. Other lines (cached blocks, Spark 1.x and 2.0, a
 * cut line) are parsed in full.
 */
const LINE_END = needle(',"Updated Blocks":[]}}');
/** Task Info closed after its Accumulables, then Task Executor Metrics (Spark 3+) or Task Metrics. */
const TEM_AFTER_INFO = needle(']},"Task Executor Metrics":');
const TM_AFTER_INFO = needle(']},"Task Metrics":');
/**
 * The byte Task Executor Metrics is found by: the 'E' of "Executor", rare in the Accumulables
 * before it (their keys are ID, Name, Update, Value, Internal, Count Failed Values; metric names are
 * lower case: internal.metrics.executorRunTime, "number of output rows"). The 'T' of "Task" was
 * hit six times a line on the benchmark's (executorRunTime, jvmGCTime, …).
 */
const TEM_PIVOT = TEM_AFTER_INFO.bytes.indexOf('Executor');
const TM_PIVOT = TM_AFTER_INFO.bytes.indexOf('Task');
/** The keys after Task Info, from their commas. */
const TEM_KEY = needle(',"Task Executor Metrics":');
const TM_NEXT = needle(',"Task Metrics":');

/**
 * Executor IDs read, as bytes and as the strings made of them: a log has a few to a few thousand
 * executors, named again on every task line, so a line's id is looked up by its bytes in a table and
 * a string is made only for an id not in it (decoding one per line was a tenth of the fast path's
 * allocations). Tasks end on executors in turn, not in runs, so one "last id" would miss most
 * lines. The table has ID_SLOTS slots, chosen by a hash of the bytes (a number's value, for the
 * digits Spark's ids are made of: a hash mixing the bytes put 63 of the bench's 400 ids in a slot
 * another had); a new id takes its slot over (memory stays fixed whatever the log holds). Ids
 * longer than ID_BYTES are decoded each time. Our choice: 1,024 slots (ids up to 1,023 each have
 * their own) of 64 bytes (Spark's ids are numbers, or "driver").
 */
const ID_SLOTS = 1024;
const ID_BYTES = 64;
const idBytes = new Uint8Array(ID_SLOTS * ID_BYTES);
const idLens = new Int32Array(ID_SLOTS).fill(-1);
const idStrings: string[] = new Array<string>(ID_SLOTS).fill('');

/** The Executor ID in bytes start..end of `buf` (no escapes): the table's string when it holds the same bytes. */
function executorIdAt(buf: Buffer, start: number, end: number): string {
  const len = end - start;
  if (len > ID_BYTES) return buf.toString('utf8', start, end);
  // Spark's ids are numbers ("driver" aside): as the hash, an id's value puts ids 0..1023 in slots of their own.
  let h = 0;
  for (let k = start; k < end; k++) h = (Math.imul(h, 10) + buf[k]! - 0x30) | 0;
  const slot = h & (ID_SLOTS - 1);
  const at = slot * ID_BYTES;
  if (idLens[slot] === len) {
    let k = 0;
    while (k < len && buf[start + k] === idBytes[at + k]) k++;
    if (k === len) return idStrings[slot]!;
  }
  const id = buf.toString('utf8', start, end);
  for (let k = 0; k < len; k++) idBytes[at + k] = buf[start + k]!;
  idLens[slot] = len;
  idStrings[slot] = id;
  return id;
}

/** Results of one walk: numbers by slot (NaN = absent), the one string a walk may keep, the key it stopped at. */
const vals = new Float64Array(8);
/** Every slot but INPUT_SLOT absent: stores, not fill() (a call into the runtime) nor a loop, four times a line. */
function clearVals(): void {
  const v = vals;
  const nan = Number.NaN;
  v[0] = nan;
  v[1] = nan;
  v[2] = nan;
  v[3] = nan;
  v[4] = nan;
  v[5] = nan;
  v[7] = nan;
}
let strVal: string | undefined;
let stopKey: string | null = null;
/** The key the last walk stopped at (a function, so type narrowing does not outlive a walk). */
const stoppedAt = (): string | null => stopKey;

/** `true`, `null` and the first four bytes of `false` as little-endian words. */
const TRUE = 0x65757274;
const NULL = 0x6c6c756e;
const FALS = 0x736c6166;

/**
 * The end of the JSON string whose opening quote is at `i` (just past its closing quote), or -1 when
 * it is not one JSON.parse takes: a control byte, or an escape other than JSON's. `escaped` is left
 * true when it holds one.
 */
let escaped = false;
function stringEnd(buf: Buffer, i: number, end: number): number {
  escaped = false;
  for (let j = i + 1; j < end; j++) {
    const c = buf[j]!;
    if (c === QUOTE) return j + 1;
    if (c < 0x20) return -1;
    if (c === 0x5c) {
      escaped = true;
      const e = buf[++j];
      if (e === 0x75) {
        if (j + 4 >= end) return -1;
        for (let h = 1; h <= 4; h++) if (!isHex(buf[j + h]!)) return -1;
        j += 4;
      } else if (e !== QUOTE && e !== 0x5c && e !== 0x2f && e !== 0x62 && e !== 0x66 && e !== 0x6e && e !== 0x72 && e !== 0x74) return -1;
    }
  }
  return -1;
}
const isHex = (c: number): boolean => (c >= 0x30 && c <= 0x39) || ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x66);

/**
 * The end of the scalar value at `i` (its first byte `c`, before `end`), kept as its Want says (its
 * kind and slot `want` of `w`; -1: not a wanted key), or -1 when it is not what JsonProtocol writes
 * or not of the kind the schema asks for.
 */
function scalar(buf: Buffer, i: number, end: number, c: number, w: Wanted, want: number): number {
  const kind = want < 0 ? ANY : w.kinds[want]!;
  // Numbers first, the rest apart (otherScalar): kept small, this is inlined into the walks with
  // readInt (with the strings and literals in it, readInt was left a call: ~7% of the 1 GiB log's time).
  if ((c >= 0x30 && c <= 0x39) || c === 0x2d) {
    if (kind !== ANY && kind !== NUM) return -1;
    const v = readInt(buf, i, end);
    if (Number.isNaN(v)) return -1;
    const slot = want < 0 ? -1 : w.keep[want]!;
    if (slot >= 0) vals[slot] = v;
    return intEnd;
  }
  return otherScalar(buf, i, end, c, kind);
}

/** scalar's strings and literals (`kind`: what the schema asks of the key); -1 for any other byte. */
function otherScalar(buf: Buffer, i: number, end: number, c: number, kind: number): number {
  if (c === QUOTE) {
    if (kind !== ANY && kind !== STR && kind !== ID) return -1;
    const j = stringEnd(buf, i, end);
    if (j < 0) return -1;
    if (kind === ID) {
      if (escaped) return -1;
      strVal = executorIdAt(buf, i + 1, j - 1);
    }
    return j;
  }
  if (c === 0x74 || c === 0x66 || c === 0x6e) {
    if (i + 5 > end) return -1;
    const x = view.getUint32(i, true);
    if (c === 0x6e) return kind === ANY && x === NULL ? i + 4 : -1;
    if (kind !== ANY && kind !== BOOL) return -1;
    if (x === TRUE) return i + 4;
    return x === FALS && buf[i + 4] === 0x65 ? i + 5 : -1;
  }
  return -1;
}

/**
 * Walks `"key":value,` pairs of one object level from `p` (just inside its '{', before `end`),
 * keeping the wanted keys' integer (or, for Executor ID, string) values. Stops before the first
 * object or array value, of a key the walk expects one for (its key left in `stopKey`), or at the
 * closing '}'. Returns the stop position, or -1 when the bytes are not what JsonProtocol writes
 * (the caller then parses the line in full). A line whose keys are the last walk's is read by their
 * template (templateWalk); any other by the general loop, which makes its keys the template.
 */
function walk(buf: Buffer, p: number, end: number, w: Wanted): number {
  if (w.segs.count > 0) {
    const at = templateWalk(buf, p, end, w);
    if (at >= 0) return at;
  }
  if (w.clears) clearVals();
  strVal = undefined;
  stopKey = null;
  const cache = w.cache;
  w.seenCount = 0;
  for (;;) {
    if (p >= end) return -1;
    if (buf[p] === 0x7d && w.seenCount === 0) {
      w.learnTemplate(false);
      return p;
    }
    let k = cache.key(buf, p, end);
    let i: number;
    if (k >= 0) i = p + cache.keyLength(k);
    else {
      if (buf[p] !== QUOTE) return -1;
      k = cache.at(buf, p + 1, end);
      let nameEnd: number;
      if (k >= 0) nameEnd = p + 1 + cache.lengths[k]!;
      else {
        nameEnd = indexOfByte(buf, QUOTE, p + 1);
        if (nameEnd < 0 || nameEnd >= end) return -1;
        k = cache.learn(buf, p + 1, nameEnd);
        if (k < 0) return -1; // the cache is full: an unusual log, parse in full
      }
      if (nameEnd + 1 >= end || buf[nameEnd + 1] !== 0x3a) return -1;
      i = nameEnd + 2;
    }
    if (i >= end) return -1;
    if (w.seenCount < MAX_ROW) w.seen[w.seenCount] = k;
    w.seenCount++;
    const want = cache.slots[k]!;
    const c = buf[i]!;
    if (c === 0x7b || c === 0x5b) {
      // A walk stops at the first object or array, of a key it expects one for (else it would not
      // read the keys after it).
      if (want < 0 || w.kinds[want] !== OBJ) return -1;
      stopKey = cache.names[k]!;
      w.learnTemplate(true);
      return i;
    }
    i = scalar(buf, i, end, c, w, want);
    if (i < 0 || i >= end) return -1;
    if (buf[i] === 0x2c) p = i + 1;
    else if (buf[i] === 0x7d) {
      w.learnTemplate(false);
      return i;
    } else return -1;
  }
}

/**
 * walk's result on a line whose keys from `p` are those of the template (w.segs), or -1 at the
 * first difference (walk then reads the line by its general loop). Reads values as walk does.
 */
function templateWalk(buf: Buffer, p: number, end: number, w: Wanted): number {
  if (w.clears) clearVals();
  strVal = undefined;
  stopKey = null;
  const segs = w.segs;
  const count = segs.count;
  const last = count - 1;
  for (let n = 0; n < count; n++) {
    if (!segs.at(n, p, end)) return -1;
    let i = p + segs.lens[n]!;
    if (i >= end) return -1;
    const c = buf[i]!;
    const want = w.slots[n]!;
    if (c === 0x7b || c === 0x5b) {
      if (n !== last || !w.stops) return -1;
      stopKey = w.names[n]!;
      return i;
    }
    i = scalar(buf, i, end, c, w, want);
    if (i < 0 || i >= end) return -1;
    if (buf[i] === 0x7d) return n === last && !w.stops ? i : -1;
    if (buf[i] !== 0x2c) return -1;
    p = i; // the next key's segment starts with the comma
  }
  return -1;
}

const opt = (v: number): number | undefined => (Number.isNaN(v) ? undefined : v);

/** Whether bytes at..end of `buf` start with `needle` (`view` of `buf`): eight bytes a compare. */
function startsWith(buf: Buffer, at: number, end: number, needle: Needle): boolean {
  const len = needle.length;
  if (at < 0 || at + len > end) return false;
  const dv = view;
  const chunks = needle.chunks;
  const last = at + len - 8;
  let w = 0;
  for (let q = at; q < last; q += 8) if (dv.getFloat64(q, true) !== chunks[w++]) return false;
  return dv.getFloat64(last, true) === chunks[w];
}

/**
 * Where `needle` starts at or after `from`, ending by `end`: memchr hops on the needle's byte at
 * `pivot`, chosen rare in what lies before it, then a compare.
 */
function find(buf: Buffer, needle: Needle, from: number, end: number, pivot: number): number {
  const b = needle.bytes[pivot]!;
  const last = end - needle.length;
  for (let i = indexOfByte(buf, b, from + pivot); i >= 0; i = indexOfByte(buf, b, i + 1)) {
    const start = i - pivot;
    if (start > last) return -1;
    if (startsWith(buf, start, end, needle)) return start;
  }
  return -1;
}

/**
 * A successful TaskEnd's fields the state uses, from the line start..end of `buf`, or null to parse
 * the line in full. Its executor metrics come apart, as a MetricsRow in `peaks` (null when the line has none).
 *
 * Every key of the schema is checked as the full parse checks it (its type; null, which the schema
 * passes on as null, and a key given twice where a walk cannot tell which JSON.parse keeps, go to
 * the full parse): the event's level up to Task Info, Task Info up to its Accumulables (JsonProtocol
 * writes them last), Task Executor Metrics, Task Metrics up to its first object (Shuffle Read
 * Metrics, as JsonProtocol writes it; a walk stops only at an object it expects), and Input Metrics,
 * found by its key after that (given twice: the full parse). Values read are checked as JSON
 * (strings, literals, integers); what is skipped is not: the Accumulables (most of the line), taken
 * to end at the first `]},"Task Executor Metrics":` (or `]},"Task Metrics":`) after them, and Task
 * Metrics after its first object. A line holding a key of the schema's there (a Task Metrics number
 * moved or given again after Shuffle Read Metrics), or bytes there JSON.parse refuses, would be
 * misread; JsonProtocol writes neither. Walking Task Metrics to its end (its objects skipped bracket
 * to bracket) closed that gap and cost ~15% of the 1 GiB bench log's CPU (11 alternating runs,
 * 2.36 against 2.02 s): not kept.
 */
export function fastTaskEnd(buf: Buffer, start: number, end: number): { data: TaskEnd; peaks: MetricsRow | null } | null {
  viewBuffer(buf);
  if (!startsWith(buf, end - LINE_END.length, end, LINE_END) || end - LINE_END.length < start) return null;
  // Top level, after {"Event":"…", : Stage ID, Stage Attempt ID, Task Type, then objects.
  // The comma after the event name, a few bytes on: a loop costs less than a call to indexOf.
  let first = start + PREFIX.length;
  while (first < end && buf[first] !== 0x2c) first++;
  if (first >= end || buf[first - 1] !== QUOTE) return null;
  let at = walk(buf, first + 1, end, TOP);
  if (at < 0 || stoppedAt() !== 'Task End Reason') return null;
  const stageId = opt(vals[0]!);
  const stageAttempt = opt(vals[1]!);
  if (stageId === undefined) return null;
  if (at + SUCCESS.length >= end || !startsWith(buf, at, end, SUCCESS)) return null;
  const p = at + SUCCESS.length;
  if (buf[p] !== 0x2c) return null;
  at = walk(buf, p + 1, end, AFTER_REASON);
  if (at < 0 || stoppedAt() !== 'Task Info' || buf[at] !== 0x7b) return null;
  const infoEnd = walk(buf, at + 1, end, INFO);
  const executorId = strVal;
  const taskId = vals[0]!;
  if (infoEnd < 0 || executorId === undefined || Number.isNaN(taskId)) return null;
  const info = { 'Task ID': taskId, 'Executor ID': executorId, 'Launch Time': opt(vals[1]!), 'Finish Time': opt(vals[2]!) };
  let peaks: MetricsRow | null = null;
  // The key after Task Info (its comma): right after its '}' when the walk read up to it, else after the
  // Accumulables, skipped from ']' to ']'.
  let next: number;
  if (stoppedAt() === null) next = infoEnd + 1;
  else if (stoppedAt() === 'Accumulables' && buf[infoEnd] === 0x5b) {
    let close = find(buf, TEM_AFTER_INFO, infoEnd, end, TEM_PIVOT);
    if (close < 0) close = find(buf, TM_AFTER_INFO, infoEnd, end, TM_PIVOT);
    if (close < 0) return null;
    next = close + 2;
  } else return null;
  let tmAt: number;
  if (startsWith(buf, next, end, TEM_KEY)) {
    peaks = metricsRow(buf, next + TEM_KEY.length, end);
    // JsonProtocol writes Task Metrics right after Task Executor Metrics.
    if (peaks === null || !startsWith(buf, rowEnd + 1, end, TM_NEXT)) return null;
    tmAt = rowEnd + 1 + TM_NEXT.length;
  } else if (startsWith(buf, next, end, TM_NEXT)) tmAt = next + TM_NEXT.length;
  else return null;
  // Task Metrics, walked up to its first object (Shuffle Read Metrics as JsonProtocol writes it); Input Metrics found after.
  if (buf[tmAt] !== 0x7b) return null;
  const nestedAt = walk(buf, tmAt + 1, end, TM);
  if (nestedAt < 0 || stoppedAt() === null) return null;
  // Looked for from Task Metrics' start: its first object may be Input Metrics itself.
  const inputBytes = inputBytesAt(buf, tmAt, end);
  if (inputBytes === REFUSED) return null;
  const metrics: NonNullable<TaskEnd['Task Metrics']> = {
    'Executor Run Time': opt(vals[0]!),
    'JVM GC Time': opt(vals[1]!),
    'Result Size': opt(vals[2]!),
    'Memory Bytes Spilled': opt(vals[3]!),
    'Disk Bytes Spilled': opt(vals[4]!),
    'Peak Execution Memory': opt(vals[5]!),
  };
  const input = opt(inputBytes);
  if (input !== undefined) metrics['Input Metrics'] = { 'Bytes Read': input };
  const data: TaskEnd = {
    'Stage ID': stageId,
    'Stage Attempt ID': stageAttempt,
    'Task End Reason': { Reason: 'Success' },
    'Task Info': info,
    'Task Metrics': metrics,
  };
  return { data, peaks };
}

const HADOOP_KEY = Buffer.from(',"Hadoop Properties":{');
const SYSTEM_KEY = Buffer.from(',"System Properties":{');
const CLASSPATH_KEY = Buffer.from(',"Classpath Entries":{');

/**
 * An EnvironmentUpdate line parsed without its Hadoop Properties and Classpath Entries, which the
 * product does not use and which are most of the line (hundreds of entries each; in the small logs
 * of ../shared/eventlogs the environment is a fifth to nearly all of the bytes). JsonProtocol writes
 * JVM Information, Spark Properties, Hadoop Properties, System Properties, (Metrics Properties,)
 * Classpath Entries, in that order; the two are cut out at their keys, which cannot occur inside a
 * JSON string (a quote there is escaped). Null, and the caller parses the whole line, when either
 * key is missing or out of that order, or when what is left is not valid JSON.
 */
export function fastEnvironment(line: Buffer): unknown {
  const hadoop = line.indexOf(HADOOP_KEY);
  const system = hadoop < 0 ? -1 : line.indexOf(SYSTEM_KEY, hadoop);
  const classpath = line.lastIndexOf(CLASSPATH_KEY);
  if (system < 0 || classpath < system) return null;
  const text = line.toString('utf8', 0, hadoop) + line.toString('utf8', system, classpath) + '}';
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
