import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Script } from 'node:vm';
import { MessageChannel, Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { bundled, bundleFile, cacheFile } from '../dist/load.cjs';
import { Claims } from '../src/input/blocks.js';
import { helpRead, type SplitPlan } from '../src/input/split.js';
import { BIN, EVENTLOGS, FIXTURES, fixture, hasShared, ROOT } from './helpers.js';

const BUNDLE = path.join(ROOT, 'dist', 'spark-triage.cjs');
const SPLIT_BUNDLE = path.join(ROOT, 'dist', 'split-worker.cjs');
const MODULES = path.join(ROOT, 'test', 'measure-cli.mjs');

/** Every file under `dir`, sorted. */
const files = (dir: string): string[] =>
  readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((f) => path.join(dir, f))
    .filter((f) => statSync(f).isFile() && !f.endsWith('.json'))
    .sort();

const run = (entry: string, args: string[]): { status: number | null; stdout: string } => {
  const r = spawnSync(process.execPath, [entry, ...args], {
    encoding: 'utf8',
    maxBuffer: 1 << 28,
    env: { ...process.env, NO_COLOR: '1', TZ: 'UTC' },
  });
  return { status: r.status, stdout: r.stdout };
};

describe('the one-file build (npm run build: esbuild.config.mjs, src/load.cts)', () => {
  it('is there, with a code cache this Node accepts (without it start-up compiles the whole program)', () => {
    expect(existsSync(BUNDLE)).toBe(true);
    const { script } = bundled(BUNDLE);
    expect(script.cachedDataRejected).toBe(false);
  });

  it('diagnoses every diagnose fixture exactly as the modules tsc wrote', () => {
    const inputs = files(path.join(FIXTURES, 'diagnose'));
    expect(inputs.length).toBeGreaterThan(50);
    const fromBundle = run(BIN, ['diagnose', '--format', 'json', ...inputs]);
    const fromModules = run(MODULES, ['diagnose', '--format', 'json', ...inputs]);
    expect(fromBundle.status).toBe(fromModules.status);
    expect(fromBundle.stdout).toBe(fromModules.stdout);
    expect(JSON.parse(fromBundle.stdout)).toHaveProperty('inputs');
  });

  it('leaves the built-ins a plain log does not need unloaded, and loads each when a log needs it', () => {
    // Which of Node's modules the CLI has loaded when it exits, by the bundle, on `args`.
    const loaded = (args: string[], env: Record<string, string> = {}): string[] => {
      const probe = `const { load } = await import(${JSON.stringify(path.join(ROOT, 'dist', 'load.cjs'))});
        const { main } = await load('cli');
        process.on('exit', () => { const list = process.moduleLoadList.join(','); process.stderr.write('\\nLOADED ' + list); });
        process.exitCode = await main(['node', 'spark-triage', ...${JSON.stringify(args)}]);`;
      const r = spawnSync(process.execPath, ['--input-type=module', '-e', probe], {
        encoding: 'utf8',
        env: { ...process.env, NO_COLOR: '1', ...env },
      });
      expect(r.stdout).toContain('Spark'); // it diagnosed
      const line = r.stderr.split('\n').find((l) => l.startsWith('LOADED '))!;
      return line
        .slice('LOADED '.length)
        .split(',')
        .filter((m) => m.startsWith('NativeModule '))
        .map((m) => m.slice('NativeModule '.length));
    };
    const lazy = ['child_process', 'crypto', 'os', 'readline', 'worker_threads', 'zlib'];
    const plain = path.join(FIXTURES, 'diagnose', 'yarn-memory-exceeded', 'spark35-pyspark');
    expect(loaded(['diagnose', plain]).filter((m) => lazy.includes(m))).toEqual([]);
    // JSON has no colours to decide: stdout is written without making process.stdout, nor Node's streams (src/cli.ts).
    expect(loaded(['diagnose', '--format', 'json', plain]).filter((m) => [...lazy, 'stream'].includes(m))).toEqual([]);
    // Used, each is there: zlib for gzip, crypto for the page's style hash, worker_threads for zstd's helper.
    expect(loaded(['diagnose', path.join(FIXTURES, 'codecs', 'gzip')])).toContain('zlib');
    expect(loaded(['diagnose', '--format', 'html', plain])).toContain('crypto');
    // A log large enough to share (here from 64 KiB: SPARK_TRIAGE_SPLIT_BYTES) is read on two threads
    // unless --jobs 1 says one: the split helper is a worker thread, and the cores are counted (os).
    const large = { SPARK_TRIAGE_SPLIT_BYTES: String(64 * 1024) };
    const source = path.join(FIXTURES, 'codecs', 'source.jsonl');
    expect(loaded(['diagnose', '--format', 'json', source], large)).toEqual(expect.arrayContaining(['worker_threads', 'os']));
    expect(loaded(['diagnose', '--format', 'json', '--jobs', '1', source], large).filter((m) => lazy.includes(m))).toEqual([]);
  });

  it.skipIf(!hasShared)('scans the real logs on two threads (its workers and zstd helper from the bundle) as the modules do', () => {
    const rows = (entry: string): string[] => {
      const r = run(entry, ['scan', '--format', 'jsonl', '--jobs', '2', EVENTLOGS]);
      expect(r.status).toBe(0);
      return r.stdout
        .split('\n')
        .filter((l) => l !== '')
        .sort();
    };
    const fromBundle = rows(BIN);
    expect(fromBundle.length).toBeGreaterThan(100);
    expect(fromBundle).toEqual(rows(MODULES));
  });
});

describe('the split helper’s own build (esbuild.config.mjs, src/input/split-bundle.ts)', () => {
  it('is what a split helper starts from: a fraction of the whole, with a code cache holding what a helper compiles', () => {
    expect(bundleFile('split-worker')).toBe(SPLIT_BUNDLE);
    expect(bundleFile('cli')).toBe(BUNDLE);
    const source = readFileSync(SPLIT_BUNDLE, 'latin1');
    expect(source.length).toBeLessThan(statSync(BUNDLE).size / 3);
    expect(source).not.toContain('node_modules/commander'); // no CLI in it
    const { script } = bundled(SPLIT_BUNDLE);
    expect(script.cachedDataRejected).toBe(false);
    // Made after a helper read a log, the cache holds the reader's functions too: compiled alone, the
    // script's cache holds only what its evaluation compiles (at this build: 74 KB against 207 KB).
    const compiledOnly = new Script(source, { filename: SPLIT_BUNDLE }).createCachedData().length;
    expect(statSync(cacheFile(SPLIT_BUNDLE)).size).toBeGreaterThan(2 * compiledOnly);
  });

  it('runs with nothing beside it but load.cjs, giving the digests the modules give', async () => {
    const log = fixture('real-spark', '3.3.3', 'execution-memory', 'app-20261129105349-0000');
    const size = statSync(log).size;
    // One segment, which this thread has started (slot 0 of `started`: segment 0).
    const plan: SplitPlan = {
      fsPath: log,
      blocks: { bytes: 16_384, count: Math.ceil(size / 16_384), size },
      segment: Number.MAX_SAFE_INTEGER,
    };
    type Message = Parameters<Parameters<typeof helpRead>[3]>[0];
    // A folder holding only the loader and the helper's build (and cache): neither the whole
    // program's build nor the modules tsc wrote are there to fall back on.
    const dir = mkdtempSync(path.join(tmpdir(), 'spark-triage-split-build-'));
    try {
      for (const f of ['load.cjs', 'split-worker.cjs', 'split-worker.v8cache']) copyFileSync(path.join(ROOT, 'dist', f), path.join(dir, f));
      const { port1, port2 } = new MessageChannel();
      const worker = new Worker(`require(${JSON.stringify(path.join(dir, 'load.cjs'))}).load('split-worker')`, {
        eval: true,
        workerData: { plan, file: log, claims: [new Claims(plan.blocks.count).buffer], started: new SharedArrayBuffer(4), port: port2 },
        transferList: [port2],
      });
      const ended = once(worker, 'exit').then(([code]) =>
        Promise.reject(new Error(`the helper exited (${String(code)}) before it was done`)),
      );
      const fromBuild: Message[] = [];
      for (let m: Message | undefined; m === undefined || 'block' in m;)
        fromBuild.push((m = (await Promise.race([once(port1, 'message'), ended]))[0] as Message));
      port1.close();
      await worker.terminate();
      const fromModules: Message[] = [];
      const claims = new Claims(plan.blocks.count);
      await helpRead(
        plan,
        log,
        () => claims,
        (m) => fromModules.push(structuredClone(m)),
        () => Promise.resolve(true),
      );
      expect(fromBuild.length).toBe(plan.blocks.count); // every block but the first, then done
      expect(fromBuild.at(-1)).toEqual({ segment: 0, done: true });
      expect(fromBuild).toEqual(fromModules);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
