import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fixture, ROOT } from '../helpers.js';

const PLAIN = fixture('diagnose', 'yarn-memory-exceeded', 'spark35-pyspark');

/**
 * Whether zod was evaluated by the time the CLI, started from the one-file build as the bin starts
 * it, exits after `args`. zod's core sets globalThis.__zod_globalConfig when it is evaluated,
 * whether it came bundled or from node_modules, so an `import 'zod'` put back in any module the CLI
 * loads makes this true.
 */
function zodLoaded(args: string[]): boolean {
  const probe = `const { load } = await import(${JSON.stringify(path.join(ROOT, 'dist', 'load.cjs'))});
    const { main } = await load('cli');
    process.exitCode = await main(['node', 'spark-triage', ...${JSON.stringify(args)}]);
    process.stderr.write('\\nZOD ' + ('__zod_globalConfig' in globalThis) + '\\n');`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', probe], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  expect(r.stdout).toContain('Spark'); // it diagnosed
  const line = r.stderr.split('\n').find((l) => l.startsWith('ZOD '));
  expect(line).toBeDefined();
  return line === 'ZOD true';
}

describe('zod is loaded only when a line needs it (src/eventlog/schemas.ts)', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'lazy-zod-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is not evaluated by the diagnosis of a log as Spark writes it', () => {
    expect(zodLoaded(['diagnose', PLAIN])).toBe(false);
    expect(zodLoaded(['diagnose', '--format', 'json', PLAIN])).toBe(false);
  });

  it('is evaluated, and names the issue, when a known event does not fit its schema', () => {
    // An executor id as a number: check.ts is not sure of it, zod decides (and the probe can see zod).
    const text = readFileSync(PLAIN, 'utf8').replace('"Executor ID":"2"', '"Executor ID":2');
    const log = path.join(dir, 'mismatch');
    writeFileSync(log, text);
    expect(zodLoaded(['diagnose', '--format', 'json', log])).toBe(true);
    // What zod named: the line and the field (inspect lists the input's diagnostics).
    const r = spawnSync(process.execPath, [path.join(ROOT, 'bin', 'spark-triage.cjs'), 'inspect', log], {
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1' },
    });
    expect(r.stdout).toContain(`${log}:5 SparkListenerExecutorAdded`);
    expect(r.stdout).toContain('(Executor ID: ');
  });
});
