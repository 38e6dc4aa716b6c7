import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import { readEventLines } from '../../src/eventlog/events.js';
import { fastTaskEnd } from '../../src/eventlog/fast.js';
import { ReadStats } from '../../src/input/stats.js';
import { AppState } from '../../src/state/app.js';
import { chunksOf } from '../helpers.js';

/**
 * The fast path reads a task line by the template of the last one (the keys in the same order, each
 * compared eight bytes at a time): every line that differs from it, in any key, order or byte, must
 * still be read as the full parse reads it.
 */

/** A state and its read statistics as JSON, Maps and Sets as lists. */
const json = (v: unknown): unknown =>
  JSON.parse(JSON.stringify(v, (_k, x: unknown) => (x instanceof Map ? [...x] : x instanceof Set ? [...x] : x)));

/** The log's lines read fast (exact false) and in full (exact true), as what each leaves behind. */
async function both(lines: string[], { chunk = 1 << 20, end = '\n' } = {}): Promise<{ fast: unknown; full: unknown }> {
  const body = Buffer.from(lines.join('\n') + end);
  const read = async (exact: boolean): Promise<unknown> => {
    const state = new AppState();
    const stats = new ReadStats();
    await readEventLines(chunksOf(body, chunk), 'log', state, stats, false, exact);
    return json({ state, stats });
  };
  return { fast: await read(false), full: await read(true) };
}

const START = '{"Event":"SparkListenerLogStart","Spark Version":"3.5.1"}';
/** A task line as Spark 3.x's JsonProtocol writes it (the bench's shape), with values that differ by `n`. */
const task = (n: number): string =>
  `{"Event":"SparkListenerTaskEnd","Stage ID":${n % 3},"Stage Attempt ID":0,"Task Type":"ShuffleMapTask","Task End Reason":{"Reason":"Success"},` +
  `"Task Info":{"Task ID":${n},"Index":${n},"Attempt":0,"Partition ID":${n},"Launch Time":${1700000010000 + n},"Executor ID":"${n % 5}",` +
  `"Host":"ip-10-0-1-${n % 7}.ec2.internal","Locality":"PROCESS_LOCAL","Speculative":false,"Getting Result Time":0,"Finish Time":${1700000048727 + 7 * n},` +
  `"Failed":false,"Killed":false,"Accumulables":[{"ID":1000,"Name":"internal.metrics.executorRunTime","Update":${n},"Value":${n * 3},"Internal":true,"Count Failed Values":true}]},` +
  `"Task Executor Metrics":{"JVMHeapMemory":${4413384180 + n * 977},"JVMOffHeapMemory":${198886355 - n},"OnHeapExecutionMemory":${n * 31},"OffHeapExecutionMemory":0,` +
  `"DirectPoolMemory":${297020286 + n},"ProcessTreeJVMRSSMemory":0,"MinorGCCount":${42 + n},"MinorGCTime":${28000 + n},"MajorGCCount":13,"TotalGCTime":${78986 + n}},` +
  `"Task Metrics":{"Executor Deserialize Time":86,"Executor Deserialize CPU Time":49129094,"Executor Run Time":${38577 + n},"Executor CPU Time":7528084539,` +
  `"Peak Execution Memory":${208884428 + n * 1013},"Result Size":${3331 + n},"JVM GC Time":${2057 + n},"Result Serialization Time":4,"Memory Bytes Spilled":${n * 11},` +
  `"Disk Bytes Spilled":${n * 5},"Shuffle Read Metrics":{"Remote Blocks Fetched":300,"Local Blocks Fetched":9,"Fetch Wait Time":2409},` +
  `"Shuffle Write Metrics":{"Shuffle Bytes Written":253047515,"Shuffle Write Time":821399733,"Shuffle Records Written":4990366},` +
  `"Input Metrics":{"Bytes Read":${658034387 + n},"Records Read":9118049},"Output Metrics":{"Bytes Written":0,"Records Written":0},"Updated Blocks":[]}}`;

