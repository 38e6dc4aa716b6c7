import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CR_SNIFF_BYTES, LineSplitter, MAX_LINE_BYTES } from '../../src/eventlog/lines.js';
import { readAll, type InputRead } from '../../src/input/read.js';
import { fixture, RSS_LIMIT_MIB, runCliMeasured } from '../helpers.js';

const tmp = mkdtempSync(path.join(tmpdir(), 'spark-triage-hostile-lines-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Splits `chunks` and returns what came out: lines as text with their numbers, skipped lines, and the tail. */
function split(
  chunks: Buffer[],
  maxLineBytes?: number,
): { lines: [number, string][]; long: [number, number][]; tail: [number, string] | null } {
  const lines: [number, string][] = [];
  const long: [number, number][] = [];
  const s = new LineSplitter((l, n) => lines.push([n, l.toString('latin1')]), { maxLineBytes, onLongLine: (n, b) => long.push([n, b]) });
  for (const c of chunks) {
    const copy = Buffer.from(c);
    s.push(copy);
    copy.fill(0x23); // the producer reuses its chunk at once: the splitter must have copied what it keeps
  }
  const t = s.end();
  return { lines, long, tail: t ? [t.lineNo, t.line.toString('latin1')] : null };
}
const pieces = (s: string, size: number): Buffer[] => {
  const b = Buffer.from(s, 'latin1');
  const out: Buffer[] = [];
  for (let i = 0; i < b.length; i += size) out.push(b.subarray(i, i + size));
  return out;
};

describe('LineSplitter: the longest line', () => {
  it('is documented and leaves the real logs whole (their longest line is 1.0 MB)', () => {
    expect(MAX_LINE_BYTES).toBe(32 * 1024 * 1024);
  });

  for (const size of [1, 7, 100]) {
    it(`skips a line past the limit, counts it, and reads on (chunks of ${size})`, () => {
      const text = `a\n${'x'.repeat(25)}\nbb\n${'y'.repeat(20)}\ncc`;
      const r = split(pieces(text, size), 20);
      expect(r.lines).toEqual([
        [1, 'a'],
        [3, 'bb'],
        [4, 'y'.repeat(20)], // exactly the limit: read
      ]);
      expect(r.long).toEqual([[2, 25]]);
      expect(r.tail).toEqual([5, 'cc']);
    });
  }

  it('a final line past the limit with no newline is skipped at the end, not returned', () => {
    const r = split(pieces(`a\n${'z'.repeat(50)}`, 8), 20);
    expect(r.lines).toEqual([[1, 'a']]);
    expect(r.long).toEqual([[2, 50]]);
    expect(r.tail).toBeNull();
  });

  it('strips a BOM on line 1 and a CR before LF', () => {
    const r = split([Buffer.from('\ufeff{"a":1}\r\n{"b":2}\r\n', 'utf8')]);
    expect(r.lines.map(([n, l]) => [n, Buffer.from(l, 'latin1').toString('utf8')])).toEqual([
      [1, '{"a":1}'],
      [2, '{"b":2}'],
    ]);
  });
});

describe('LineSplitter: CR line ends (classic Mac OS)', () => {
  for (const size of [3, 64, 1 << 20]) {
    it(`a file with CR alone ends its lines with CR (chunks of ${size})`, () => {
      const r = split(pieces('{"a":1}\r{"b":2}\r\r{"c":3}\r', size));
      expect(r.lines).toEqual([
        [1, '{"a":1}'],
        [2, '{"b":2}'],
        [3, ''],
        [4, '{"c":3}'],
      ]);
      expect(r.tail).toBeNull();
    });
  }

  it('a CRLF pair later in a CR file is one line end, also across chunks', () => {
    const cr = '{"a":1}\r'.repeat(Math.ceil(CR_SNIFF_BYTES / 8));
    const r = split(pieces(`${cr}{"b":2}\r\n{"c":3}`, 4096 + 3));
    const n = Math.ceil(CR_SNIFF_BYTES / 8);
    expect(r.lines.length).toBe(n + 1);
    expect(r.lines.slice(n - 1)).toEqual([
      [n, '{"a":1}'],
      [n + 1, '{"b":2}'],
    ]);
    expect(r.tail).toEqual([n + 2, '{"c":3}']);
  });

  it('a LF file with stray CRs inside lines stays LF', () => {
    const r = split(pieces('progress 10%\r progress 20%\r done\nnext\n', 5));
    expect(r.lines).toEqual([
      [1, 'progress 10%\r progress 20%\r done'],
      [2, 'next'],
    ]);
  });

  it('decides on LF when the first LF comes after the first CR_SNIFF_BYTES without a CR', () => {
    const first = `{"p":"${'q'.repeat(CR_SNIFF_BYTES)}"}`;
    const r = split(pieces(`${first}\n{"b":2}\n`, 4096));
    expect(r.lines.map(([n, l]) => [n, l.length])).toEqual([
      [1, first.length],
      [2, 7],
    ]);
  });

  it('an event log with CR line ends is read, not "no events"', async () => {
    const file = path.join(tmp, 'mac.jsonl');
    writeFileSync(file, readFileSync(fixture('codecs', 'source.jsonl'), 'latin1').replace(/\n/g, '\r'), 'latin1');
    const reads: InputRead[] = [];
    for await (const r of readAll([file])) reads.push(r);
    expect(reads[0]!.failures).toEqual([]);
    expect(reads[0]!.apps[0]!.stats.events).toBe(304);
    expect(reads[0]!.apps[0]!.state.appId).toBe('application_1700000000000_0001');
  });
});

// ---- through the built CLI, with its memory --------------------------------------------------------

const SOURCE = readFileSync(fixture('codecs', 'source.jsonl'), 'utf8').split('\n').filter(Boolean);

/** A plain log with one SparkListenerSQLExecutionStart line whose plan is `mib` MiB, good events before and after. */
function sqlPlanLog(file: string, mib: number): number {
  const fd = openSync(file, 'w');
  try {
    writeSync(fd, SOURCE.slice(0, 100).join('\n') + '\n');
    const head =
      '{"Event":"org.apache.spark.sql.execution.ui.SparkListenerSQLExecutionStart","executionId":1,"description":"q","details":"","physicalPlanDescription":"';
    const tail = '","time":1700000005000}';
    writeSync(fd, head);
    const block = Buffer.alloc(1 << 20, 'P');
    for (let i = 0; i < mib; i++) writeSync(fd, block);
    writeSync(fd, tail + '\n' + SOURCE.slice(100).join('\n') + '\n');
    return head.length + tail.length + (mib << 20);
  } finally {
    closeSync(fd);
  }
}

/** A zstd log: 100 good events, then a line of `mib` MiB without a newline, as RLE blocks (~4 bytes per 128 KiB). */
function zstdLongTail(mib: number): Buffer {
  const bh = (last: boolean, type: number, size: number): Buffer => {
    const v = (last ? 1 : 0) | (type << 1) | (size << 3);
    return Buffer.from([v & 255, (v >>> 8) & 255, (v >>> 16) & 255]);
  };
  const head = Buffer.from(SOURCE.slice(0, 100).join('\n') + '\n{"Event":"org.example.Long","pad":"');
  const parts: Buffer[] = [Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x00, 0x50]), bh(false, 0, head.length), head];
  const n = mib * 8;
  for (let i = 0; i < n; i++) parts.push(bh(i === n - 1, 1, 1 << 17), Buffer.from([0x61]));
  return Buffer.concat(parts);
}

