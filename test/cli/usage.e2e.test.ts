import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { fixture, ROOT, runCli } from '../helpers.js';

const ESC = '\u001b';
const kill = fixture('diagnose', 'yarn-memory-exceeded', 'spark35-pyspark');
const COMMANDS = ['inspect', 'memory', 'diagnose', 'scan', 'explain'];

describe('spark-triage usage (built bin)', () => {
  it('prints the help as bad usage (exit 2, on stderr) when no command is given', () => {
    const r = runCli([]);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^Usage: spark-triage /);
    for (const c of COMMANDS) expect(r.stderr).toContain(`  ${c} `);
  });

  it('answers --help and --version with exit 0', () => {
    const help = runCli(['--help']);
    expect(help.status).toBe(0);
    for (const c of COMMANDS) expect(help.stdout).toContain(`  ${c} `);
    const { version } = z
      .object({ version: z.string() })
      .parse(JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as unknown);
    const v = runCli(['--version']);
    expect(v.status).toBe(0);
    expect(v.stdout.trim()).toBe(version);
  });

  it('takes --no-color on every command, and it wins over FORCE_COLOR', () => {
    const forced = { NO_COLOR: undefined, FORCE_COLOR: '1' };
    const runs: Array<[string, string[], number]> = [
      ['inspect', [kill], 0],
      ['memory', ['--master', 'yarn'], 0],
      ['diagnose', [kill], 1],
      ['scan', [fixture('diagnose', 'yarn-memory-exceeded')], 0],
      ['explain', ['heap-oom'], 0],
    ];
    for (const [command, args, status] of runs) {
      const r = runCli([command, '--no-color', ...args], { env: forced });
      expect([command, r.status, r.stderr]).toEqual([command, status, '']);
      expect(r.stdout.includes(ESC), command).toBe(false);
    }
    // Without it, FORCE_COLOR colours: the flag is what turned it off.
    expect(runCli(['diagnose', kill], { env: forced }).stdout).toContain(ESC);
    // NO_COLOR is honoured too (runCli sets it).
    expect(runCli(['diagnose', kill], { env: { FORCE_COLOR: undefined } }).stdout).not.toContain(ESC);
  });
});
