import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLASSIFIERS } from '../../src/classifiers/index.js';
import { literalsOf, mayMatch } from '../../src/classifiers/literals.js';
import { FIXTURES, hasShared, SNIPPETS } from '../helpers.js';

const strings = (re: RegExp): readonly string[] | null => literalsOf(re)?.strings ?? null;

describe('a pattern’s literal pre-filter (src/classifiers/literals.ts)', () => {
  it('takes, per alternative, the longest run of characters every match holds', () => {
    expect(strings(/java\.lang\.OutOfMemoryError: Java heap space/)).toEqual(['java.lang.OutOfMemoryError: Java heap space']);
    expect(strings(/Executor heartbeat timed out after (\d+) ms|with no recent heartbeats/)).toEqual([
      'Executor heartbeat timed out after ',
      'with no recent heartbeats',
    ]);
    // A group counts when each of its alternatives has a run; one made optional or repeated does not.
    expect(strings(/(?:exitCode|exit code)\s*\d+|was preempted/)).toEqual(['exitCode', 'exit code', 'was preempted']);
    expect(strings(/(?:abcdef)?xyz/)).toEqual(['xyz']);
    expect(strings(/(?<name>abcd|efgh)/)).toEqual(['abcd', 'efgh']);
  });

  it('never counts a character that a match may lack', () => {
    // Quantified characters, a lookaround, a class, multi-character escapes.
    expect(strings(/abcX?def/)).toEqual(['abc']);
    expect(strings(/abcdX*yz/)).toEqual(['abcd']);
    expect(strings(/abcdX+yz/)).toEqual(['abcd']);
    expect(strings(/abcdX{0,2}yz/)).toEqual(['abcd']);
    expect(strings(/abcd(?=efghij)/)).toEqual(['abcd']);
    expect(strings(/abc(?!efghij)d/)).toEqual(['abc']);
    expect(strings(/ab[cd]efg/)).toEqual(['efg']);
    expect(strings(/\x41\x42\x43xy/)).toBeNull(); // "ABCxy": the escapes' hex digits are no characters of it
    expect(strings(/\u0041\u0042\u0043x/)).toBeNull();
    expect(strings(new RegExp('a\\012bcd'))).toEqual(['bcd']); // an octal escape (a line feed), not "12"
    expect(strings(/(abcd)\1xyz/)).toEqual(['abcd']);
    expect(strings(/\cJabcd/)).toEqual(['abcd']);
    expect(strings(new RegExp('\\k<x>abcd'))).toEqual(['abcd']);
    expect(strings(/SQLSTATE: 82003\b/)).toEqual(['SQLSTATE: 82003']);
    expect(strings(/a\.b\(c\)d/)).toEqual(['a.b(c)d']);
    expect(strings(/line\none/)).toEqual(['line\none']);
  });

  it('gives no filter when an alternative has no long enough run, or the pattern folds case by Unicode', () => {
    expect(strings(/abcd|\d+/)).toBeNull();
    expect(strings(/ab|abcd/)).toBeNull();
    expect(strings(/[a-z]+/)).toBeNull();
    expect(strings(/(?:ab|cd)x/)).toBeNull();
    expect(strings(/abcd/u)).toBeNull();
    expect(strings(/abcé/i)).toBeNull();
  });

  it('compares a pattern that ignores case lower-cased', () => {
    expect(literalsOf(/Was Preempted/i)).toEqual({ strings: ['was preempted'], ignoreCase: true });
    const lower = (t: string) => () => t.toLowerCase();
    expect(mayMatch(/Was Preempted/i, 'it WAS PREEMPTED', lower('it WAS PREEMPTED'))).toBe(true);
    expect(mayMatch(/Was Preempted/i, 'it was kept', lower('it was kept'))).toBe(false);
    expect(mayMatch(/Was Preempted/, 'it was preempted', lower('it was preempted'))).toBe(false);
    expect(mayMatch(/\d+ GB/, '1 GB', lower('1 GB'))).toBe(true); // no filter: always run
  });

  /** Text files under `dir` (fixtures and snippets): what the classifiers' patterns are written for. */
  const texts = (dir: string): string[] =>
    readdirSync(dir, { recursive: true, encoding: 'utf8' })
      .map((f) => path.join(dir, f))
      .filter((f) => statSync(f).isFile())
      .map((f) => readFileSync(f).toString('utf8'))
      .filter((t) => !t.includes('\u0000'));

  const everyMatchHoldsALiteral = (corpus: string[]): number => {
    let matches = 0;
    for (const c of CLASSIFIERS)
      for (const re of c.triggers) {
        const f = literalsOf(re);
        if (f === null) continue;
        const all = new RegExp(re.source, re.flags.includes('g') ? re.flags : `${re.flags}g`);
        for (const text of corpus)
          for (const m of text.matchAll(all)) {
            matches++;
            const s = f.ignoreCase ? m[0].toLowerCase() : m[0];
            expect(
              f.strings.some((l) => s.includes(l)),
              `${String(re)} matched ${JSON.stringify(m[0])}`,
            ).toBe(true);
          }
      }
    return matches;
  };

  it('holds every match of every classifier trigger in the fixtures', () => {
    expect(everyMatchHoldsALiteral(texts(FIXTURES))).toBeGreaterThan(500);
  });

  it.skipIf(!hasShared)('holds every match of every classifier trigger in the real snippets', () => {
    expect(everyMatchHoldsALiteral(texts(SNIPPETS))).toBeGreaterThan(20);
  });

  it('filters most triggers: a pattern left without one is run on every text', () => {
    const triggers = CLASSIFIERS.flatMap((c) => c.triggers);
    const without = triggers.filter((re) => literalsOf(re) === null).map(String);
    expect(without).toEqual([]);
  });
});
