import { describe, expect, it } from 'vitest';
import { readPart, ReadStats, type Location } from '../../src/eventlog/reader.js';
import { AppState } from '../../src/state/app.js';
import type { KnownEvent } from '../../src/eventlog/schemas.js';
import { LineSplitter } from '../../src/eventlog/lines.js';
import { InputError } from '../../src/errors.js';
import { chunksOf } from '../helpers.js';

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

describe('LineSplitter', () => {
  it('numbers lines across chunk boundaries, strips CR and a BOM, keeps the unterminated tail apart', () => {
    const seen: string[] = [];
    const s = new LineSplitter((l, n) => seen.push(`${n}:${l.toString()}`));
    const text = Buffer.from('\ufeffa\r\nbb\n\nccc\r\ndd');
    for (let i = 0; i < text.length; i += 2) s.push(text.subarray(i, i + 2));
    expect(seen).toEqual(['1:a', '2:bb', '3:', '4:ccc']);
    expect(s.end()).toEqual({ line: Buffer.from('dd'), lineNo: 5 });
  });
});

describe('readPart', () => {
  const ok = '{"Event":"SparkListenerLogStart","Spark Version":"3.5.1"}';

  it('counts malformed lines with their numbers and goes on', async () => {
    const { rec, stats } = await read([ok, '{"Event":"SparkListenerLogStart",_', '[1,2]', ok, ''].join('\n'));
    expect(rec.events).toHaveLength(2);
    expect(stats.malformedLines).toBe(2);
    expect(stats.diagnostics.map((d) => [d.line, d.message])).toEqual([
      [2, 'not valid JSON'],
      [3, 'JSON without an "Event" field'],
    ]);
    expect(stats.truncated).toBe(false);
  });

  it('reports a cut final line as truncation, not as a malformed line', async () => {
    const { stats } = await read(`${ok}\n{"Event":"SparkListenerTaskEnd","Stage ID":1,"Ta`);
    expect(stats.truncated).toBe(true);
    expect(stats.malformedLines).toBe(0);
    expect(stats.diagnostics[0]).toMatchObject({ line: 2 });
  });

  it('accepts a complete final line without a newline', async () => {
    const { rec, stats } = await read(`${ok}\n${ok}`);
    expect(rec.events).toHaveLength(2);
    expect(stats.truncated).toBe(false);
  });

  it('counts unknown events and skips them; a schema mismatch is a diagnostic', async () => {
    const { rec, stats } = await read([ok, '{"Event":"com.example.CustomEvent","x":1}', '{"Event":"SparkListenerJobStart","Job ID":"seven"}'].join('\n'));
    expect(Object.fromEntries(stats.eventCounts)).toEqual({ SparkListenerLogStart: 1, 'com.example.CustomEvent': 1, SparkListenerJobStart: 1 });
    expect(rec.events.map((e) => e.ev.type)).toEqual(['SparkListenerLogStart']);
    expect(stats.schemaMismatches).toBe(1);
    expect(stats.diagnostics[0]!.message).toMatch(/^SparkListenerJobStart does not match its schema \(Job ID: /);
  });

  it('matches SQL events by their short name', async () => {
    const { rec } = await read('{"Event":"org.apache.spark.sql.execution.ui.SparkListenerSQLExecutionEnd","executionId":3,"time":5}\n');
    expect(rec.events[0]!.ev).toEqual({ type: 'SparkListenerSQLExecutionEnd', data: { executionId: 3, time: 5 } });
  });

  it('reads a small .inprogress lz4 log cut mid-frame as truncated; the same bytes not in progress are an error', async () => {
    const { readFileSync } = await import('node:fs');
    const { fixture } = await import('../helpers.js');
    const cut = readFileSync(fixture('codecs', 'lz4')).subarray(0, 9000); // inside the second 32 KiB block's data
    const rec = new Recorder();
    const stats = new ReadStats();
    await readPart(chunksOf(cut, 4096), 'app.inprogress', rec, stats, { inProgress: true });
    expect(stats.truncated).toBe(true);
    expect(stats.events).toBeGreaterThan(10);
    await expect(readPart(chunksOf(cut, 4096), 'app', new Recorder(), new ReadStats())).rejects.toThrow(/^truncated lz4 block at byte \d+.*not marked \.inprogress/);
  });

  it('reads a 64 MiB line (SQL plans are that big)', async () => {
    const big = 'x'.repeat(64 * 1024 * 1024);
    async function* source(): AsyncGenerator<Buffer> {
      yield Buffer.from(`${ok}\n{"Event":"org.apache.spark.sql.execution.ui.SparkListenerSQLExecutionStart","executionId":1,"details":"`);
      for (let i = 0; i < big.length; i += 1 << 20) yield Buffer.from(big.slice(i, i + (1 << 20)));
      yield Buffer.from(`","time":7}\n${ok}\n`);
    }
    const rec = new Recorder();
    const stats = new ReadStats();
    await readPart(source(), 'big', rec, stats);
    expect(rec.events.map((e) => e.at.line)).toEqual([1, 2, 3]);
    const sql = rec.events[1]!.ev;
    expect(sql.type === 'SparkListenerSQLExecutionStart' && sql.data.details?.length).toBe(big.length);
  });

  it('refuses what is not an event log, and an empty file', async () => {
    await expect(read('2024-01-01 10:00:00 INFO SparkContext: Running Spark version 3.5.1\n')).rejects.toThrow(new InputError('not a Spark event log: line 1 is not a JSON event (it reads as spark-log; diagnose takes it)'));
    await expect(read('just some words\n')).rejects.toThrow(new InputError('not a Spark event log: line 1 is not a JSON event'));
    await expect(read('')).rejects.toThrow('empty file');
    await expect(read('\n\n  \n')).rejects.toThrow('no content: the file holds only blank lines');
    await expect(read('{"a":1}\n{"b":2}\n')).rejects.toThrow('not a Spark event log: line 1 is not a JSON event');
    await expect(read('{"Event":"SparkListenerLogStart",_\n{"b":2}\n')).rejects.toThrow('not a Spark event log: no line has an "Event" field');
  });
});
