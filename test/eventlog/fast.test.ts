import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { diagnoseApp } from '../../src/diagnose/index.js';
import { eventName as eventNameAt, fastEnvironment, fastTaskEnd as fastTaskEndAt, metricId } from '../../src/eventlog/fast.js';
import type { InputRead } from '../../src/input/read.js';
import { applicationJson, inputJson } from '../../src/render/json.js';
import { EVENTLOGS, FIXTURES, hasShared, only, readPaths } from '../helpers.js';
import { generateLog } from '../bench/generate.mjs';

const readAll = (p: string, exact: boolean): Promise<InputRead[]> => readPaths([p], { exact });

/** Everything a user sees of a read: input rows, application summaries, diagnoses, diagnostics. */
const view = (reads: InputRead[]) =>
  reads.map((r) => ({
    input: inputJson(r),
    apps: r.apps
      .filter((a) => a.stats.events > 0)
      .map((a) => ({ summary: applicationJson(a), diagnostics: a.stats.diagnostics, diagnosis: diagnoseApp(a) })),
  }));

describe('the fast path reads exactly what the full parse reads', () => {
  it.skipIf(!hasShared)('on every real log in ../shared/eventlogs', async () => {
    expect(view(await readAll(EVENTLOGS, false))).toEqual(view(await readAll(EVENTLOGS, true)));
  });

  it.skipIf(!hasShared)('the input bytes of tasks (Input Metrics) on every real log', async () => {
    const inputs = (reads: InputRead[]): Array<number | null> => reads.flatMap((r) => r.apps.map((a) => a.state.inputBytes));
    const fast = inputs(await readAll(EVENTLOGS, false));
    expect(fast).toEqual(inputs(await readAll(EVENTLOGS, true)));
    expect(fast.filter((n) => n !== null && n > 0).length).toBeGreaterThan(5);
  });

  it('on every fixture', async () => {
    expect(view(await readAll(FIXTURES, false))).toEqual(view(await readAll(FIXTURES, true)));
  });

  it('on a generated log shaped like the benchmark’s (3 KB TaskEnds, SQL plans, a YARN kill)', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'st-fast-'));
    try {
      const file = path.join(dir, 'app.json');
      await generateLog(file, 3 * 1024 * 1024);
      const fast = view(await readAll(file, false));
      expect(fast).toEqual(view(await readAll(file, true)));
      expect(
        only(
          fast.flatMap((r) => r.apps),
          () => true,
          'application',
        ).diagnosis.verdict?.code,
      ).toBe('yarn-memory-exceeded');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** The fast path takes a line as a range of a buffer (lines.ts RangeHandler); these tests give whole buffers. */
const eventName = (b: Buffer): string | null => eventNameAt(b, 0, b.length);
const fastTaskEnd = (b: Buffer): ReturnType<typeof fastTaskEndAt> => fastTaskEndAt(b, 0, b.length);

describe('fastTaskEnd', () => {
  const line = (s: string): Buffer => Buffer.from(s);
  const ok =
    '{"Event":"SparkListenerTaskEnd","Stage ID":3,"Stage Attempt ID":1,"Task Type":"ResultTask","Task End Reason":{"Reason":"Success"},"Task Info":{"Task ID":9,"Index":1,"Attempt":0,"Launch Time":100,"Executor ID":"7","Host":"h","Locality":"ANY","Speculative":false,"Getting Result Time":0,"Finish Time":350,"Failed":false,"Killed":false,"Accumulables":[{"ID":1,"Name":"x","Value":"[1]"}]},"Task Executor Metrics":{"JVMHeapMemory":123,"MinorGCCount":2},"Task Metrics":{"Executor Run Time":200,"Result Size":10,"JVM GC Time":5,"Memory Bytes Spilled":0,"Disk Bytes Spilled":0,"Shuffle Read Metrics":{},"Updated Blocks":[]}}';

  it('reads the fields the state uses', () => {
    expect(eventName(line(ok))).toBe('SparkListenerTaskEnd');
    const read = fastTaskEnd(line(ok));
    // The values of a row are its first ids.length slots of one array kept for every line.
    const peaks = read?.peaks ? { ...read.peaks, vals: Array.from(read.peaks.vals.subarray(0, read.peaks.ids.length)) } : null;
    expect({ ...read, peaks }).toEqual({
      data: {
        'Stage ID': 3,
        'Stage Attempt ID': 1,
        'Task End Reason': { Reason: 'Success' },
        'Task Info': { 'Task ID': 9, 'Executor ID': '7', 'Launch Time': 100, 'Finish Time': 350 },
        'Task Metrics': {
          'Executor Run Time': 200,
          'JVM GC Time': 5,
          'Result Size': 10,
          'Memory Bytes Spilled': 0,
          'Disk Bytes Spilled': 0,
          'Peak Execution Memory': undefined,
        },
      },
      peaks: { keys: ['JVMHeapMemory', 'MinorGCCount'], ids: [metricId('JVMHeapMemory'), metricId('MinorGCCount')], vals: [123, 2] },
    });
  });

  it('leaves to the full parser what it does not expect', () => {
    expect(fastTaskEnd(line(ok.replace('{"Reason":"Success"}', '{"Reason":"ExceptionFailure","Class Name":"x"}')))).toBeNull();
    expect(fastTaskEnd(line(ok.replace('"Executor ID":"7"', '"Executor ID":"a\\"b"')))).toBeNull();
    expect(fastTaskEnd(line(ok.replace('"JVMHeapMemory":123', '"JVMHeapMemory":1.5')))).toBeNull();
    expect(fastTaskEnd(line(ok.replace('"Stage ID":3,', '')))).toBeNull();
  });

  it("reads the input bytes, with or without Spark 1.x's Data Read Method first", () => {
    const shuffle = '"Shuffle Read Metrics":{}';
    const v3 = ok.replace(shuffle, `${shuffle},"Input Metrics":{"Bytes Read":4096,"Records Read":10}`);
    const v1 = ok.replace(shuffle, `${shuffle},"Input Metrics":{"Data Read Method":"Hadoop","Bytes Read":70564,"Records Read":3}`);
    expect(fastTaskEnd(line(v3))?.data['Task Metrics']?.['Input Metrics']).toEqual({ 'Bytes Read': 4096 });
    expect(fastTaskEnd(line(v1))?.data['Task Metrics']?.['Input Metrics']).toEqual({ 'Bytes Read': 70564 });
    expect(fastTaskEnd(line(ok))?.data['Task Metrics']?.['Input Metrics']).toBeUndefined();
  });

  it('reads each line’s Executor ID, however it differs from the last line’s', () => {
    const long = 'e'.repeat(70);
    const many = Array.from({ length: 3000 }, (_, i) => String(i % 1500));
    for (const id of ['7', '8', '7', '77', '78', 'é', long, long, `${long}x`, long, 'e'.repeat(64), '7', '', '7', ...many]) {
      const read = fastTaskEnd(line(ok.replace('"Executor ID":"7"', `"Executor ID":"${id}"`)));
      expect(read?.data['Task Info']['Executor ID']).toBe(id);
    }
  });

  it('reads Spark 2.x lines, which have no Task Executor Metrics', () => {
    const v2 = ok.replace(/"Task Executor Metrics":\{[^}]*\},/, '');
    expect(fastTaskEnd(line(v2))?.peaks).toBeNull();
    expect(fastTaskEnd(line(v2))?.data['Task Metrics']?.['Executor Run Time']).toBe(200);
  });
});

describe('a line as a range of a larger buffer', () => {
  const v3 =
    '{"Event":"SparkListenerTaskEnd","Stage ID":3,"Stage Attempt ID":1,"Task Type":"ResultTask","Task End Reason":{"Reason":"Success"},' +
    '"Task Info":{"Task ID":9,"Index":1,"Attempt":0,"Launch Time":100,"Executor ID":"7","Host":"h","Locality":"ANY","Speculative":false,' +
    '"Getting Result Time":0,"Finish Time":350,"Failed":false,"Killed":false,"Accumulables":[{"ID":1,"Name":"x","Value":"[1]"}]},' +
    '"Task Executor Metrics":{"JVMHeapMemory":123,"MinorGCCount":2},"Task Metrics":{"Executor Run Time":200,"Result Size":10,' +
    '"JVM GC Time":5,"Memory Bytes Spilled":0,"Disk Bytes Spilled":0,"Shuffle Read Metrics":{},"Input Metrics":{"Bytes Read":4096},"Updated Blocks":[]}}';
  /** A read with its shared metrics row copied out (the next read overwrites it). */
  const plain = (r: ReturnType<typeof fastTaskEndAt>) =>
    r && { data: r.data, peaks: r.peaks && { keys: [...r.peaks.keys], vals: Array.from(r.peaks.vals.subarray(0, r.peaks.keys.length)) } };

  it('is read as the same bytes alone, wherever it sits and whatever follows it', () => {
    const alone = plain(fastTaskEnd(Buffer.from(v3)));
    expect(alone?.data['Task Metrics']?.['Input Metrics']).toEqual({ 'Bytes Read': 4096 });
    for (const before of ['', ' ', '{"Event":"x"}\n']) {
      for (const after of ['', '\n', '0', '9}', '"}', '}},"Task Metrics":{"Executor Run Time":1}}']) {
        const buf = Buffer.from(before + v3 + after);
        const start = Buffer.byteLength(before);
        expect(eventNameAt(buf, start, start + v3.length)).toBe('SparkListenerTaskEnd');
        expect(plain(fastTaskEndAt(buf, start, start + v3.length))).toEqual(alone);
      }
    }
  });

  it('never reads past its end: cut anywhere, it reads as the cut bytes alone', () => {
    // Spark 1.x's Input Metrics (Data Read Method first) too: Bytes Read is then looked for before the '}'.
    const v1 = v3.replace('"Input Metrics":{', '"Input Metrics":{"Data Read Method":"Hadoop",');
    for (const one of [v3, v1]) {
      const whole = Buffer.from(one + one);
      for (let cut = 1; cut < one.length; cut++) {
        const alone = Buffer.from(one.slice(0, cut));
        expect(plain(fastTaskEndAt(whole, 0, cut)), `cut at ${cut}`).toEqual(plain(fastTaskEnd(alone)));
        expect(eventNameAt(whole, 0, cut), `cut at ${cut}`).toBe(eventName(alone));
      }
    }
  });
});

describe('fastEnvironment', () => {
  const env =
    '{"Event":"SparkListenerEnvironmentUpdate","JVM Information":{"Java Version":"17"},"Spark Properties":{"spark.master":"yarn","x":"a,\\"Hadoop Properties\\":{"},"Hadoop Properties":{"fs.defaultFS":"hdfs://nn","y":"}"},"System Properties":{"sun.java.command":"Main"},"Metrics Properties":{},"Classpath Entries":{"/a.jar":"System Classpath"}}';

  it('parses the line without Hadoop Properties and Classpath Entries', () => {
    expect(fastEnvironment(Buffer.from(env))).toEqual({
      Event: 'SparkListenerEnvironmentUpdate',
      'JVM Information': { 'Java Version': '17' },
      'Spark Properties': { 'spark.master': 'yarn', x: 'a,"Hadoop Properties":{' },
      'System Properties': { 'sun.java.command': 'Main' },
      'Metrics Properties': {},
    });
  });

  it("leaves to the full parser a line not in JsonProtocol's order", () => {
    expect(fastEnvironment(Buffer.from(env.replace(',"Hadoop Properties":{"fs.defaultFS":"hdfs://nn","y":"}"}', '')))).toBeNull();
    const swapped =
      '{"Event":"SparkListenerEnvironmentUpdate","System Properties":{},"Hadoop Properties":{},"Spark Properties":{},"Classpath Entries":{}}';
    expect(fastEnvironment(Buffer.from(swapped))).toBeNull();
  });
});

describe('the name cache', () => {
  // Names are compared four bytes at a time, then byte by byte: a name must match whatever its
  // length and wherever the line sits in its buffer, and a difference in any byte must not.
  it('matches names of every length at every offset, and nothing that differs in one byte', () => {
    for (let len = 1; len <= 13; len++) {
      const name = 'ABCDEFGHIJKLM'.slice(0, len);
      const metrics = `{"Event":"SparkListenerTaskEnd","Stage ID":1,"Stage Attempt ID":0,"Task End Reason":{"Reason":"Success"},"Task Info":{"Task ID":1,"Executor ID":"2"},"Task Executor Metrics":{"${name}":${len},"${name}x":7},"Task Metrics":{"Result Size":1,"Updated Blocks":[]}}`;
      for (let pad = 0; pad < 4; pad++) {
        const buf = Buffer.concat([Buffer.alloc(pad, 0x20), Buffer.from(metrics)]).subarray(pad);
        const peaks = fastTaskEnd(buf)?.peaks;
        expect(peaks?.keys).toEqual([name, `${name}x`]);
        expect(Array.from(peaks!.vals.subarray(0, 2))).toEqual([len, 7]);
        for (let at = 0; at < len; at++) {
          const other = name.slice(0, at) + 'z' + name.slice(at + 1);
          const changed = Buffer.from(metrics.replace(`"${name}":`, `"${other}":`));
          expect(fastTaskEnd(changed)?.peaks?.keys[0]).toBe(other);
        }
      }
    }
  });
});
