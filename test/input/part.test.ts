import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { InputError, type Problem } from '../../src/errors.js';
import type { KnownEvent } from '../../src/eventlog/schemas.js';
import { readPart, type PartOptions } from '../../src/input/part.js';
import { ReadStats, type Location } from '../../src/input/stats.js';
import { AppState } from '../../src/state/app.js';
import { chunksOf, fixture } from '../helpers.js';

class Recorder extends AppState {
  events: Array<{ ev: KnownEvent; at: Location }> = [];
  override onEvent(ev: KnownEvent, at: Location): void {
    this.events.push({ ev, at });
    super.onEvent(ev, at);
  }
}

const read = async (text: string | Buffer, chunk = 5): Promise<{ rec: Recorder; stats: ReadStats }> => {
  const rec = new Recorder();
  const stats = new ReadStats();
  await readPart(chunksOf(Buffer.from(text), chunk), 'log', rec, stats);
  return { rec, stats };
};

/** The coded problem readPart refused the bytes with (it must refuse them with an InputError). */
async function refusal(bytes: string | Buffer, opts: PartOptions = {}, file = 'log'): Promise<Problem> {
  try {
    await readPart(chunksOf(Buffer.from(bytes), 4096), file, new AppState(), new ReadStats(), opts);
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    if (e instanceof InputError) return e.problem;
  }
  throw new Error('read, not refused');
}