/** Lines whose keys match the template: a run of them makes it, then `odd`, then the run again. */
const around = (odd: string): string[] => [START, task(1), task(2), task(3), odd, task(4), task(5), odd, odd, task(6)];

/** Swaps the first two occurrences of `a` and `b` in a line. */
const swap = (line: string, a: string, b: string): string => {
  const i = line.indexOf(a);
  const j = line.indexOf(b);
  if (i < 0 || j < 0 || j < i + a.length) throw new Error(`cannot swap ${a} and ${b}`);
  return line.slice(0, i) + b + line.slice(i + a.length, j) + a + line.slice(j + b.length);
};

describe('a task line unlike the last one', () => {
  it('is read as the full parse reads it when its keys come in another order', async () => {
    const t = task(9);
    const shuffled = [
      swap(t, '"Stage ID":0', '"Stage Attempt ID":0'),
      swap(t, '"Launch Time":1700000010009', '"Finish Time":1700000048790'),
      swap(t, '"Task ID":9', '"Index":9'),
      swap(t, '"Executor ID":"4"', '"Host":"ip-10-0-1-2.ec2.internal"'),
      swap(t, '"JVMHeapMemory":4413392973', '"JVMOffHeapMemory":198886346'),
      swap(t, '"MajorGCCount":13', '"TotalGCTime":78995'),
      swap(t, '"Executor Run Time":38586', '"Result Size":3340'),
      swap(t, '"JVM GC Time":2066', '"Disk Bytes Spilled":45'),
    ];
    for (const line of shuffled) {
      const { fast, full } = await both(around(line));
      expect(fast, line).toEqual(full);
    }
    // Each alone, one after another: the template changes line by line.
    const { fast, full } = await both([START, ...shuffled, task(1), ...shuffled.reverse()]);
    expect(fast).toEqual(full);
  });

  it('is read as the full parse reads it when a key differs in one byte, is longer, shorter or missing', async () => {
    const t = task(9);
    const odd = [
      t.replace('"JVMHeapMemory"', '"JVMHeapMemorx"'),
      t.replace('"JVMHeapMemory"', '"JVMHeapMemoryX"'),
      t.replace('"JVMHeapMemory"', '"JVMHeapMemor"'),
      t.replace('"Launch Time"', '"Launch Timf"'),
      t.replace('"Finish Time"', '"Finish Time "'),
      t.replace('"Executor Run Time"', '"Executor Run time"'),
      t.replace('"Peak Execution Memory":', '"Peak Execution Memory ":'),
      t.replace('"Stage Attempt ID":0,', ''),
      t.replace('"MajorGCCount":13,', ''),
      t.replace('"TotalGCTime":78995', '"TotalGCTime":78995,"Extra":1'),
      t.replace('"Disk Bytes Spilled":45,', ''),
      t.replace('"Index":9,', '"Index":9,"Extra":"x",'),
      // A key the template has not seen, shorter than eight bytes, empty, or one the full parse decodes.
      t.replace('"MinorGCCount"', '"ID"'),
      t.replace('"MinorGCCount"', '""'),
      t.replace('"MinorGCCount"', '"Minor\\u0047CCount"'),
      t.replace('"MinorGCCount"', '"MinorGCCountée"'),
      t.replace('"MinorGCCount"', '"Minor\\\\GCCount"'),
      // An empty key first in a walk or a row: its template starts with a key of three bytes.
      t.replace('"JVMHeapMemory"', '""'),
      t.replace('"Executor Deserialize Time"', '""'),
      // A value the fast path leaves to the full parse.
      t.replace('"MinorGCCount":51', '"MinorGCCount":5.1'),
      t.replace('"Launch Time":1700000010009', '"Launch Time":1.7e12'),
      t.replace('"Executor ID":"4"', '"Executor ID":"\\u0034"'),
      // An event name the full parse decodes.
      t.replace('"SparkListenerTaskEnd"', '"SparkListenerTask\\u0045nd"'),
      // A duplicated key: the full parse keeps the last one.
      t.replace('"Finish Time":1700000048790', '"Finish Time":1700000048790,"Finish Time":1700000050000'),
      t.replace('"JVMHeapMemory":4413392973', '"JVMHeapMemory":4413392973,"JVMHeapMemory":1'),
    ];
    for (const line of odd) {
      const { fast, full } = await both(around(line));
      expect(fast, line).toEqual(full);
    }
  });

  it('is read as the full parse reads it when it is the log’s last, cut anywhere', async () => {
    const t = task(9);
    for (let cut = 1; cut < t.length; cut++) {
      const { fast, full } = await both([START, task(1), task(2), t.slice(0, cut)], { end: '' });
      expect(fast, `cut at ${cut}`).toEqual(full);
    }
  });

  it('is read as the full parse reads it when it was cut anywhere and the log goes on', async () => {
    const t = task(9);
    for (let cut = 1; cut < t.length; cut++) {
      const { fast, full } = await both([START, task(1), task(2), t.slice(0, cut), task(3)]);
      expect(fast, `cut at ${cut}`).toEqual(full);
    }
  });

  it('is read the same wherever the read buffers cut it', async () => {
    const lines = [START, ...Array.from({ length: 40 }, (_, n) => task(n))];
    const whole = await both(lines);
    expect(whole.fast).toEqual(whole.full);
    for (const size of [7, 64, 1000, 4093]) expect((await both(lines, { chunk: size })).fast).toEqual(whole.fast);
  });
});

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Obj = { [k: string]: Json };
const isObj = (v: Json | undefined): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Every object of a task line outside its Accumulables, with the path to it ('' for the event). */
function objectsOf(o: Obj, at = ''): Array<[string, Obj]> {
  const out: Array<[string, Obj]> = [[at, o]];
  for (const [k, v] of Object.entries(o)) if (isObj(v) && k !== 'Accumulables') out.push(...objectsOf(v, `${at}/${k}`));
  return out;
}

