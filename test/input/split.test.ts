import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { diagnoseCommand } from '../../src/commands/diagnose.js';
import { inspectCommand } from '../../src/commands/inspect.js';
import type { Io } from '../../src/commands/io.js';
import { readAll, type ReadOptions } from '../../src/input/read.js';
import { makeStyle } from '../../src/render/style.js';
import { AppState } from '../../src/state/app.js';
import { EVENTLOGS, FIXTURES, fixture, hasShared, runCli } from '../helpers.js';

/**
 * A plain log read on two threads (src/input/split.ts) gives what one thread gives, byte for byte:
 * every log split (SPLIT_MIN_BYTES lowered to 0) into blocks, the helper's blocks read first here
 * (splitInline: the same digests, cloned as a thread's messages are), its share and the blocks' size
 * varied so the cuts fall at odd places, and then, for the larger real logs, on the helper thread of
 * the built CLI.
 */
const plain = makeStyle(false);
const io = (): Io & { text: () => string } => {
  const out: string[] = [];
  return { out: (s) => void out.push(s), err: (s) => void out.push(`ERR ${s}`), isTTY: false, env: {}, text: () => out.join('') };
};
type Threads = Pick<ReadOptions, 'jobs' | 'splitBytes' | 'splitInline'>;
const SPLIT: Threads = { jobs: 2, splitBytes: 0, splitInline: true };
const ONE: Threads = { jobs: 1 };
const inputs = hasShared ? [FIXTURES, EVENTLOGS] : [FIXTURES];

const diagnose = async (threads: Threads): Promise<{ code: number; text: string }> => {
  const o = io();
  const code = await diagnoseCommand(inputs, { format: 'json', conf: {}, style: plain, threads }, o);
  return { code, text: o.text() };
};

