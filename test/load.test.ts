import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path, { dirname } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundled } from '../src/load.js';
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

/**
 * bin/spark-triage.js run as a program, as npm's link runs it, traced (`sh -x`): stdout, and whether
 * it started node from the snapshot. `path` first on PATH.
 */
const runProgram = (args: string[], path: string | null = null): { status: number | null; stdout: string; fromSnapshot: boolean } => {
  const PATH = [path, dirname(process.execPath), process.env.PATH].filter((p) => p !== null).join(':');
  const r = spawnSync('sh', ['-x', BIN, ...args], {
    encoding: 'utf8',
    maxBuffer: 1 << 28,
    env: { ...process.env, NO_COLOR: '1', TZ: 'UTC', PATH },
  });
  const traced = r.stderr.split('\n').filter((l) => l.startsWith('+ exec '));
  expect(traced).toHaveLength(1);
  return { status: r.status, stdout: r.stdout, fromSnapshot: traced[0]!.includes('--snapshot-blob') };
};

describe('the one-file build (npm run build: esbuild.config.mjs, src/load.ts)', () => {
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

describe('the start-up snapshot (esbuild.config.mjs, bin/spark-triage.js)', () => {
  const inputs = files(path.join(FIXTURES, 'diagnose'));

  it('is what the program starts from, and diagnoses every diagnose fixture exactly as the modules tsc wrote', () => {
    expect(existsSync(path.join(ROOT, 'dist', 'spark-triage.blob'))).toBe(true);
    const fromSnapshot = runProgram(['diagnose', '--format', 'json', ...inputs]);
    expect(fromSnapshot.fromSnapshot).toBe(true);
    const fromModules = run(MODULES, ['diagnose', '--format', 'json', ...inputs]);
    expect(fromSnapshot.status).toBe(fromModules.status);
    expect(fromSnapshot.stdout).toBe(fromModules.stdout);
  });

  it("is passed over for a node other than the one that made it (Node refuses another version's snapshot)", () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'spark-triage-node-'));
    try {
      // Another file named node, first on PATH: the same Node, but nothing tells the shell so.
      writeFileSync(path.join(dir, 'node'), `#!/bin/sh\nexec '${process.execPath}' "$@"\n`);
      chmodSync(path.join(dir, 'node'), 0o755);
      const other = runProgram(['diagnose', '--format', 'json', inputs[0]!], dir);
      expect(other.fromSnapshot).toBe(false);
      const fromModules = run(MODULES, ['diagnose', '--format', 'json', inputs[0]!]);
      expect(other.status).toBe(fromModules.status);
      expect(other.stdout).toBe(fromModules.stdout);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.skipIf(!hasShared)("scans the real logs on two threads, its workers started from the snapshot's process, as the modules do", () => {
    const rows = (r: { status: number | null; stdout: string }): string[] => {
      expect(r.status).toBe(0);
      return r.stdout
        .split('\n')
        .filter((l) => l !== '')
        .sort();
    };
    const fromSnapshot = runProgram(['scan', '--format', 'jsonl', '--jobs', '2', EVENTLOGS]);
    expect(fromSnapshot.fromSnapshot).toBe(true);
    expect(rows(fromSnapshot)).toEqual(rows(run(MODULES, ['scan', '--format', 'jsonl', '--jobs', '2', EVENTLOGS])));
  });
});
