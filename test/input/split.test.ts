import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { diagnoseCommand } from '../../src/commands/diagnose.js';
import { inspectCommand } from '../../src/commands/inspect.js';
import type { Io } from '../../src/commands/io.js';
import { readAll, type ReadOptions } from '../../src/input/read.js';
import { TAIL_SHARE } from '../../src/input/split.js';
import { makeStyle } from '../../src/render/style.js';
import { AppState } from '../../src/state/app.js';
import { EVENTLOGS, FIXTURES, fixture, hasShared, runCli } from '../helpers.js';

/**
 * A plain log read on two threads (src/input/split.ts) gives what one thread gives, byte for byte:
 * every log split (SPLIT_MIN_BYTES lowered to 0), the second half read first here (splitInline: the
 * same digest, cloned as a thread's message is) and then, for the larger real logs, on the helper
 * thread of the built CLI.
 */
const plain = makeStyle(false);
const io = (): Io & { text: () => string } => {
  const out: string[] = [];
  return { out: (s) => void out.push(s), err: (s) => void out.push(`ERR ${s}`), isTTY: false, env: {}, text: () => out.join('') };
};
const SPLIT: Pick<ReadOptions, 'jobs' | 'splitBytes' | 'splitInline'> = { jobs: 2, splitBytes: 0, splitInline: true };
const ONE = { jobs: 1 };
const inputs = hasShared ? [FIXTURES, EVENTLOGS] : [FIXTURES];

const diagnose = async (threads: typeof SPLIT): Promise<{ code: number; text: string }> => {
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

  it('sums the tasks’ input bytes (scan --by app-name) exactly as one thread, though no report shows them', async () => {
    const inputBytes = async (threads: typeof SPLIT): Promise<Array<number | null>> => {
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
    const withTask = (value: string): string => {
      const at = lines.findLastIndex((l) => l.includes('"Reason":"Success"') && l.includes('"Memory Bytes Spilled":'));
      expect(lines.slice(0, at).join('\n').length).toBeGreaterThan(log.length * (1 - TAIL_SHARE)); // in the helper's part
      const changed = [...lines];
      changed[at] = changed[at]!.replace(/"Memory Bytes Spilled":\d+/, `"Memory Bytes Spilled":${value}`);
      return changed.join('\n');
    };
    it.each([
      ['a sum past 2^53', '9007199254740993'],
      ['a fraction', '0.5'],
    ])('%s', async (_, value) => {
      const file = path.join(dir, `app-${value}`);
      writeFileSync(file, withTask(value));
      const run = async (threads: typeof SPLIT): Promise<string> => {
        const o = io();
        await diagnoseCommand([file], { format: 'json', conf: {}, style: plain, threads }, o);
        return o.text();
      };
      const folded = vi.spyOn(AppState.prototype, 'onTasks');
      const split = await run(SPLIT);
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
      const run = async (threads: typeof SPLIT): Promise<string> => {
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
    },
    300_000,
  );
});