/** The object at `path` in `o` (see objectsOf). */
const objectAt = (o: Obj, path: string): Obj =>
  path
    .split('/')
    .slice(1)
    .reduce<Obj>((x, k) => x[k] as Obj, o);

/** The object's entries rewritten by `f`, keeping their order (JSON.stringify then writes them as JsonProtocol does). */
function rewrite(line: string, path: string, f: (entries: Array<[string, Json]>) => Array<[string, Json]>): string {
  const o = JSON.parse(line) as Obj;
  const target = objectAt(o, path);
  const entries = f(Object.entries(target));
  for (const k of Object.keys(target)) delete target[k];
  for (const [k, v] of entries) target[k] = v;
  return JSON.stringify(o);
}

/** JSON.stringify keeps only the last of two equal keys: a duplicate is written into the text. */
function duplicate(line: string, path: string, key: string, value: Json, after: string | null): string {
  const marker = '"\u0000dup\u0000"';
  const withMarker = rewrite(line, path, (e) => {
    const i = after === null ? e.length : e.findIndex(([k]) => k === after) + 1;
    return [...e.slice(0, i), ['\u0000dup\u0000', value], ...e.slice(i)];
  });
  return withMarker.replace(marker, JSON.stringify(key));
}

/** Values of every JSON type, an integer, a negative one, a fraction and an exponent among them. */
const VALUES: Json[] = ['x', '', 7, -7, 0, 1.5, 1e21, true, false, null, {}, [], [1], { 'Bytes Read': 'x' }];

/** The lines (each among task lines like it, see `around`) the fast path reads other than the full parse. */
async function differing(lines: string[]): Promise<string[]> {
  const out: string[] = [];
  for (const line of lines) {
    const { fast, full } = await both(around(line));
    if (!isDeepStrictEqual(fast, full)) out.push(line);
  }
  return out;
}

