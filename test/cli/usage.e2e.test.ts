import { spawn, spawnSync } from 'node:child_process';
import { closeSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { BIN, fixture, FIXTURES, ROOT, runCli } from '../helpers.js';

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

describe('when the output cannot be written', () => {
  const out = (file: string, args: string[]): { status: number | null; stderr: string } => {
    const fd = openSync(file, 'w');
    try {
      const r = spawnSync(process.execPath, [BIN, ...args], { stdio: ['ignore', fd, 'pipe'], encoding: 'utf8' });
      return { status: r.status, stderr: r.stderr };
    } finally {
      closeSync(fd);
    }
  };

  it.skipIf(!existsSync('/dev/full'))('a full disk (ENOSPC) is one line and exit 2, for every command', () => {
    for (const args of [['diagnose', kill], ['inspect', kill], ['memory', '--from', kill], ['scan', path.dirname(kill)], ['explain']]) {
      const r = out('/dev/full', args);
      expect([args[0], r.status, r.stderr]).toEqual([
        args[0],
        2,
        'spark-triage: cannot write the output: ENOSPC: no space left on device, write\n',
      ]);
    }
  });

  it('a non-blocking pipe that fills (EAGAIN) loses nothing: the rest is queued, in order, and written when read', async () => {
    // The CLI writes to its file descriptors directly (src/cli.ts processIo). Here something made
    // process.stdout before it ran (a preloaded module), which makes the pipe non-blocking, and nobody
    // reads for a while: ~0.7 MB of JSON meets a full pipe.
    const args = ['diagnose', '--format', 'json', fixture('diagnose')];
    const expected = runCli(args);
    expect(expected.stdout.length).toBeGreaterThan(500_000);
    const child = spawn(process.execPath, ['--import', 'data:text/javascript,process.stdout', BIN, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NO_COLOR: '1', TZ: 'UTC' },
    });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.stdout.pause();
    await new Promise((r) => setTimeout(r, 1500));
    const chunks: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => chunks.push(c));
    child.stdout.resume();
    const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect([status, stderr]).toEqual([expected.status, expected.stderr]);
    expect(Buffer.concat(chunks).toString('utf8')).toBe(expected.stdout);
  });

  it('a bug (an exception nothing caught) is one escaped line and exit 70, never a stack trace', () => {
    // A preloaded module throws once the CLI has started, with log-like text in its message.
    const thrower = `data:text/javascript,setImmediate(() => { throw new Error('boom \\u001b[31mred\\nsecond line'); })`;
    const r = spawnSync(process.execPath, ['--import', thrower, BIN, 'diagnose', '--format', 'json', kill], {
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1' },
    });
    expect(r.status).toBe(70);
    expect(r.stderr).toBe('spark-triage: internal error: boom \\x1b[31mred (a bug in spark-triage: please report it)\n');
  });

  it('no build, or a damaged one: one line and exit 70 from the bin itself, never a stack trace', () => {
    // The bin alone, as after a clone without `npm ci`; then with a bundle that throws as it starts.
    const dir = mkdtempSync(path.join(tmpdir(), 'spark-triage-bin-'));
    try {
      mkdirSync(path.join(dir, 'bin'));
      copyFileSync(BIN, path.join(dir, 'bin', path.basename(BIN)));
      const run = (): [number | null, string] => {
        const r = spawnSync(process.execPath, [path.join(dir, 'bin', path.basename(BIN)), '--help'], { encoding: 'utf8' });
        return [r.status, r.stderr];
      };
      expect(run()).toEqual([70, `spark-triage: not built: run \`npm run build\` in ${dir}\n`]);
      mkdirSync(path.join(dir, 'dist'));
      copyFileSync(path.join(ROOT, 'dist', 'load.cjs'), path.join(dir, 'dist', 'load.cjs'));
      writeFileSync(
        path.join(dir, 'dist', 'spark-triage.cjs'),
        '(function (exports, require, module, __filename, __dirname) { throw new Error("boom \\u001b[31mred\\nsecond line") \n})',
      );
      expect(run()).toEqual([70, 'spark-triage: internal error: boom \\x1b[31mred (a bug in spark-triage: please report it)\n']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a reader that stops reading (| head) ends it quietly: exit 0, nothing on stderr', async () => {
    // Far more than a pipe holds (64 KiB), so writes go on after the reader is gone.
    const child = spawn(process.execPath, [BIN, 'scan', '--jobs', '1', '--format', 'jsonl', FIXTURES], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.stdout.once('data', () => child.stdout.destroy());
    const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect([status, stderr]).toEqual([0, '']);
  });
});