describe('one log on two threads', () => {
  it('diagnoses every fixture and real log exactly as one thread, the second halves folded from their digests', async () => {
    const folded = vi.spyOn(AppState.prototype, 'onTasks');
    const split = await diagnose(SPLIT);
    const batches = folded.mock.calls.length;
    folded.mockRestore();
    const one = await diagnose(ONE);
    expect(split.code).toBe(one.code);
    expect(split.text.length).toBeGreaterThan(100_000);
    expect(split.text).toBe(one.text);
    expect(batches).toBeGreaterThan(hasShared ? 300 : 20); // the digests were folded, not read again
  }, 600_000);

  // Blocks of a prime number of bytes (cuts mid-line, moved to the next line start; lines longer than
  // a block leave empty blocks), the helper reading all but the first, or only the last.
  it.each([
    ['4,099-byte blocks, the helper all but the first', { blockBytes: 4_099, helperBlocks: Number.MAX_SAFE_INTEGER }, 100],
    ['65,537-byte blocks, the helper the last one', { blockBytes: 65_537, helperBlocks: 1 }, 100],
    ['256 KiB + 3 blocks, the helper three', { blockBytes: (1 << 18) + 3, helperBlocks: 3 }, 20],
    // The helper stops at the block past which its digests would exceed 50 kB of JSON: that block
    // and those before it read here, the digests of the blocks after it folded.
    [
      '8,191-byte blocks, the helper stopped by the size of its digests',
      { blockBytes: 8_191, helperBlocks: Number.MAX_SAFE_INTEGER, digestJson: 50_000 },
      100,
    ],
    // Segments (split.ts SEGMENT_BLOCKS): each read from both ends and folded before the next; the
    // helper's budget is each segment's own.
    ['4,099-byte blocks in segments of 3, the helper half of each', { blockBytes: 4_099, segmentBlocks: 3 }, 100],
    [
      '8,191-byte blocks in segments of 5, the helper all but the first of each',
      { blockBytes: 8_191, segmentBlocks: 5, helperBlocks: Number.MAX_SAFE_INTEGER },
      100,
    ],
    [
      '8,191-byte blocks in segments of 7, the helper stopped by the size of its digests in some',
      { blockBytes: 8_191, segmentBlocks: 7, helperBlocks: Number.MAX_SAFE_INTEGER, digestJson: 20_000 },
      100,
    ],
  ])(
    'diagnoses every fixture and real log exactly as one thread: %s',
    async (_, inline, minBatches) => {
      const folded = vi.spyOn(AppState.prototype, 'onTasks');
      const split = await diagnose({ jobs: 2, splitBytes: 0, splitInline: inline });
      const batches = folded.mock.calls.length;
      folded.mockRestore();
      const one = await diagnose(ONE);
      expect(split.code).toBe(one.code);
      expect(split.text).toBe(one.text);
      if (hasShared) expect(batches).toBeGreaterThan(minBatches); // the digests were folded, not read again
    },
    600_000,
  );

  it('sums the tasks’ input bytes (scan --by app-name) exactly as one thread, though no report shows them', async () => {
    const inputBytes = async (threads: Threads): Promise<Array<number | null>> => {
      const out: Array<number | null> = [];
      for await (const input of readAll(inputs, threads)) for (const a of input.apps) out.push(a.state.inputBytes);
      return out;
    };
    const [split, one] = [await inputBytes(SPLIT), await inputBytes(ONE)];
    expect(split).toEqual(one);
    expect(one.filter((b) => b !== null && b > 0).length).toBeGreaterThan(hasShared ? 20 : 2);
  }, 600_000);

  it('inspects every fixture and real log exactly as one thread', async () => {
    const [split, one] = [io(), io()];
    const a = await inspectCommand(inputs, { format: 'json', style: plain, threads: SPLIT }, split);
    const b = await inspectCommand(inputs, { format: 'json', style: plain, threads: ONE }, one);
    expect(a).toBe(b);
    expect(split.text()).toBe(one.text());
  }, 600_000);

  describe('a second half whose digest cannot be folded exactly is read again on the first thread', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'spark-triage-split-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    const log = readFileSync(fixture('diagnose', 'task-skew', 'spark35'), 'utf8');
    const lines = log.split('\n');
    // A task of the second half with a sum past 2^53 (rounds: only one thread's order gives its result), or a fraction.
    const task = (l: string): boolean => l.includes('"Reason":"Success"') && l.includes('"Memory Bytes Spilled":');
    const withTask = (value: string, early: boolean): string => {
      // The last task: in the helper's part, the back half of the 8 blocks (blocks.ts), block 5 or
      // later, the first it reads. Early: the first task past the first 4,099 bytes, in the last
      // block the helper reads when it takes all but the first (after digests of the others).
      const at = early ? lines.findIndex((l, i) => task(l) && lines.slice(0, i).join('\n').length > 4_099) : lines.findLastIndex(task);
      if (!early) expect(lines.slice(0, at).join('\n').length).toBeGreaterThan(5 * Math.ceil(log.length / 8));
      else expect(lines.slice(0, at).join('\n').length).toBeLessThan(3 * 4_099);
      const changed = [...lines];
      changed[at] = changed[at]!.replace(/"Memory Bytes Spilled":\d+/, `"Memory Bytes Spilled":${value}`);
      return changed.join('\n');
    };
    const late: Threads = SPLIT;
    const early: Threads = { jobs: 2, splitBytes: 0, splitInline: { blockBytes: 4_099, helperBlocks: Number.MAX_SAFE_INTEGER } };
    it.each([
      ['a sum past 2^53, in the first block the helper reads', '9007199254740993', late],
      ['a fraction, in the first block the helper reads', '0.5', late],
      ['a fraction, in the last block the helper reads', '0.5', early],
    ])('%s', async (_, value, threads) => {
      const file = path.join(dir, `app-${value}`);
      writeFileSync(file, withTask(value, threads === early));
      const run = async (threads: Threads): Promise<string> => {
        const o = io();
        await diagnoseCommand([file], { format: 'json', conf: {}, style: plain, threads }, o);
        return o.text();
      };
      const folded = vi.spyOn(AppState.prototype, 'onTasks');
      const split = await run(threads);
      expect(folded).not.toHaveBeenCalled();
      folded.mockRestore();
      expect(split).toBe(await run(ONE));
      expect(split).toContain('"inputs"');
    });
  });

  it('a bad line, and a last line cut short, in the second half are reported at their lines in the file', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'spark-triage-split-'));
    try {
      const lines = readFileSync(fixture('diagnose', 'task-skew', 'spark35'), 'utf8')
        .trimEnd()
        .split('\n');
      const bad = lines.length - 3;
      lines.splice(bad, 0, '{"Event":"SparkListenerTaskEnd", not json');
      const file = path.join(dir, 'app');
      writeFileSync(file, `${lines.join('\n')}\n{"Event":"SparkListenerJobEnd","Job ID":`);
      const run = async (threads: Threads): Promise<string> => {
        const o = io();
        await inspectCommand([file], { format: 'text', style: plain, threads }, o);
        return o.text();
      };
      const split = await run(SPLIT);
      expect(split).toBe(await run(ONE));
      expect(split).toContain(`${file}:${bad + 1} `);
      expect(split).toContain(`${file}:${lines.length + 1} `);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  // A worker's heap limit does not end only the worker: past one, V8 aborted the whole process inside
  // JSON.parse on such a line (split.ts: no old-generation limit for the helper).
  it('a line that takes hundreds of MiB to parse, in the helper’s part, is read as on one thread', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'spark-triage-split-'));
    try {
      const lines = readFileSync(fixture('diagnose', 'task-skew', 'spark35'), 'utf8')
        .trimEnd()
        .split('\n');
      // After 40 MB of events read by name only, so that the line is in the last blocks, which the helper
      // reads first: a job with 1.5 million properties (21 MB; within shape.ts' limits).
      const filler = Array.from({ length: 600_000 }, (_, i) => `{"Event":"SparkListenerBlockUpdated","Block Updated Info":{"n":${i}}}`);
      const props = Array.from({ length: 1_500_000 }, (_, i) => `"k${i}":"v"`).join(',');
      const dense = `{"Event":"SparkListenerJobStart","Job ID":99,"Submission Time":1,"Stage Infos":[],"Stage IDs":[],"Properties":{${props}}}`;
      const file = path.join(dir, 'app');
      writeFileSync(file, `${[...lines.slice(0, -2), ...filler, dense, ...lines.slice(-2)].join('\n')}\n`);
      const split = runCli(['diagnose', '--format', 'json', '--jobs', '2', file], { env: { SPARK_TRIAGE_SPLIT_BYTES: '0' } });
      const one = runCli(['diagnose', '--format', 'json', '--jobs', '1', file]);
      expect(split.stderr).toBe(one.stderr);
      expect(split.status).toBe(one.status);
      expect(split.stdout).toBe(one.stdout);
      expect(split.stdout).toContain('"inputs"');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it.skipIf(!hasShared)(
    'the built CLI, its helper thread started from the one-file build, gives the same JSON as --jobs 1',
    () => {
      // The plain real logs from 256 KiB, each split: a dozen helper threads (~0.1 s of CPU each to start).
      const large = readFileSync(path.join(EVENTLOGS, 'MANIFEST.tsv'), 'utf8')
        .split('\n')
        .map((l) => l.split('\t'))
        .filter((f) => f[5] === 'plain-json' && Number(f[4]) >= 256 * 1024)
        .map((f) => path.join(EVENTLOGS, f[0]!));
      expect(large.length).toBeGreaterThan(5);
      const split = runCli(['diagnose', '--format', 'json', '--jobs', '2', ...large], {
        env: { SPARK_TRIAGE_SPLIT_BYTES: String(256 * 1024) },
      });
      const one = runCli(['diagnose', '--format', 'json', '--jobs', '1', ...large]);
      expect(split.status).toBe(one.status);
      expect(split.stderr).toBe(one.stderr);
      expect(split.stdout).toBe(one.stdout);
      expect(split.stdout.length).toBeGreaterThan(100_000);
      // In segments of two blocks (four or more segments a log): the helper waits for each, reads it from the back, and goes on.
      const segmented = runCli(['diagnose', '--format', 'json', '--jobs', '2', ...large], {
        env: { SPARK_TRIAGE_SPLIT_BYTES: String(256 * 1024), SPARK_TRIAGE_SPLIT_SEGMENT: '2' },
      });
      expect(segmented.status).toBe(one.status);
      expect(segmented.stderr).toBe(one.stderr);
      expect(segmented.stdout).toBe(one.stdout);
    },
    300_000,
  );
});
