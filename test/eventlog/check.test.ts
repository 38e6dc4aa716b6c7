import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import { checkEvent, NO } from '../../src/eventlog/check.js';
import type { Field } from '../../src/eventlog/fields.js';
import { EVENTS, isKnownEvent, schemaOf, shortEventName, type KnownEventName } from '../../src/eventlog/schemas.js';
import { EVENTLOGS, FIXTURES, hasShared } from '../helpers.js';

/**
 * check.ts reads the events without zod: for every object, it must either give what the zod schema's
 * safeParse gives (the same keys in the same order, null as null, absent as absent) or leave it to
 * zod. The whole logs (compressed ones too) are compared through the reader in fast.test.ts (the
 * full parse, `exact`, uses zod alone); here every event line of the plain logs, and each with its
 * keys missing, renamed, of every JSON type, null or given more. Both are built from one table
 * (schemas.ts's EVENTS), and lines made from that table carry every field it declares, even those no
 * log here has: a field added to the table is read alike by both, or a test here fails.
 */

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
const isObj = (v: unknown): v is { [k: string]: Json } => v !== null && typeof v === 'object' && !Array.isArray(v);

/** What check.ts and zod make of one object, and whether they agree. */
function compare(type: KnownEventName, obj: unknown): { agree: boolean; checked: boolean } {
  const checked = checkEvent(type, obj);
  const parsed = schemaOf(type).safeParse(obj);
  if (checked === NO) return { agree: true, checked: false };
  const agree = parsed.success && isDeepStrictEqual(checked, parsed.data) && JSON.stringify(checked) === JSON.stringify(parsed.data);
  return { agree, checked: true };
}

/** compare() over every mutation of events: those it disagrees on, how many it tried, how many check.ts read. */
class Tally {
  readonly bad: string[] = [];
  total = 0;
  checked = 0;

  mutationsOf(type: KnownEventName, obj: Json): void {
    for (const m of mutations(obj)) {
      const r = compare(type, m);
      this.total++;
      if (r.checked) this.checked++;
      if (!r.agree) this.bad.push(`${type}: ${JSON.stringify(m).slice(0, 400)}`);
    }
  }
}

/** The plain (uncompressed) event logs under a directory. */
function plainLogs(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory() || (e.isSymbolicLink() && statSync(p).isDirectory())) out.push(...plainLogs(p));
    else if (statSync(p).size < 64 << 20 && readFileSync(p).subarray(0, 10).toString() === '{"Event":"') out.push(p);
  }
  return out;
}

/** The known events of the logs, by type. */
function eventsOf(files: string[]): Map<KnownEventName, unknown[]> {
  const out = new Map<KnownEventName, unknown[]>();
  for (const f of files)
    for (const line of readFileSync(f, 'utf8').split('\n')) {
      let obj: unknown;
      try {
        obj = JSON.parse(line);
      } catch {
        continue;
      }
      const name = isObj(obj) && typeof obj.Event === 'string' ? shortEventName(obj.Event) : '';
      if (!isKnownEvent(name)) continue;
      let list = out.get(name);
      if (!list) out.set(name, (list = []));
      list.push(obj);
    }
  return out;
}

/** Values of every JSON type. */
const VALUES: Json[] = ['x', '', 7, -7.5, 0, 1e300, true, false, null, {}, [], [1, 'a'], { a: 1 }, { 'Executor ID': 'x', Amount: 1 }];

/** Every object in `v` (not inside arrays longer than 3), with a function that rebuilds the event with it replaced. */
function* objectsIn(v: Json, rebuild: (x: Json) => Json): Generator<[{ [k: string]: Json }, (x: Json) => Json]> {
  if (Array.isArray(v)) {
    if (v.length > 3) return;
    for (let i = 0; i < v.length; i++) yield* objectsIn(v[i]!, (x) => rebuild(v.map((y, j) => (j === i ? x : y))));
    return;
  }
  if (!isObj(v)) return;
  yield [v, rebuild];
  for (const k of Object.keys(v)) yield* objectsIn(v[k]!, (x) => rebuild({ ...v, [k]: x }));
}

/** The event with each key of each object missing, renamed, given each value, and an extra key. */
function* mutations(event: Json): Generator<Json> {
  for (const [o, rebuild] of objectsIn(event, (x) => x)) {
    for (const k of Object.keys(o)) {
      const { [k]: _gone, ...rest } = o;
      yield rebuild(rest);
      yield rebuild(Object.fromEntries(Object.entries(o).map(([a, b]) => [a === k ? `${a}x` : a, b])));
      for (const v of VALUES) yield rebuild({ ...o, [k]: v });
    }
    yield rebuild({ ...o, extra: 1 });
    yield rebuild(JSON.parse(`{"__proto__":{"a":1},${JSON.stringify(o).slice(1)}`.replace(',}', '}')) as Json);
  }
}

