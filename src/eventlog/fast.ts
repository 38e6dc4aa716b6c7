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

/**
 * Names seen so far, as bytes: a log has a few dozen event names and metric names, repeated
 * millions of times, so comparing bytes beats making a string per line. `at` matches a known name
 * whose closing quote is at the right place, trying first the one after the last match (executor
 * metrics always come in the same order).
 */
class NameCache {
  private readonly bytes: Uint8Array[] = [];
  private readonly names: string[] = [];
  private next = 0;

  /** The known name starting at `start` (its closing quote right after), or null. */
  at(line: Buffer, start: number): { name: string; end: number } | null {
    const n = this.bytes.length;
    for (let j = 0; j < n; j++) {
      const k = (this.next + j) % n;
      const b = this.bytes[k]!;
      const len = b.length;
      if (line[start + len] !== QUOTE) continue;
      let i = 0;
      while (i < len && b[i] === line[start + i]) i++;
      if (i === len) {
        this.next = k + 1;
        return { name: this.names[k]!, end: start + len };
      }
    }
    return null;
  }

  get(line: Buffer, start: number, end: number): string {
    const hit = this.at(line, start);
    if (hit && hit.end === end) return hit.name;
    const name = line.toString('latin1', start, end);
    if (this.bytes.length < 256) {
      this.bytes.push(Uint8Array.from(line.subarray(start, end)));
      this.names.push(name);
    }
    return name;
  }
}

const eventNames = new NameCache();
const metricNames = new NameCache();

/** The event name, or null when the line does not start the way JsonProtocol writes it. */
export function eventName(line: Buffer): string | null {
  if (line.length < PREFIX.length + 2) return null;
  for (let i = 0; i < PREFIX.length; i++) if (line[i] !== PREFIX[i]) return null;
  const end = line.indexOf(QUOTE, PREFIX.length);
  return end < 0 ? null : eventNames.get(line, PREFIX.length, end);
}

/** A JSON object's last significant byte is '}': a cheap check that a line is whole. */
export function looksComplete(line: Buffer): boolean {
  let i = line.length - 1;
  while (i >= 0 && (line[i] === 0x20 || line[i] === 0x09)) i--;
  return i >= 0 && line[i] === 0x7d;
}

const key = (k: string): Buffer => Buffer.from(`"${k}":`);
const K = { taskExecutorMetrics: key('Task Executor Metrics'), taskMetrics: key('Task Metrics') };

/** `{"Name":number,…}` from the '{' at `at`: a flat object of integers (executor metrics). */
function numberMap(line: Buffer, at: number): Record<string, number> | null {
  if (line[at] !== 0x7b) return null;
  const out: Record<string, number> = {};
  let i = at + 1;
  if (line[i] === 0x7d) return out;
  for (;;) {
    if (line[i] !== QUOTE) return null;
    const hit = metricNames.at(line, i + 1);
    const endName = hit ? hit.end : line.indexOf(QUOTE, i + 1);
    if (endName < 0 || line[endName + 1] !== 0x3a) return null;
    const name = hit ? hit.name : metricNames.get(line, i + 1, endName);
    i = endName + 2;
    let neg = false;
    if (line[i] === 0x2d) {
      neg = true;
      i++;
    }
    let v = 0;
    const start = i;
    for (let c = line[i]!; c >= 0x30 && c <= 0x39; c = line[++i]!) v = v * 10 + (c - 0x30);
    if (i === start) return null;
    out[name] = neg ? -v : v;
    if (line[i] === 0x2c) i++;
    else if (line[i] === 0x7d) return out;
    else return null;
  }
}

type TaskEnd = EventOf<'SparkListenerTaskEnd'>;

const topKeys = new NameCache();
const infoKeys = new NameCache();
const tmKeys = new NameCache();
const SUCCESS = Buffer.from('{"Reason":"Success"}');

/**
 * Walks `"key":value,` pairs of one object level from `p` (just inside its '{', or after a ','),
 * storing integer values (and, for `strings`, string values) in `out`. Stops before the first
 * object or array value, or at the closing '}'. Returns where it stopped and the key it stopped at,
 * or null when the bytes are not what JsonProtocol writes (the caller then parses in full).
 */
