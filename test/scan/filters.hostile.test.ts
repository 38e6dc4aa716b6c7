import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { inputErrorText } from '../../src/render/words/input-errors.js';
import { compileGlob } from '../../src/scan/filters.js';
import { fixture, ROOT } from '../helpers.js';

const tmp = mkdtempSync(path.join(tmpdir(), 'spark-triage-hostile-glob-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const BIN = path.join(ROOT, 'bin', 'spark-triage.cjs');

describe('compileGlob', () => {
  const cases: [string, string, boolean][] = [
    ['etl-*', 'etl-daily', true],
    ['etl-*', 'xetl-daily', false],
    ['*-daily', 'etl-daily', true],
    ['etl-?', 'etl-1', true],
    ['etl-?', 'etl-12', false],
    ['job[0-9]', 'job7', true],
    ['job[0-9]', 'jobx', false],
    ['job[!0-9]', 'jobx', true],
    ['job[^0-9]', 'job7', false],
    ['a[]]b', 'a]b', true],
    ['a[b', 'a[b', true], // never closed: a plain [
    ['a\\b', 'a\\b', true], // backslash is itself
    ['a.b', 'axb', false], // dots are dots
    ['?', '🚀', true], // one character, not one UTF-16 unit
    ['*', '', true],
    ['a*b*c', 'aXbYc', true],
    ['a*b*c', 'aXbYcZ', false],
  ];
  for (const [glob, name, want] of cases)
    it(`${glob} ${want ? 'matches' : 'does not match'} ${name}`, () => expect(compileGlob(glob).test(name)).toBe(want));

  it('a reversed range is a coded usage error naming where, not "Invalid regular expression"', () => {
    let err: unknown;
    try {
      compileGlob('app-[z-a]');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).problem).toEqual({ code: 'bad-glob', data: { glob: 'app-[z-a]', at: 5, reason: 'reversed-range' } });
    expect(inputErrorText((err as InputError).problem)).toBe(
      '--app-name app-[z-a]: the range at character 6 runs backwards (write [a-z], not [z-a])',
    );
  });

  it('matches an 8 MB name against *N*N*N*x without backtracking', () => {
    const name = 'N'.repeat(8 << 20);
    expect(compileGlob('*N*N*N*x').test(name)).toBe(false);
    expect(compileGlob('*N*N*N*N').test(name)).toBe(true);
  });

  it('agrees with an anchored regular expression on random globs and names', () => {
    const toRegExp = (g: string): RegExp =>
      new RegExp(
        `^${[...g].map((c) => (c === '*' ? '[\\s\\S]*' : c === '?' ? '[\\s\\S]' : c.replace(/[.+^${}()|\\[\]\\]/g, '\\$&'))).join('')}$`,
        'u',
      );
    fc.assert(
      fc.property(fc.stringMatching(/^[ab*?]{0,8}$/), fc.stringMatching(/^[ab]{0,10}$/), (glob, name) => {
        expect(compileGlob(glob).test(name)).toBe(toRegExp(glob).test(name));
      }),
      { seed: 12, numRuns: 2000 },
    );
  });
});

describe('scan --app-name through the CLI', () => {
  const dir = path.join(tmp, 'logs');
  const setup = (): void => {
    rmSync(dir, { recursive: true, force: true });
    spawnSync('mkdir', ['-p', dir]);
    const lines = readFileSync(fixture('codecs', 'source.jsonl'), 'utf8').split('\n');
    lines[1] = lines[1]!.replace('"App Name":"codec-fixture"', `"App Name":"${'N'.repeat(8 << 20)}"`);
    writeFileSync(path.join(dir, 'app.jsonl'), lines.join('\n'));
  };

  it('[z-a] is one line, exit 2, no "internal error"', () => {
    setup();
    const r = spawnSync(process.execPath, [BIN, 'scan', '--app-name', '[z-a]', dir], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([
      'spark-triage: --app-name [z-a]: the range at character 2 runs backwards (write [a-z], not [z-a])',
    ]);
  });

  it('*N*N*N*x against an 8 MB application name', () => {
    setup();
    const r = spawnSync(process.execPath, [BIN, 'scan', '--format', 'jsonl', '--app-name', '*N*N*N*x', dir], {
      encoding: 'utf8',
      maxBuffer: 1 << 26,
    });
    expect(r.status).toBe(0);
    expect(r.stdout.split('\n').filter((l) => l.includes('"appName"'))).toEqual([]);
    const all = spawnSync(process.execPath, [BIN, 'scan', '--format', 'jsonl', '--app-name', '*N*N*N*N', dir], {
      encoding: 'utf8',
      maxBuffer: 1 << 26,
    });
    expect(all.stdout.split('\n').filter((l) => l.includes('"appName"'))).toHaveLength(1);
  });
});
