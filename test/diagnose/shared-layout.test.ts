import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Diagnosis } from '../../src/diagnose/index.js';
import { renderDiagnosisMarkdown } from '../../src/render/diagnose-markdown.js';
import { renderDiagnosisText } from '../../src/render/diagnose-text.js';
import { jsonText } from '../../src/render/escape.js';
import { diagnosisSection } from '../../src/render/html/diagnosis.js';
import { makeStyle } from '../../src/render/style.js';
import { diagnosisJson } from '../../src/render/json.js';
import { diagnosePath, fixture } from '../helpers.js';

/** The diagnosis as every renderer draws it. */
const drawn = (d: Diagnosis): string[] => [
  jsonText(diagnosisJson(d)),
  renderDiagnosisText(d, makeStyle(false)),
  renderDiagnosisMarkdown(d),
  diagnosisSection(d, 'app', null),
];

/** Freezes `v` and everything it holds: a write to it then throws (modules are strict). */
function deepFreeze(v: unknown, seen = new Set<unknown>()): void {
  if (v === null || typeof v !== 'object' || seen.has(v)) return;
  seen.add(v);
  for (const x of Object.values(v)) deepFreeze(x, seen);
  Object.freeze(v);
}

// A layout is shared by every application whose settings make it (src/memory/model.ts): nothing
// that diagnoses, plans or renders (JSON, text, Markdown, HTML) may change it. Frozen, the next
// diagnosis that gets it must be the same, with no classifier failing on a write.
describe('a layout shared between applications is never changed (every diagnose fixture)', () => {
  const cases = readdirSync(fixture('diagnose'), { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .flatMap((d) =>
      readdirSync(fixture('diagnose', d.name))
        .filter((c) => !c.endsWith('.json') && !c.endsWith('.md'))
        .map((c): [string, string] => [d.name, c]),
    );
  it('finds the fixtures', () => expect(cases.length).toBeGreaterThan(50));
  for (const [kind, name] of cases) {
    it(`${kind}/${name}`, async () => {
      const first = await diagnosePath(fixture('diagnose', kind, name));
      const text = drawn(first);
      deepFreeze(first.layout);
      deepFreeze(first.memory);
      const again = await diagnosePath(fixture('diagnose', kind, name));
      if (first.layout !== null) expect(again.layout).toBe(first.layout);
      expect(again.problems.filter((p) => p.code === 'classifier-failed')).toEqual([]);
      expect(drawn(again)).toEqual(text);
    });
  }
});