function walk(line: Buffer, p: number, keys: NameCache, out: Record<string, number | string | boolean | undefined>, strings: ReadonlySet<string>): { p: number; key: string | null } | null {
  for (;;) {
    if (line[p] === 0x7d) return { p, key: null };
    if (line[p] !== QUOTE) return null;
    const hit = keys.at(line, p + 1);
    let nameEnd: number;
    let name: string;
    if (hit) {
      name = hit.name;
      nameEnd = hit.end;
    } else {
      nameEnd = line.indexOf(QUOTE, p + 1);
      if (nameEnd < 0) return null;
      name = keys.get(line, p + 1, nameEnd);
    }
    if (line[nameEnd + 1] !== 0x3a) return null;
    let i = nameEnd + 2;
    const c = line[i];
    if (c === 0x7b || c === 0x5b) return { p: i, key: name };
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
      if (j >= line.length) return null;
      if (strings.has(name)) {
        if (escaped) return null;
        out[name] = line.toString('utf8', i + 1, j);
      }
      i = j + 1;
    } else if (c === 0x74 || c === 0x66 || c === 0x6e) {
      // true / false / null
      const len = c === 0x66 ? 5 : 4;
      out[name] = c === 0x74 ? true : c === 0x66 ? false : undefined;
      i += len;
    } else {
      let neg = false;
      if (c === 0x2d) {
        neg = true;
        i++;
      }
      let v = 0;
      const start = i;
      for (let d = line[i]!; d >= 0x30 && d <= 0x39; d = line[++i]!) v = v * 10 + (d - 0x30);
      if (i === start || line[i] === 0x2e || line[i] === 0x65 || line[i] === 0x45) return null;
      out[name] = neg ? -v : v;
    }
    if (line[i] === 0x2c) p = i + 1;
    else if (line[i] === 0x7d) return { p: i, key: null };
    else return null;
  }
}

const NO_STRINGS: ReadonlySet<string> = new Set();
const INFO_STRINGS: ReadonlySet<string> = new Set(['Executor ID']);
const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);

/** A successful TaskEnd's fields the state uses, or null to parse the line in full. */
export function fastTaskEnd(line: Buffer): TaskEnd | null {
  // Top level, after {"Event":"…", : Stage ID, Stage Attempt ID, Task Type, then objects.
  const first = line.indexOf(0x2c, PREFIX.length);
  if (first < 0) return null;
  const top: Record<string, number | string | boolean | undefined> = {};
  let at = walk(line, first + 1, topKeys, top, NO_STRINGS);
  if (!at || at.key !== 'Task End Reason') return null;
  for (let i = 0; i < SUCCESS.length; i++) if (line[at.p + i] !== SUCCESS[i]) return null;
  let p = at.p + SUCCESS.length;
  if (line[p] !== 0x2c) return null;
  at = walk(line, p + 1, topKeys, top, NO_STRINGS);
  if (!at || at.key !== 'Task Info' || line[at.p] !== 0x7b) return null;
  const info: Record<string, number | string | boolean | undefined> = {};
  const infoEnd = walk(line, at.p + 1, infoKeys, info, INFO_STRINGS);
  if (!infoEnd || typeof info['Executor ID'] !== 'string') return null;
  // Past Task Info's Accumulables array (the bulk of the line) in one jump.
  p = infoEnd.p;
  let tem: Record<string, number> | undefined;
  const temAt = line.indexOf(K.taskExecutorMetrics, p);
  let tmFrom = p;
  if (temAt >= 0) {
    const m = numberMap(line, temAt + K.taskExecutorMetrics.length);
    if (m === null) return null;
    tem = m;
    tmFrom = temAt;
  }
  const tmAt = line.indexOf(K.taskMetrics, tmFrom);
  let metrics: TaskEnd['Task Metrics'];
  if (tmAt >= 0) {
    const tm: Record<string, number | string | boolean | undefined> = {};
    const end = walk(line, tmAt + K.taskMetrics.length + 1, tmKeys, tm, NO_STRINGS);
    if (!end) return null;
    metrics = {
      'Executor Run Time': num(tm['Executor Run Time']),
      'JVM GC Time': num(tm['JVM GC Time']),
      'Result Size': num(tm['Result Size']),
      'Memory Bytes Spilled': num(tm['Memory Bytes Spilled']),
      'Disk Bytes Spilled': num(tm['Disk Bytes Spilled']),
      'Peak Execution Memory': num(tm['Peak Execution Memory']),
    };
  }
  const stageId = num(top['Stage ID']);
  if (stageId === undefined) return null;
  return {
    'Stage ID': stageId,
    'Stage Attempt ID': num(top['Stage Attempt ID']),
    'Task End Reason': { Reason: 'Success' },
    // Task ID is not read by the state; Launch/Finish Time are what durations need.
    'Task Info': { 'Task ID': num(info['Task ID']) ?? 0, 'Executor ID': info['Executor ID'], 'Launch Time': num(info['Launch Time']), 'Finish Time': num(info['Finish Time']) },
    'Task Metrics': metrics,
    'Task Executor Metrics': tem,
  };
}
