import type { EventOf } from './schemas.js';

/**
 * Reading an event-log line without JSON.parse when that is safe. Spark's JsonProtocol writes
 * `{"Event":"<name>",` first; most lines are either events the product does not use (counted by
 * name only) or successful SparkListenerTaskEnd lines, of which a few dozen numbers matter. Those
 * are read straight from the bytes; anything unexpected returns null and the caller parses the line
 * in full, so the fast path can only be as right as the full one (a test holds it to that on every
 * real log).
 */
const PREFIX = Buffer.from('{"Event":"');
const QUOTE = 0x22;

/** A DataView of the last buffer a line came from: lines are views of a few recycled read buffers. */
let view: DataView = new DataView(new ArrayBuffer(0));

/**
 * Whether `line` holds at `start` the `len` bytes of a name (`words` the same bytes as 32-bit
 * words): four bytes per compare, the tail one by one. A name is compared in full on every key of
 * every task line (tens per line), where a byte loop cost about a third of the fast path's time.
 */
function sameBytes(line: Buffer, start: number, words: Uint32Array, bytes: Uint8Array, len: number): boolean {
  const at = line.byteOffset + start;
  const nw = words.length;
  for (let w = 0; w < nw; w++) if (view.getUint32(at + 4 * w, true) !== words[w]) return false;
  for (let i = nw * 4; i < len; i++) if (bytes[i] !== line[start + i]) return false;
  return true;
}

/**
 * Names seen so far, as bytes: a log has a few dozen event names and metric names, repeated
 * millions of times, so comparing bytes beats making a string per line. `at` finds a known name
 * whose closing quote is at the right place, trying first the one after the last match (keys
 * always come in the same order), and returns its index (no object per key: the hot loop
 * allocates nothing).
 */
class NameCache {
  readonly names: string[] = [];
  /** For each known name, a number its user keeps with it (a walk's slot, a metric's id; -1: none). */
  readonly slots: number[] = [];
  readonly lengths: number[] = [];
  private readonly bytes: Uint8Array[] = [];
  /** Each name's bytes as little-endian 32-bit words (the last one partial, unused). */
  private readonly words: Uint32Array[] = [];
  private next = 0;

  constructor(private readonly slotOf: (name: string) => number = () => -1) {}

  /** The index of the known name starting at `start` (its closing quote right after), or -1. */
  at(line: Buffer, start: number): number {
    const n = this.bytes.length;
    for (let j = 0, k = this.next; j < n; j++, k++) {
      if (k === n) k = 0;
      const len = this.lengths[k]!;
      if (line[start + len] !== QUOTE) continue;
      if (sameBytes(line, start, this.words[k]!, this.bytes[k]!, len)) {
        this.next = k + 1;
        return k;
      }
    }
    return -1;
  }

  /** The index of the name in start..end, learning it if new; -1 once the cache is full. */
  learn(line: Buffer, start: number, end: number): number {
    const k = this.at(line, start);
    if (k >= 0 && start + this.lengths[k]! === end) return k;
    if (this.bytes.length >= 256) return -1;
    const name = line.toString('latin1', start, end);
    const bytes = Uint8Array.from(line.subarray(start, end));
    this.bytes.push(bytes);
    const words = new Uint32Array(bytes.length >> 2);
    const dv = new DataView(bytes.buffer);
    for (let w = 0; w < words.length; w++) words[w] = dv.getUint32(4 * w, true);
    this.words.push(words);
    this.names.push(name);
    this.lengths.push(end - start);
    this.slots.push(this.slotOf(name));
    return this.bytes.length - 1;
  }

