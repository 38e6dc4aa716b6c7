import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MAX_LINE_BYTES } from '../../src/eventlog/lines.js';
import { MAX_JSON_DEPTH, MAX_JSON_VALUES, SHAPE_CHECK_BYTES, shapeExcess } from '../../src/eventlog/shape.js';
import { readAll, type InputRead } from '../../src/input/read.js';
import { fixture, RSS_LIMIT_MIB, runCliMeasured } from '../helpers.js';

const tmp = mkdtempSync(path.join(tmpdir(), 'spark-triage-shape-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const b = (s: string): Buffer => Buffer.from(s);

describe('shapeExcess', () => {
  it('counts nesting and values, not brackets, braces or commas inside strings', () => {
    expect(shapeExcess(b('[[[1]]]'), 3)).toBeNull();
    expect(shapeExcess(b('[[[[1]]]]'), 3)).toEqual({ limit: 'depth', at: 4 });
    expect(shapeExcess(b('{"a":"[[[[{{{{"}'), 1)).toBeNull();
    expect(shapeExcess(b('[1,2,3]'), 10, 3)).toBeNull(); // the array and two commas
    expect(shapeExcess(b('[1,2,3,4]'), 10, 3)).toEqual({ limit: 'values', at: 4 });
    expect(shapeExcess(b('["a,b,c,d,e"]'), 10, 1)).toBeNull();
  });

  it('knows an escaped quote from a closing one, however many backslashes come before it', () => {
    // "\"[[" is a string; "\\" ends at its second quote, so the [[ after it count.
    expect(shapeExcess(b(String.raw`["\"[[[["]`), 1)).toBeNull();
    expect(shapeExcess(b(String.raw`["\\",[[]]]`), 2)).toEqual({ limit: 'depth', at: 3 });
    expect(shapeExcess(b(String.raw`["\\\"[[[["]`), 1)).toBeNull();
  });

  it('an unterminated string ends the look (malformed JSON is for JSON.parse to refuse)', () => {
    expect(shapeExcess(b('["abc'), 1)).toBeNull();
  });

  it('is cut off at the limits themselves', () => {
    expect(shapeExcess(b('['.repeat(MAX_JSON_DEPTH) + ']'.repeat(MAX_JSON_DEPTH)))).toBeNull();
    expect(shapeExcess(b('['.repeat(MAX_JSON_DEPTH + 1) + ']'.repeat(MAX_JSON_DEPTH + 1)))).toEqual({
      limit: 'depth',
      at: MAX_JSON_DEPTH + 1,
    });
    expect(shapeExcess(b(`[${'1,'.repeat(MAX_JSON_VALUES - 1)}1]`))).toBeNull(); // the array and its commas
    expect(shapeExcess(b(`[${'1,'.repeat(MAX_JSON_VALUES)}1]`))).toEqual({ limit: 'values', at: MAX_JSON_VALUES + 1 });
  });
});

/** An event log with one hostile line of `body` (JSON) after the first event. */
function logWith(name: string, body: string): string {
  const lines = readFileSync(fixture('diagnose', 'execution-memory', 'spark35-error-class'), 'utf8')
    .trimEnd()
    .split('\n');
  const file = path.join(tmp, name);
  writeFileSync(file, [lines[0], `{"Event":"org.example.Hostile","x":${body}}`, ...lines.slice(1)].join('\n') + '\n');
  return file;
}

/** Room for the hostile value in a line just under MAX_LINE_BYTES, and the nesting that fills it. */
const LINE = MAX_LINE_BYTES - 64;
const DEEP = LINE >> 1;

describe('hostile lines within the line-length limit', () => {
  const cases: [string, string, 'depth' | 'values'][] = [
    ['nested arrays, 16 M deep', `${'['.repeat(DEEP)}${']'.repeat(DEEP)}`, 'depth'],
    ['11 M empty objects', `[${'{},'.repeat(Math.floor(LINE / 3))}{}]`, 'values'],
  ];
  for (const [what, body, limit] of cases) {
    it(`${what} (~32 MiB): skipped unparsed, named, counted; the events around it read`, async () => {
      const file = logWith(`${limit}.json`, body);
      const reads: InputRead[] = [];
      for await (const x of readAll([file])) reads.push(x);
      const app = reads[0]!.apps[0]!;
      expect(app.stats.longLines).toBe(1);
      const bytes = Buffer.byteLength(`{"Event":"org.example.Hostile","x":${body}}`);
      expect(bytes).toBeGreaterThan(SHAPE_CHECK_BYTES);
      expect(app.stats.diagnostics).toContainEqual({
        file,
        line: 2,
        code: 'line-too-complex',
        data: { bytes, limit, max: limit === 'depth' ? MAX_JSON_DEPTH : MAX_JSON_VALUES },
      });
      expect(app.stats.events).toBe(readFileSync(file, 'utf8').trimEnd().split('\n').length - 1);
      expect(app.state.appId).not.toBeNull();
    });
  }

  it('the deep line costs the CLI no more than any other case (it was 1.7 GiB and 8 s before it was measured first)', () => {
    const file = logWith('deep-cli.json', `${'['.repeat(DEEP)}${']'.repeat(DEEP)}`);
    const r = runCliMeasured(['inspect', '--format', 'json', file]);
    expect([r.code, r.stderr]).toEqual([0, '']);
    expect((JSON.parse(r.stdout) as { inputs: { longLines: number }[] }).inputs[0]!.longLines).toBe(1);
    expect(r.rssMiB).toBeLessThan(RSS_LIMIT_MIB);
  });
});