describe('long lines through the CLI', () => {
  it('a 2 GiB line without a newline is skipped and named; the log is read; memory stays bounded', async () => {
    const file = path.join(tmp, 'long-tail.zstd');
    writeFileSync(file, zstdLongTail(2048));
    const r = runCliMeasured(['inspect', '--format', 'json', file]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.inputs[0].lines).toBe(101);
    expect(out.applications[0].appId).toBe('application_1700000000000_0001');
    expect(r.rssMiB).toBeLessThan(RSS_LIMIT_MIB);
    const reads: InputRead[] = [];
    for await (const x of readAll([file])) reads.push(x);
    const stats = reads[0]!.apps[0]!.stats;
    expect(stats.longLines).toBe(1);
    expect(stats.diagnostics).toContainEqual({
      file,
      line: 101,
      code: 'line-too-long',
      data: { bytes: 2048 * 1024 * 1024 + '{"Event":"org.example.Long","pad":"'.length, limit: MAX_LINE_BYTES },
    });
  });

  it('a 64 MiB SQL plan line (past the limit) is skipped within the bound; the events after it are read', () => {
    const file = path.join(tmp, 'plan-64.jsonl');
    sqlPlanLog(file, 64);
    const r = runCliMeasured(['inspect', '--format', 'json', file]);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.inputs[0].lines).toBe(305);
    expect(out.applications[0].events.SparkListenerApplicationEnd).toBe(1);
    // The codec fixture's own SQL event; the 64 MiB one was skipped.
    expect(out.applications[0].events['org.apache.spark.sql.execution.ui.SparkListenerSQLExecutionStart']).toBe(1);
    expect(r.rssMiB).toBeLessThan(RSS_LIMIT_MIB);
  });

  it('a 24 MiB SQL plan line (under the limit) is read within the bound', () => {
    const file = path.join(tmp, 'plan-24.jsonl');
    sqlPlanLog(file, 24);
    const r = runCliMeasured(['inspect', '--format', 'json', file]);
    expect(r.code).toBe(0);
    // The codec fixture's own SQL event, and the 24 MiB one.
    expect(JSON.parse(r.stdout).applications[0].events['org.apache.spark.sql.execution.ui.SparkListenerSQLExecutionStart']).toBe(2);
    expect(r.rssMiB).toBeLessThan(RSS_LIMIT_MIB);
  });
});