describe('check.ts reads every event as its zod schema does', () => {
  const sources = [FIXTURES, ...(hasShared ? [EVENTLOGS] : [])];
  const events = eventsOf(sources.flatMap(plainLogs));

  it('on every event line of the plain fixtures and real logs, each read without zod', () => {
    let n = 0;
    for (const [type, list] of events)
      for (const obj of list) {
        const r = compare(type, obj);
        expect(r.agree, `${type}: ${JSON.stringify(obj).slice(0, 300)}`).toBe(true);
        // Every line zod accepts is one check.ts reads too: the zod path is only for what is odd.
        if (schemaOf(type).safeParse(obj).success) expect(r.checked, `${type} left to zod`).toBe(true);
        n++;
      }
    expect(n).toBeGreaterThan(1000);
    expect(events.size).toBeGreaterThanOrEqual(12);
  });

  it('on each event with a key missing, renamed, of every type, null, or one more', () => {
    const tally = new Tally();
    for (const [type, list] of events) {
      // A few of each event (the first of each distinct key set), every mutation of each.
      const seen = new Set<string>();
      for (const obj of list) {
        const keys = JSON.stringify(obj, (_k, v: unknown) => (isObj(v) ? Object.keys(v) : typeof v));
        if (seen.has(keys) || seen.size >= 2) continue;
        seen.add(keys);
        tally.mutationsOf(type, obj as Json);
      }
    }
    const { bad, total, checked } = tally;
    expect(bad).toEqual([]);
    expect(total).toBeGreaterThan(5000);
    // Most mutations are still what the schema accepts (an extra key, a key it does not declare): check.ts reads them.
    expect(checked).toBeGreaterThan(total / 4);
  });
});

/** A line's value for a field, as its schema accepts it: every optional key given (`full`), null (`null`) or left out (`bare`). */
function sample(f: Field, mode: 'full' | 'null' | 'bare'): Json {
  switch (f.kind) {
    case 'num':
      return 7;
    case 'str':
      return 's';
    case 'bool':
      return true;
    case 'strOrNum':
      return '5';
    case 'unknown':
      return { a: [1, 'b', null] };
    case 'stringMap':
      return { a: 'x', b: 1, c: true, d: null, e: { f: 1 } };
    case 'metricMap':
      return { a: 1, b: 'x', c: null };
    case 'opt':
      return sample(f.of, mode);
    case 'array':
      return [sample(f.of, mode), sample(f.of, mode)];
    case 'record':
      return { k: sample(f.of, mode), l: sample(f.of, mode) };
    case 'obj': {
      const out: { [k: string]: Json } = {};
      for (const [k, g] of Object.entries(f.shape)) {
        if (g.kind === 'opt' && mode === 'bare') continue;
        out[k] = g.kind === 'opt' && mode === 'null' ? null : sample(g, mode);
      }
      return out;
    }
  }
}

/** Every key path of the table under a field (an array's first item, a record's key `k`). */
function* pathsOf(f: Field, at: string[]): Generator<string[]> {
  if (f.kind === 'opt' || f.kind === 'array' || f.kind === 'record')
    yield* pathsOf(f.of, f.kind === 'opt' ? at : [...at, f.kind === 'array' ? '0' : 'k']);
  else if (f.kind === 'obj')
    for (const [k, g] of Object.entries(f.shape)) {
      yield [...at, k];
      yield* pathsOf(g, [...at, k]);
    }
}

const valueAt = (v: unknown, p: string[]): unknown =>
  p.reduce<unknown>((o, k) => (isObj(o) || Array.isArray(o) ? (o as Record<string, unknown>)[k] : undefined), v);

describe('check.ts and the zod schemas read every field of the table', () => {
  const names = Object.keys(EVENTS) as KnownEventName[];

  it('on an event made from the table with every field given, null, or left out: both read it alike, and every field is read', () => {
    let paths = 0;
    for (const type of names)
      for (const mode of ['full', 'null', 'bare'] as const) {
        const line = sample(EVENTS[type], mode);
        const r = compare(type, line);
        expect(r.agree, `${type} ${mode}: ${JSON.stringify(line)}`).toBe(true);
        expect(r.checked, `${type} ${mode} left to zod`).toBe(true);
        if (mode !== 'full') continue;
        const read = checkEvent(type, line);
        for (const p of pathsOf(EVENTS[type], [])) {
          expect(valueAt(read, p), `${type}: ${p.join('.')}`).not.toBeUndefined();
          paths++;
        }
      }
    expect(names.length).toBe(16);
    expect(paths).toBeGreaterThan(100);
  });

  it('on each of those events with a key missing, renamed, of every type, null, or one more', () => {
    const tally = new Tally();
    for (const type of names) tally.mutationsOf(type, sample(EVENTS[type], 'full'));
    const { bad, total, checked } = tally;
    expect(bad).toEqual([]);
    expect(total).toBeGreaterThan(2000);
    expect(checked).toBeGreaterThan(total / 4);
  });
});