describe('readPart', () => {
  const ok = '{"Event":"SparkListenerLogStart","Spark Version":"3.5.1"}';

  it('counts malformed lines with their numbers and goes on', async () => {
    const { rec, stats } = await read([ok, '{"Event":"SparkListenerLogStart",_', '[1,2]', ok, ''].join('\n'));
    expect(rec.events).toHaveLength(2);
    expect(stats.malformedLines).toBe(2);
    expect(stats.diagnostics.map((d) => [d.line, d.code])).toEqual([
      [2, 'invalid-json'],
      [3, 'no-event-field'],
    ]);
    expect(stats.truncated).toBe(false);
  });

  it('reports a cut final line as truncation, not as a malformed line', async () => {
    const { stats } = await read(`${ok}\n{"Event":"SparkListenerTaskEnd","Stage ID":1,"Ta`);
    expect(stats.truncated).toBe(true);
    expect(stats.malformedLines).toBe(0);
    expect(stats.diagnostics).toEqual([{ file: 'log', line: 2, code: 'truncated-line', data: {} }]);
  });

  it('accepts a complete final line without a newline', async () => {
    const { rec, stats } = await read(`${ok}\n${ok}`);
    expect(rec.events).toHaveLength(2);
    expect(stats.truncated).toBe(false);
  });

  it('counts unknown events and skips them; a schema mismatch is a diagnostic', async () => {
    const { rec, stats } = await read(
      [ok, '{"Event":"com.example.CustomEvent","x":1}', '{"Event":"SparkListenerJobStart","Job ID":"seven"}'].join('\n'),
    );
    expect(Object.fromEntries(stats.eventCounts)).toEqual({
      SparkListenerLogStart: 1,
      'com.example.CustomEvent': 1,
      SparkListenerJobStart: 1,
    });
    expect(rec.events.map((e) => e.ev.type)).toEqual(['SparkListenerLogStart']);
    expect(stats.schemaMismatches).toBe(1);
    expect(stats.diagnostics).toEqual([
      {
        file: 'log',
        line: 3,
        code: 'schema-mismatch',
        data: { event: 'SparkListenerJobStart', path: 'Job ID', detail: expect.any(String) },
      },
    ]);
  });

  it('matches SQL events by their short name', async () => {
    const { rec } = await read('{"Event":"org.apache.spark.sql.execution.ui.SparkListenerSQLExecutionEnd","executionId":3,"time":5}\n');
    expect(rec.events.map((e) => e.ev)).toEqual([{ type: 'SparkListenerSQLExecutionEnd', data: { executionId: 3, time: 5 } }]);
  });

  it('reads a small .inprogress lz4 log cut mid-frame as truncated; the same bytes not in progress are an error', async () => {
    const cut = readFileSync(fixture('codecs', 'lz4')).subarray(0, 9000); // inside the second 32 KiB block's data
    const rec = new Recorder();
    const stats = new ReadStats();
    await readPart(chunksOf(cut, 4096), 'app.inprogress', rec, stats, { inProgress: true });
    expect(stats.truncated).toBe(true);
    expect(stats.events).toBeGreaterThan(10);
    const p = await refusal(cut, {}, 'app');
    expect(p.code).toBe('cut-short');
    expect(p.code === 'cut-short' && p.data.cause).toMatchObject({ code: 'truncated', data: { what: 'lz4 block', at: 9000 } });
  });

  it('keeps what a log cut short read as an event log: its application is incomplete, not without an event log', async () => {
    const cut = readFileSync(fixture('codecs', 'lz4')).subarray(0, 9000);
    const app = new AppState();
    const stats = new ReadStats();
    await expect(readPart(chunksOf(cut, 4096), 'app', app, stats)).rejects.toBeInstanceOf(InputError);
    expect(stats.events).toBeGreaterThan(10);
    expect(app.hasEventLog).toBe(true);
    expect(app.outcome).toBe('incomplete');
  });

  it('reads a 16 MiB line (SQL plans can be that big), and skips and counts one past MAX_LINE_BYTES', async () => {
    const big = 'x'.repeat(16 * 1024 * 1024);

    async function* source(): AsyncGenerator<Buffer> {
      yield Buffer.from(`${ok}\n{"Event":"org.apache.spark.sql.execution.ui.SparkListenerSQLExecutionStart","executionId":1,"details":"`);
      for (let i = 0; i < big.length; i += 1 << 20) yield Buffer.from(big.slice(i, i + (1 << 20)));
      yield Buffer.from(`","time":7}\n${ok}\n`);
    }
    const rec = new Recorder();
    const stats = new ReadStats();
    await readPart(source(), 'big', rec, stats);
    expect(rec.events.map((e) => e.at.line)).toEqual([1, 2, 3]);
    const sql = rec.events.find((e) => e.ev.type === 'SparkListenerSQLExecutionStart')?.ev;
    expect(sql?.type === 'SparkListenerSQLExecutionStart' && sql.data.details?.length).toBe(big.length);

    const huge = 'x'.repeat(40 * 1024 * 1024);

    async function* tooLong(): AsyncGenerator<Buffer> {
      yield Buffer.from(`${ok}\n{"Event":"org.apache.spark.sql.execution.ui.SparkListenerSQLExecutionStart","executionId":1,"details":"`);
      for (let i = 0; i < huge.length; i += 1 << 20) yield Buffer.from(huge.slice(i, i + (1 << 20)));
      yield Buffer.from(`","time":7}\n${ok}\n`);
    }
    const rec2 = new Recorder();
    const stats2 = new ReadStats();
    await readPart(tooLong(), 'huge', rec2, stats2);
    expect(rec2.events.map((e) => e.at.line)).toEqual([1, 3]);
    expect(stats2.longLines).toBe(1);
    expect(stats2.diagnostics.find((d) => d.code === 'line-too-long')).toMatchObject({ line: 2, data: { limit: 32 * 1024 * 1024 } });
  });

  it('refuses what is not an event log, and an empty file, each with its code', async () => {
    expect(await refusal('2024-01-01 10:00:00 INFO SparkContext: Running Spark version 3.5.1\n')).toEqual({
      code: 'not-an-event-log',
      data: { readsAs: 'spark-log' },
    });
    expect(await refusal('just some words\n')).toEqual({ code: 'not-an-event-log', data: { readsAs: null } });
    expect(await refusal('')).toEqual({ code: 'empty-file', data: {} });
    expect(await refusal('\n\n  \n')).toEqual({ code: 'no-content', data: { codec: 'none' } });
    expect(await refusal('{"a":1}\n{"b":2}\n')).toEqual({ code: 'not-an-event-log', data: { readsAs: null } });
    expect(await refusal('{"Event":"SparkListenerLogStart",_\n{"b":2}\n')).toEqual({ code: 'no-event-field', data: {} });
    expect(await refusal(Buffer.from([0, 1, 2, 3, 0xff, 0xfe, 0, 0]))).toEqual({ code: 'binary-data', data: { acceptText: false } });
  });

  it('takes text logs only when asked (diagnose), by content', async () => {
    const app = new AppState();
    const stats = new ReadStats();
    const kind = await readPart(
      chunksOf(
        Buffer.from(
          '23/11/14 22:13:22 ERROR Executor: Exception in task 0.0 in stage 1.0 (TID 7)\njava.lang.OutOfMemoryError: Java heap space\n',
        ),
        7,
      ),
      'stderr',
      app,
      stats,
      { acceptText: true },
    );
    expect(kind).toBe('spark-log');
    expect(stats.kind).toBe('spark-log');
    expect(app.hasEventLog).toBe(false);
    expect(app.signals.all().map((s) => [s.source, s.text])).toEqual([['task-exception', 'java.lang.OutOfMemoryError: Java heap space']]);
  });

  it('sniffs a head past 4 KiB as its whole 64 KiB would sniff: binary bytes or other text in the first 4 KiB still count', async () => {
    const pad = `\n${ok}`.repeat(200); // ~12 KB of event lines after the first
    // A log whose first 4 KiB are ASCII: an event log (read from its first bytes only).
    expect((await read(ok + pad, 4096)).stats.kind).toBe('event-log');
    // Non-ASCII within the first 4 KiB: decoded whole, still an event log.
    expect((await read(ok.replace('3.5.1', '3.5.1é') + pad, 4096)).stats.kind).toBe('event-log');
    // A NUL, or control bytes, within the first 4 KiB: binary, as the whole head says.
    expect((await refusal(`${ok}\n${'\u0000'.repeat(10)}${pad}`)).code).toBe('binary-data');
    expect((await refusal(`${ok}\n${'\u0001\u0002'.repeat(400)}${pad}`)).code).toBe('binary-data');
    // Whitespace before the first event beyond 4 KiB: the whole head decides (an event log).
    expect((await read(`${' '.repeat(5000)}${ok}${pad}`, 4096)).stats.kind).toBe('event-log');
  });
});
