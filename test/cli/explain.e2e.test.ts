import { describe, expect, it } from 'vitest';
import { CLASSIFIERS } from '../../src/classifiers/index.js';
import { wordsFor } from '../../src/render/words/classifiers.js';
import { runCli } from '../helpers.js';

describe('spark-triage explain (built bin)', () => {
  it('explains a code with its own words', () => {
    const e = runCli(['explain', 'oom-killed']);
    expect(e.status).toBe(0);
    expect(e.stdout.startsWith('oom-killed\n')).toBe(true);
    const w = wordsFor('oom-killed');
    for (const part of [w.title, w.detects, w.fix]) expect(e.stdout).toContain(part);
  });

  it('lists every code, one a line, in registry order', () => {
    const lines = runCli(['explain']).stdout.split('\n').filter(Boolean);
    expect(lines.map((l) => l.split(/\s+/)[0])).toEqual(CLASSIFIERS.map((c) => c.code));
    for (const c of CLASSIFIERS) expect(lines).toContain(`${c.code.padEnd(22)} ${wordsFor(c.code).title}`);
  });

  it('refuses an unknown code with one line that names it and the known ones, exit 2', () => {
    const u = runCli(['explain', 'oom']);
    expect(u.status).toBe(2);
    expect(u.stdout).toBe('');
    const lines = u.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(u.stderr).toContain('"oom"');
    for (const c of CLASSIFIERS) expect(u.stderr).toContain(c.code);
  });
});
