import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundled } from '../dist/load.cjs';
import { BIN, EVENTLOGS, FIXTURES, hasShared, ROOT } from './helpers.js';

const BUNDLE = path.join(ROOT, 'dist', 'spark-triage.cjs');
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
    const loaded = (args: string[]): string[] => {
      const probe = `const { load } = await import(${JSON.stringify(path.join(ROOT, 'dist', 'load.cjs'))});
        const { main } = await load('cli');
        process.on('exit', () => { const list = process.moduleLoadList.join(','); process.stderr.write('\\nLOADED ' + list); });
        process.exitCode = await main(['node', 'spark-triage', ...${JSON.stringify(args)}]);`;
      const r = spawnSync(process.execPath, ['--input-type=module', '-e', probe], {
        encoding: 'utf8',
        env: { ...process.env, NO_COLOR: '1' },
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