describe('a task line with a key missing, of another type, moved or given twice', () => {
  const t = task(9);
  const objects = objectsOf(JSON.parse(t) as Obj);

  it('is read as the full parse reads it, for every key of every object but the Accumulables', async () => {
    // The line itself is the fast path's to read (else every comparison below would be of the full parse with itself).
    expect(fastTaskEnd(Buffer.from(t), 0, t.length)).not.toBeNull();
    const odd: string[] = [];
    for (const [path, o] of objects) {
      const keys = Object.keys(o);
      // Where a key moved goes: after the object's first object or array value (where a walk stops), and last.
      const firstNested = keys.find((k) => o[k] !== null && typeof o[k] === 'object');
      for (const key of keys) {
        if (path === '' && key === 'Event') continue;
        odd.push(rewrite(t, path, (e) => e.filter(([k]) => k !== key)));
        odd.push(rewrite(t, path, (e) => e.map(([k, v]) => [k === key ? `${k} ` : k, v])));
        odd.push(rewrite(t, path, (e) => e.map(([k, v]) => [k === key ? k.slice(0, -1) : k, v])));
        for (const value of VALUES) odd.push(rewrite(t, path, (e) => e.map(([k, v]) => [k, k === key ? value : v])));
        const value = o[key]!;
        // Task Metrics is read up to its first object (Shuffle Read Metrics, where JsonProtocol writes
        // it), Input Metrics found by its key after: a key of its level moved or given again after
        // that object is not looked for (fastTaskEnd says why). Spark writes neither.
        if (firstNested !== undefined && firstNested !== key && path !== '/Task Metrics') {
          odd.push(
            rewrite(t, path, (e) => {
              const rest = e.filter(([k]) => k !== key);
              const i = rest.findIndex(([k]) => k === firstNested) + 1;
              return [...rest.slice(0, i), [key, value], ...rest.slice(i)];
            }),
          );
          for (const v of [value, 'x', null]) odd.push(duplicate(t, path, key, v, firstNested));
        }
        for (const v of [value, 'x', null, 12]) {
          odd.push(duplicate(t, path, key, v, null));
          odd.push(duplicate(t, path, key, v, keys[0]!));
        }
      }
      // A key of the schema where the line has none.
      for (const key of ['Stage ID', 'Task ID', 'Executor ID', 'Input Metrics', 'Task Metrics', 'Event'])
        for (const v of ['x', 3, null, {}]) odd.push(duplicate(t, path, key, v, null));
    }
    expect(await differing(odd)).toEqual([]);
    expect(odd.length).toBeGreaterThan(1000);
  });

  it('is read as the full parse reads it when Input Metrics is the first object of its Task Metrics', async () => {
    const line = rewrite(t, '/Task Metrics', (e) => e.filter(([k]) => k !== 'Shuffle Read Metrics' && k !== 'Shuffle Write Metrics'));
    expect(fastTaskEnd(Buffer.from(line), 0, line.length)?.data['Task Metrics']?.['Input Metrics']).toEqual({ 'Bytes Read': 658034396 });
    expect(await differing([line])).toEqual([]);
  });

  it('is read as the full parse reads it when a value is not JSON', async () => {
    const odd = [
      t.replace('"Speculative":false', '"Speculative":fals3'),
      t.replace('"Failed":false', '"Failed":nul'),
      t.replace('"Killed":false', '"Killed":truee'),
      t.replace('"Index":9', '"Index":09'),
      t.replace('"Stage ID":0', '"Stage ID":00'),
      t.replace('"MajorGCCount":13', '"MajorGCCount":013'),
      t.replace('"Result Serialization Time":4', '"Result Serialization Time":-'),
      t.replace('"Locality":"PROCESS_LOCAL"', '"Locality":"PROCESS\tLOCAL"'),
      t.replace('"Locality":"PROCESS_LOCAL"', '"Locality":"PROCESS\\qLOCAL"'),
      t.replace('"Task Type":"ShuffleMapTask"', '"Task Type":"Shuffle\u0001MapTask"'),
      t.replace('"Host":"ip-10-0-1-2.ec2.internal"', '"Host":"ip-10-0-1-2\\u00zz"'),
    ];
    for (const line of odd) expect(line, 'the replacement applies').not.toBe(t);
    expect(await differing(odd)).toEqual([]);
  });
});
