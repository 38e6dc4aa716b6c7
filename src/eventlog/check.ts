import { metricMapOf, stringMapOf, type Field, type Shape } from './fields.js';
import { EVENTS, type EventOf, type KnownEventName } from './schemas.js';

/**
 * The events' fields (schemas.ts's table) read without zod: for each event, a function built from
 * the same table as its zod schema that returns exactly the object the schema's safeParse returns
 * (the declared keys only, in the table's order; an optional key absent from the line absent, null
 * kept as null), or NO for anything it is not sure of, when the zod schema decides (and names the
 * issue). zod's safeParse was the largest cost of reading a small log after the task lines (~31 such
 * events a log, ExecutorAdded and BlockManagerAdded most of them), and building its schemas ~17 ms
 * of every start. test/eventlog/check.test.ts holds each to the zod schema on every fixture and real
 * log, on lines with keys missing, of every type, null and extra, and on lines made from the table
 * with every field.
 */
export const NO: unique symbol = Symbol('no');
type No = typeof NO;
type Check<T> = (v: unknown) => T | No;

const num: Check<number> = (v) => (typeof v === 'number' && Number.isFinite(v) ? v : NO);
const str: Check<string> = (v) => (typeof v === 'string' ? v : NO);
const bool: Check<boolean> = (v) => (typeof v === 'boolean' ? v : NO);
const strOrNum: Check<string | number> = (v) => (typeof v === 'string' ? v : num(v));
const unknown: Check<unknown> = (v) => v;

/** A JSON object (zod's object and record take no array). */
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * zod's object: the keys of `shape` in its order, each checked; the rest dropped. A required key
 * absent is NO (zod's, even for unknown); an optional one absent is left out.
 */
function object(shape: Shape): Check<Record<string, unknown>> {
  const keys = Object.keys(shape);
  const fields = keys.map((k) => shape[k]!);
  const optional = fields.map((f) => f.kind === 'opt');
  const checks = fields.map(compile);
  const n = keys.length;
  return (v) => {
    if (!isObject(v)) return NO;
    const out: Record<string, unknown> = {};
    for (let i = 0; i < n; i++) {
      const key = keys[i]!;
      const x = v[key];
      if (x === undefined) {
        if (optional[i]) continue;
        return NO;
      }
      const y = checks[i]!(x);
      if (y === NO) return NO;
      out[key] = y;
    }
    return out;
  };
}

/** zod's record of string keys: a new object, every value checked. A key JSON.parse made an own `__proto__` is zod's to decide. */
function record(c: Check<unknown>): Check<Record<string, unknown>> {
  return (v) => {
    if (!isObject(v)) return NO;
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v)) {
      if (k === '__proto__') return NO;
      const y = c(v[k]);
      if (y === NO) return NO;
      out[k] = y;
    }
    return out;
  };
}

function arrayOf(c: Check<unknown>): Check<unknown[]> {
  return (v) => {
    if (!Array.isArray(v)) return NO;
    const out: unknown[] = [];
    for (const x of v) {
      const y = c(x);
      if (y === NO) return NO;
      out.push(y);
    }
    return out;
  };
}

/** The readings of stringMap and metricMap (fields.ts), on a record of anything. */
const mapOf =
  <T>(f: (r: Record<string, unknown>) => T): Check<T> =>
  (v) => {
    if (!isObject(v)) return NO;
    for (const k of Object.keys(v)) if (k === '__proto__') return NO;
    return f(v);
  };
const stringMap = mapOf(stringMapOf);
const metricMap = mapOf(metricMapOf);

/**
 * A field's check. opt() keeps null as null (its absence is object()'s to handle); an undefined
 * value, which JSON never gives, is left to zod.
 */
function compile(f: Field): Check<unknown> {
  switch (f.kind) {
    case 'num':
      return num;
    case 'str':
      return str;
    case 'bool':
      return bool;
    case 'strOrNum':
      return strOrNum;
    case 'unknown':
      return unknown;
    case 'stringMap':
      return stringMap;
    case 'metricMap':
      return metricMap;
    case 'opt': {
      const c = compile(f.of);
      return (v) => (v === null ? null : c(v));
    }
    case 'array':
      return arrayOf(compile(f.of));
    case 'record':
      return record(compile(f.of));
    case 'obj':
      return object(f.shape);
  }
}

/** The checks, by event, each built at its event's first line. */
const CHECKS: { [N in KnownEventName]?: Check<unknown> } = {};

/** The event's fields as the schema reads them, or NO when the zod schema is to decide. */
export function checkEvent<N extends KnownEventName>(type: N, obj: unknown): EventOf<N> | No {
  return (CHECKS[type] ??= compile(EVENTS[type]))(obj) as EventOf<N> | No;
}
