import { metricMapOf, stringMapOf, type EventOf, type KnownEventName } from './schemas.js';

/**
 * The events' schemas (schemas.ts) checked without zod: for each event JsonProtocol writes commonly,
 * a function that returns exactly the object the zod schema's safeParse returns (the declared keys
 * only, in the schema's order; an optional key absent from the line absent, null kept as null), or
 * NO for anything it is not sure of, when the zod schema decides (and names the issue). zod's
 * safeParse was the largest cost of reading a small log after the task lines (~31 such events a log,
 * ExecutorAdded and BlockManagerAdded most of them), and building its schemas ~17 ms of every start.
 * test/eventlog/check.test.ts holds each to the zod schema on every fixture and real log, and on
 * lines with keys missing, of every type, null and extra.
 */
export const NO: unique symbol = Symbol('no');
type No = typeof NO;
type Check<T> = (v: unknown) => T | No;
/** An optional key's check: ABSENT when the key is not there (it is then left out of the object). */
const ABSENT: unique symbol = Symbol('absent');
type Opt<T> = (v: unknown) => T | null | No | typeof ABSENT;

const num: Check<number> = (v) => (typeof v === 'number' && Number.isFinite(v) ? v : NO);
const str: Check<string> = (v) => (typeof v === 'string' ? v : NO);
const bool: Check<boolean> = (v) => (typeof v === 'boolean' ? v : NO);
/** zod's nullish(): absent stays absent, null stays null. */
const opt =
  <T>(c: Check<T>): Opt<T> =>
  (v) =>
    v === undefined ? ABSENT : v === null ? null : c(v);
const optNum = opt(num);
const optStr = opt(str);

/** A JSON object (zod's object and record take no array). */
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * zod's object: the keys of `shape` in its order, each checked; the rest dropped. `required` keys
 * must be there; an optional one absent is left out.
 */
function obj<T>(required: Record<string, Check<unknown>>, optional: Record<string, Opt<unknown>>, order: readonly string[]): Check<T> {
  const req = order.map((k) => required[k] ?? null);
  const opts = order.map((k) => optional[k] ?? null);
  const n = order.length;
  return (v) => {
    if (!isObject(v)) return NO;
    const out: Record<string, unknown> = {};
    for (let i = 0; i < n; i++) {
      const key = order[i]!;
      const x = v[key];
      const r = req[i]!;
      if (r !== null) {
        const y = r(x);
        if (y === NO) return NO;
        out[key] = y;
      } else {
        const y = opts[i]!(x);
        if (y === NO) return NO;
        if (y !== ABSENT) out[key] = y;
      }
    }
    return out as T;
  };
}

/** Builds obj() from one shape: optional keys are given by opt(). */
function shape<T>(fields: Array<[string, Check<unknown>] | [string, Opt<unknown>, 'opt']>): Check<T> {
  const required: Record<string, Check<unknown>> = {};
  const optional: Record<string, Opt<unknown>> = {};
  for (const f of fields) {
    if (f.length === 3) optional[f[0]] = f[1];
    else required[f[0]] = f[1];
  }
  return obj<T>(
    required,
    optional,
    fields.map((f) => f[0]),
  );
}

/** zod's record of string keys: a new object, every value checked. A key JSON.parse made an own `__proto__` is zod's to decide. */
function record<T>(c: Check<T>): Check<Record<string, T>> {
  return (v) => {
    if (!isObject(v)) return NO;
    const out: Record<string, T> = {};
    for (const k of Object.keys(v)) {
      if (k === '__proto__') return NO;
      const y = c(v[k]);
      if (y === NO) return NO;
      out[k] = y;
    }
    return out;
  };
}

/** The transforms of stringMap and metricMap (schemas.ts), on a record of anything. */
const mapOf =
  <T>(f: (r: Record<string, unknown>) => T): Check<T> =>
  (v) => {
    if (!isObject(v)) return NO;
    for (const k of Object.keys(v)) if (k === '__proto__') return NO;
    return f(v);
  };
const stringMap = mapOf(stringMapOf);
const metricMap = mapOf(metricMapOf);

const numArray: Check<number[]> = (v) => {
  if (!Array.isArray(v)) return NO;
  const out: number[] = [];
  for (const x of v) {
    if (typeof x !== 'number' || !Number.isFinite(x)) return NO;
    out.push(x);
  }
  return out;
};
const strOrNum: Check<string | number> = (v) => (typeof v === 'string' ? v : num(v));
const unknown: Check<unknown> = (v) => v;

type Fields = Parameters<typeof shape>[0];
const o = (k: string, c: Opt<unknown>): [string, Opt<unknown>, 'opt'] => [k, c, 'opt'];

const stageInfo = shape([
  ['Stage ID', num],
  o('Stage Attempt ID', optNum),
  o('Stage Name', optStr),
  o('Number of Tasks', optNum),
  o('Submission Time', optNum),
  o('Completion Time', optNum),
  o('Failure Reason', optStr),
]);
const resourceRequest = shape([o('Resource Name', optStr), ['Amount', num]]);
const stackFrame = shape([o('Declaring Class', optStr), o('Method Name', optStr), o('File Name', optStr), o('Line Number', optNum)]);
const taskEndReason = shape([
  ['Reason', str],
  o('Class Name', optStr),
  o('Description', optStr),
  o('Stack Trace', opt(arrayOf(stackFrame))),
  o('Full Stack Trace', optStr),
  o('Executor ID', optStr),
  o('Exit Caused By App', opt(bool)),
  o('Loss Reason', optStr),
  o('Kill Reason', optStr),
  o('Message', optStr),
]);

