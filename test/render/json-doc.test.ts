import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonText } from '../../src/render/escape.js';
import { JsonDocWriter } from '../../src/render/json-doc.js';

describe('JsonDocWriter', () => {
  it('writes what jsonText(doc, 2) writes, for any members and array items', () => {
    const value = fc.jsonValue({ maxDepth: 3 });
    fc.assert(
      fc.property(
        // Names that are not array indices: an object would list those first, whatever the order written.
        fc.array(
          fc.tuple(
            fc.string().map((n) => `k${n}`),
            fc.oneof(value, fc.array(value, { maxLength: 4 })),
            fc.boolean(),
          ),
          { maxLength: 5 },
        ),
        (members) => {
          // Distinct names: an object keeps the last of equal ones, the writer writes both.
          const seen = new Set<string>();
          const unique = members.filter(([name]) => !seen.has(name) && seen.add(name));
          let out = '';
          const w = new JsonDocWriter((s) => (out += s));
          const doc: Record<string, unknown> = {};
          for (const [name, v, streamed] of unique) {
            if (streamed && Array.isArray(v)) {
              w.openArray(name);
              for (const x of v) w.item(x);
              w.closeArray();
            } else w.member(name, v);
            Object.defineProperty(doc, name, { value: v, enumerable: true });
          }
          w.end();
          expect(out).toBe(`${jsonText(doc, 2)}\n`);
        },
      ),
      { seed: 20261129, numRuns: 500 },
    );
  });
});