  get(line: Buffer, start: number, end: number): string {
    const k = this.learn(line, start, end);
    return k >= 0 ? this.names[k]! : line.toString('latin1', start, end);
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

/** The event name, or null when the line does not start the way JsonProtocol writes it. */
export function eventName(line: Buffer): string | null {
  if (line.length < PREFIX.length + 2) return null;
  for (let i = 0; i < PREFIX.length; i++) if (line[i] !== PREFIX[i]) return null;
  if (view.buffer !== line.buffer) view = new DataView(line.buffer);
  const end = line.indexOf(QUOTE, PREFIX.length);
  return end < 0 ? null : eventNames.get(line, PREFIX.length, end);
}

/** A JSON object's last significant byte is '}': a cheap check that a line is whole. */
export function looksComplete(line: Buffer): boolean {
  let i = line.length - 1;
  while (i >= 0 && (line[i] === 0x20 || line[i] === 0x09)) i--;
  return i >= 0 && line[i] === 0x7d;
}

/** Where the last readInt stopped. */
let intEnd = 0;

/**
 * The JSON integer at `i` (its end left in `intEnd`), or NaN for anything else: no digits, a
 * fraction or an exponent, which the full parser is left to read.
 */
function readInt(line: Buffer, i: number): number {
  let neg = false;
  if (line[i] === 0x2d) {
    neg = true;
    i++;
  }
  let v = 0;
  const start = i;
  for (let c = line[i]!; c >= 0x30 && c <= 0x39; c = line[++i]!) v = v * 10 + (c - 0x30);
  intEnd = i;
  if (i === start || line[i] === 0x2e || line[i] === 0x65 || line[i] === 0x45) return Number.NaN;
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

/** `{"Name":number,…}` from the '{' at `at` as a MetricsRow, or null when not flat integers. */
function metricsRow(line: Buffer, at: number): MetricsRow | null {
  if (line[at] !== 0x7b) return null;
  const vals = row.vals;
  let keys = lastKeys;
  let ids = lastIds;
  let n = 0;
  let i = at + 1;
  if (line[i] === 0x7d) {
    row.keys = [];
    row.ids = [];
    return row;
  }
  for (;;) {
    if (line[i] !== QUOTE) return null;
    let k = metricNames.at(line, i + 1);
    let endName: number;
    if (k >= 0) endName = i + 1 + metricNames.lengths[k]!;
    else {
      endName = line.indexOf(QUOTE, i + 1);
      if (endName < 0) return null;
      k = metricNames.learn(line, i + 1, endName);
      if (k < 0) return null; // the cache is full: an unusual log, parse in full
    }
    if (line[endName + 1] !== 0x3a) return null;
    const id = metricNames.slots[k]!;
    if (ids[n] !== id) {
      // A different key order than the last line: start new shared key lists.
      keys = keys.slice(0, n);
      ids = ids.slice(0, n);
      keys.push(metricNames.names[k]!);
      ids.push(id);
    }
    const v = readInt(line, endName + 2);
    if (Number.isNaN(v) || n >= MAX_ROW) return null;
    i = intEnd;
    vals[n++] = v;
    if (line[i] === 0x2c) i++;
    else if (line[i] === 0x7d) break;
    else return null;
  }
  if (keys.length !== n) {
    keys = keys.slice(0, n);
    ids = ids.slice(0, n);
  }
  lastKeys = keys;
  lastIds = ids;
  row.keys = keys;
  row.ids = ids;
  return row;
}

type TaskEnd = EventOf<'SparkListenerTaskEnd'>;

/**
 * The keys whose values a walk keeps, each with a slot. Keys are matched through a NameCache (bytes,
 * in the order JsonProtocol writes them), so the hot loop makes no strings and no objects.
 */
class Wanted {
  readonly cache: NameCache;
  constructor(names: readonly string[]) {
    this.cache = new NameCache((name) => names.indexOf(name));
  }
}

const TOP = new Wanted(['Stage ID', 'Stage Attempt ID']);
const INFO = new Wanted(['Task ID', 'Launch Time', 'Finish Time', 'Executor ID']);
const TM = new Wanted([
  'Executor Run Time',
  'JVM GC Time',
  'Result Size',
  'Memory Bytes Spilled',
  'Disk Bytes Spilled',
  'Peak Execution Memory',
]);
const EXECUTOR_ID_SLOT = 3;
const SUCCESS = Buffer.from('{"Reason":"Success"}');
const TEM_AFTER_INFO = Buffer.from('},"Task Executor Metrics":');
const TM_KEY = Buffer.from('"Task Metrics":');
/**
 * A task's input bytes: JsonProtocol.scala writes `"Input Metrics":{"Bytes Read":N,…}` (Spark 1.x puts
 * `"Data Read Method"` first), inside Task Metrics after the shuffle metrics.
 */
const INPUT_KEY = Buffer.from('"Input Metrics":{');
const BYTES_READ = Buffer.from('"Bytes Read":');

/** The input bytes of the Task Metrics at `from`, or undefined when the line has none. */
function inputBytesAt(line: Buffer, from: number): number | undefined {
  const at = find(line, INPUT_KEY, from, 1);
  if (at < 0) return undefined;
  const end = line.indexOf(0x7d, at);
  const b = find(line, BYTES_READ, at + INPUT_KEY.length, 1);
  if (b < 0 || (end >= 0 && b > end)) return undefined;
  const v = readInt(line, b + BYTES_READ.length);
  return Number.isNaN(v) ? undefined : v;
}

/** Results of one walk: numbers by slot (NaN = absent), the one string a walk may keep, the key it stopped at. */
const vals = new Float64Array(8);
let strVal: string | undefined;
let stopKey: string | null = null;
/** The key the last walk stopped at (a function, so type narrowing does not outlive a walk). */
const stoppedAt = (): string | null => stopKey;

/**
 * Walks `"key":value,` pairs of one object level from `p` (just inside its '{'), keeping the
 * wanted keys' integer (or, for Executor ID, string) values. Stops before the first object or
 * array value (its key left in `stopKey`), or at the closing '}'. Returns the stop position, or -1
 * when the bytes are not what JsonProtocol writes (the caller then parses the line in full).
 */
function walk(line: Buffer, p: number, w: Wanted): number {
  vals.fill(Number.NaN);
  strVal = undefined;
  stopKey = null;
  for (;;) {
    if (line[p] === 0x7d) return p;
    if (line[p] !== QUOTE) return -1;
    const cache = w.cache;
    let k = cache.at(line, p + 1);
    let nameEnd: number;
    if (k >= 0) nameEnd = p + 1 + cache.lengths[k]!;
    else {
      nameEnd = line.indexOf(QUOTE, p + 1);
      if (nameEnd < 0) return -1;
      k = cache.learn(line, p + 1, nameEnd);
      if (k < 0) return -1; // the cache is full: an unusual log, parse in full
    }
    const slot = cache.slots[k]!;
    if (line[nameEnd + 1] !== 0x3a) return -1;
    let i = nameEnd + 2;
    const c = line[i];
    if (c === 0x7b || c === 0x5b) {
      stopKey = cache.names[k]!;
      return i;
    }
    if (c === QUOTE) {
      let j = i + 1;
      let escaped = false;
      while (j < line.length && line[j] !== QUOTE) {
        if (line[j] === 0x5c) {
          escaped = true;
          j++;
        }
        j++;
      }
      if (j >= line.length) return -1;
      if (slot === EXECUTOR_ID_SLOT && w === INFO) {
        if (escaped) return -1;
        strVal = line.toString('utf8', i + 1, j);
      }
      i = j + 1;
    } else if (c === 0x74 || c === 0x66 || c === 0x6e) {
      i += c === 0x66 ? 5 : 4; // true / false / null
    } else {
      const v = readInt(line, i);
      if (Number.isNaN(v)) return -1;
      i = intEnd;
      if (slot >= 0) vals[slot] = v;
    }
    if (line[i] === 0x2c) p = i + 1;
    else if (line[i] === 0x7d) return i;
    else return -1;
  }
}

const opt = (v: number): number | undefined => (Number.isNaN(v) ? undefined : v);

/**
 * Where `needle` starts at or after `from`: memchr hops on the needle's byte at `pivot`, chosen
 * rare in what lies before it (the 'T' of "Task…", uncommon in Accumulables), then a byte compare.
 */
function find(line: Buffer, needle: Buffer, from: number, pivot: number): number {
  const b = needle[pivot]!;
  for (let i = line.indexOf(b, from + pivot); i >= 0; i = line.indexOf(b, i + 1)) {
    const start = i - pivot;
    let k = 0;
    while (k < needle.length && line[start + k] === needle[k]) k++;
    if (k === needle.length) return start;
  }
  return -1;
}

/**
 * A successful TaskEnd's fields the state uses, or null to parse the line in full. Its executor
 * metrics come apart, as a MetricsRow in `peaks` (null when the line has none).
 */
export function fastTaskEnd(line: Buffer): { data: TaskEnd; peaks: MetricsRow | null } | null {
  if (view.buffer !== line.buffer) view = new DataView(line.buffer);
  // Top level, after {"Event":"…", : Stage ID, Stage Attempt ID, Task Type, then objects.
  const first = line.indexOf(0x2c, PREFIX.length);
  if (first < 0) return null;
  let at = walk(line, first + 1, TOP);
  if (at < 0 || stoppedAt() !== 'Task End Reason') return null;
  const stageId = opt(vals[0]!);
  const stageAttempt = opt(vals[1]!);
  if (stageId === undefined) return null;
  for (let i = 0; i < SUCCESS.length; i++) if (line[at + i] !== SUCCESS[i]) return null;
  let p = at + SUCCESS.length;
  if (line[p] !== 0x2c) return null;
  at = walk(line, p + 1, TOP);
  if (at < 0 || stoppedAt() !== 'Task Info' || line[at] !== 0x7b) return null;
  const infoEnd = walk(line, at + 1, INFO);
  const executorId = strVal;
  if (infoEnd < 0 || executorId === undefined) return null;
  const info = { 'Task ID': opt(vals[0]!) ?? 0, 'Executor ID': executorId, 'Launch Time': opt(vals[1]!), 'Finish Time': opt(vals[2]!) };
  // Past Task Info's Accumulables array (the bulk of the line): hop from '}' to '}'.
  p = infoEnd;
  let peaks: MetricsRow | null = null;
  let tmFrom = p;
  const temAt = find(line, TEM_AFTER_INFO, p, TEM_AFTER_INFO.indexOf(0x54));
  if (temAt >= 0) {
    peaks = metricsRow(line, temAt + TEM_AFTER_INFO.length);
    if (peaks === null) return null;
    tmFrom = temAt;
  }
  const tmAt = find(line, TM_KEY, tmFrom, TM_KEY.indexOf(0x54));
  let metrics: TaskEnd['Task Metrics'];
  if (tmAt >= 0) {
    if (walk(line, tmAt + TM_KEY.length + 1, TM) < 0) return null;
    metrics = {
      'Executor Run Time': opt(vals[0]!),
      'JVM GC Time': opt(vals[1]!),
      'Result Size': opt(vals[2]!),
      'Memory Bytes Spilled': opt(vals[3]!),
      'Disk Bytes Spilled': opt(vals[4]!),
      'Peak Execution Memory': opt(vals[5]!),
    };
    const input = inputBytesAt(line, tmAt);
    if (input !== undefined) metrics['Input Metrics'] = { 'Bytes Read': input };
  }
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