function arrayOf<T>(c: Check<T>): Check<T[]> {
  return (v) => {
    if (!Array.isArray(v)) return NO;
    const out: T[] = [];
    for (const x of v) {
      const y = c(x);
      if (y === NO) return NO;
      out.push(y);
    }
    return out;
  };
}

/** The checks, by event: the same fields, kinds and order as schemas.ts (check.test.ts compares them on every line). */
const FIELDS: { [N in KnownEventName]: Fields } = {
  SparkListenerLogStart: [['Spark Version', str]],
  SparkListenerEnvironmentUpdate: [
    o('JVM Information', opt(stringMap)),
    o('Spark Properties', opt(stringMap)),
    o('System Properties', opt(stringMap)),
  ],
  SparkListenerApplicationStart: [
    o('App Name', optStr),
    o('App ID', optStr),
    o('Timestamp', optNum),
    o('User', optStr),
    o('App Attempt ID', optStr),
  ],
  SparkListenerApplicationEnd: [o('Timestamp', optNum), o('ExitCode', optNum)],
  SparkListenerExecutorAdded: [
    o('Timestamp', optNum),
    ['Executor ID', str],
    o('Executor Info', opt(shape([o('Host', optStr), o('Total Cores', optNum), o('Resource Profile Id', optNum)]))),
  ],
  SparkListenerExecutorRemoved: [o('Timestamp', optNum), ['Executor ID', str], o('Removed Reason', optStr)],
  SparkListenerBlockManagerAdded: [
    ['Block Manager ID', shape([['Executor ID', str], o('Host', optStr), o('Port', optNum)])],
    ['Maximum Memory', num],
    o('Timestamp', optNum),
    o('Maximum Onheap Memory', optNum),
    o('Maximum Offheap Memory', optNum),
  ],
  SparkListenerResourceProfileAdded: [
    ['Resource Profile Id', num],
    o('Executor Resource Requests', opt(record(resourceRequest))),
    o('Task Resource Requests', opt(record(resourceRequest))),
  ],
  SparkListenerJobStart: [
    ['Job ID', num],
    o('Submission Time', optNum),
    o('Stage IDs', opt(numArray)),
    o('Properties', opt(shape([o('spark.sql.execution.id', opt(strOrNum))]))),
  ],
  SparkListenerJobEnd: [
    ['Job ID', num],
    o('Completion Time', optNum),
    ['Job Result', shape([['Result', str], o('Exception', opt(shape([o('Message', optStr), o('Stack Trace', opt(unknown))])))])],
  ],
  SparkListenerStageSubmitted: [['Stage Info', stageInfo]],
  SparkListenerStageCompleted: [['Stage Info', stageInfo]],
  SparkListenerTaskEnd: [
    ['Stage ID', num],
    o('Stage Attempt ID', optNum),
    ['Task End Reason', taskEndReason],
    [
      'Task Info',
      shape([
        ['Task ID', num],
        o('Index', optNum),
        o('Attempt', optNum),
        o('Launch Time', optNum),
        o('Finish Time', optNum),
        ['Executor ID', str],
        o('Host', optStr),
        o('Speculative', opt(bool)),
        o('Failed', opt(bool)),
        o('Killed', opt(bool)),
      ]),
    ],
    o(
      'Task Metrics',
      opt(
        shape([
          o('Executor Run Time', optNum),
          o('JVM GC Time', optNum),
          o('Result Size', optNum),
          o('Memory Bytes Spilled', optNum),
          o('Disk Bytes Spilled', optNum),
          o('Peak Execution Memory', optNum),
          o('Input Metrics', opt(shape([o('Bytes Read', optNum)]))),
        ]),
      ),
    ),
    o('Task Executor Metrics', opt(metricMap)),
  ],
  SparkListenerStageExecutorMetrics: [
    ['Executor ID', str],
    ['Stage ID', num],
    o('Stage Attempt ID', optNum),
    ['Executor Metrics', metricMap],
  ],
  SparkListenerSQLExecutionStart: [
    ['executionId', num],
    o('description', optStr),
    o('details', optStr),
    o('physicalPlanDescription', optStr),
    o('time', optNum),
  ],
  SparkListenerSQLExecutionEnd: [['executionId', num], o('time', optNum), o('errorMessage', optStr)],
};

const CHECKS = Object.fromEntries(Object.entries(FIELDS).map(([name, fields]) => [name, shape(fields)])) as {
  [N in KnownEventName]: Check<EventOf<N>>;
};

/** The event's fields as the schema reads them, or NO when the zod schema is to decide. */
export function checkEvent<N extends KnownEventName>(type: N, obj: unknown): EventOf<N> | No {
  return CHECKS[type](obj);
}
