import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLASSIFIERS } from '../../src/classifiers/index.js';
import { diagnoseApp } from '../../src/diagnose.js';
import { FindingSchema, VerdictSchema } from '../../src/findings.js';
import { readInput } from '../../src/read.js';
import { resolveInputs } from '../../src/sources/resolve.js';
import { fixture, ROOT } from '../helpers.js';

interface Expected {
  code: string | null;
  role?: string;
  region?: string;
  severity?: string;
  /** The verdict's code; defaults to `code` for failures. null: no verdict. */
  verdict?: string | null;
  absent?: string[];
}

const DIR = fixture('diagnose');
const diagnose = async (file: string) => {
  for await (const input of resolveInputs([file])) {
    const read = await readInput(input);
    expect(read.error).toBeUndefined();
    return diagnoseApp(read.apps[0]!);
  }
  throw new Error(`nothing read from ${file}`);
};

describe('each finding code on its fixtures (publint-style testFixture)', () => {
  for (const folder of readdirSync(DIR).sort()) {
    const expected = JSON.parse(readFileSync(path.join(DIR, folder, 'expect.json'), 'utf8')) as Record<string, Expected>;
    for (const [variant, exp] of Object.entries(expected)) {
      it(`${folder}/${variant}`, async () => {
        const d = await diagnose(path.join(DIR, folder, variant));
        for (const f of d.result.findings) FindingSchema.parse(f);
        if (exp.code === null) {
          expect(d.result.findings.filter((f) => f.severity !== 'info')).toEqual([]);
          expect(d.result.verdict).toBeNull();
          return;
        }
        const f = d.result.findings.find((x) => x.code === exp.code);
        expect(f, `finding ${exp.code}`).toBeDefined();
        expect({ role: f!.role, region: f!.region }).toEqual({ role: exp.role, region: exp.region });
        expect(f!.severity).toBe(exp.severity ?? 'critical');
        expect(f!.evidence.length).toBeGreaterThan(0);
        const verdict = exp.verdict === undefined ? exp.code : exp.verdict;
        if (verdict === null) expect(d.result.verdict).toBeNull();
        else {
          VerdictSchema.parse(d.result.verdict);
          expect(d.result.verdict).toMatchObject({ code: verdict, role: exp.role, region: exp.region });
        }
        for (const code of exp.absent ?? []) expect(d.result.findings.map((x) => x.code)).not.toContain(code);
        expect(d.problems).toEqual([]);
      });
    }
  }
});

describe('the registry (like ESLint’s checkRuleFiles)', () => {
  const helpers = new Set(['define.ts', 'index.ts', 'match.ts', 'remedy.ts', 'heap-fixes.ts', 'heap-region.ts', 'yarn-kill.ts']);
  const files = readdirSync(path.join(ROOT, 'src', 'classifiers')).filter((f) => f.endsWith('.ts') && !helpers.has(f));

  it('registers every classifier file, once, sorted by code, with its file named by its code', () => {
    expect(CLASSIFIERS.map((c) => `${c.code}.ts`)).toEqual([...files].sort());
    expect(CLASSIFIERS.map((c) => c.code)).toEqual(CLASSIFIERS.map((c) => c.code).sort());
  });

  it('gives every code a fixture folder whose expectations name it', () => {
    for (const c of CLASSIFIERS) {
      const exp = JSON.parse(readFileSync(path.join(DIR, c.code, 'expect.json'), 'utf8')) as Record<string, Expected>;
      expect(Object.values(exp).some((e) => e.code === c.code), c.code).toBe(true);
    }
  });

  it('documents every code for `explain`', () => {
    for (const c of CLASSIFIERS) {
      expect(c.meta.title.length, c.code).toBeGreaterThan(10);
      expect(c.meta.detects.length, c.code).toBeGreaterThan(20);
      expect(c.meta.fix.length, c.code).toBeGreaterThan(20);
    }
  });
});

describe('evidence', () => {
  it('cites the failure, then the stage and job it caused, each as file:line', async () => {
    const file = path.join(DIR, 'heap-oom', 'spark24-execution-sorter');
    const d = await diagnose(file);
    const ev = d.result.findings.find((f) => f.code === 'heap-oom')!.evidence;
    expect(ev.map((e) => e.source)).toEqual([`${file}:10`, `${file}:14`, `${file}:15`]);
    expect(ev[0]!.text).toBe('java.lang.OutOfMemoryError: Java heap space  [4 tasks; executors 1, 2; stage 0.0; at 22:13:33 UTC]');
    expect(ev[1]!.text).toMatch(/^caused stage 0\.0 to fail: Job aborted due to stage failure: Task 3 in stage 0\.0 failed 4 times/);
    expect(ev[2]!.text).toMatch(/^caused a job to fail: /);
  });
});

describe('remediation is computed from the numbers', () => {
  it('sizes the overhead from YARN\'s "X of Y physical memory used" with headroom, and warns off the heap', async () => {
    const d = await diagnose(path.join(DIR, 'yarn-memory-exceeded', 'spark35-pyspark'));
    const f = d.result.findings.find((x) => x.code === 'yarn-memory-exceeded')!;
    const byConf = Object.fromEntries(f.remediation.filter((r) => r.conf).map((r) => [r.conf, r]));
    // 8g heap, overhead max(0.10 × 8192, 384) = 819m; used 9.1 GB → 1.1 GiB outside the heap × 1.25 → 1.4 GiB → 1536m.
    expect(byConf['spark.executor.memoryOverhead']).toMatchObject({ current: '819m', suggested: '1536m' });
    expect(byConf['spark.executor.pyspark.memory']).toMatchObject({ current: null, suggested: '1g' });
    expect(byConf['spark.executor.memory']).toMatchObject({ current: '8g', suggested: null });
    expect(byConf['spark.executor.cores']).toMatchObject({ current: '4', suggested: '2' });
    expect(d.result.verdict!.summary).toBe('2 executors: YARN killed a container for exceeding its physical memory limit: the overhead (Python workers share it) overflowed, not the heap — high confidence');
  });

  it('raises maxResultSize above what was collected, and the driver heap with it', async () => {
    const d = await diagnose(path.join(DIR, 'max-result-size', 'spark24-MB'));
    const f = d.result.findings.find((x) => x.code === 'max-result-size')!;
    // 1048.5 MB × 1.5 → 2 GiB; driver needs 2 × 2 GiB + 1 GiB = 5 GiB.
    expect(f.remediation.find((r) => r.conf === 'spark.driver.maxResultSize')).toMatchObject({ current: '1g', suggested: '2g' });
    expect(f.remediation.find((r) => r.conf === 'spark.driver.memory')).toMatchObject({ current: '1g', suggested: '5g' });
  });

  it('sizes the Kryo buffer from "required"', async () => {
    const d = await diagnose(path.join(DIR, 'kryo-buffer-overflow', 'spark31'));
    expect(d.result.findings[0]!.remediation[0]).toMatchObject({ conf: 'spark.kryoserializer.buffer.max', current: '64m', suggested: '256m' });
    const d40 = await diagnose(path.join(DIR, 'kryo-buffer-overflow', 'spark40-error-class'));
    expect(d40.result.findings[0]!.remediation[0]).toMatchObject({ current: '256m', suggested: '576m' });
  });

  it('counts executors, not tasks, for container kills', async () => {
    const d = await diagnose(path.join(DIR, 'yarn-memory-exceeded', 'spark35-pyspark'));
    const f = d.result.findings[0]!;
    expect(f.occurrences).toBe(2);
    expect(f.executors).toEqual(['1', '4']);
  });
});
