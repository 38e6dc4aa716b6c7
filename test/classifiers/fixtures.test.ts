import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { CLASSIFIERS } from '../../src/classifiers/index.js';
import { diagnosisJson } from '../../src/render/json.js';
import { CLASSIFIER_WORDS, wordsFor } from '../../src/render/words/classifiers.js';
import { evidenceText } from '../../src/render/words/evidence.js';
import { DiagnosisSchema } from '../contract.js';
import { diagnosePath, evidenceOf, findingOf, fixture, ROOT } from '../helpers.js';

/** fixtures/diagnose/<code>/expect.json, written by test/classifiers/gen/make-fixtures.mjs. */
const ExpectedSchema = z
  .object({
    /** The code the variant was written for; null for a trap (nothing may fire). */
    code: z.string().nullable(),
    role: z.enum(['executor', 'driver']).optional(),
    region: z.string().optional(),
    severity: z.enum(['critical', 'warning', 'info']).optional(),
    /** The verdict's code; defaults to `code` for failures. null: no verdict. */
    verdict: z.string().nullable().optional(),
    /** For a failed application with no memory cause: the code of what failed (Diagnosis.failure). */
    failure: z.string().nullable().optional(),
    absent: z.array(z.string()).optional(),
    /** The exact set of finding codes the variant produces, severity info included. */
    codes: z.array(z.string()),
    /** The codes of the diagnosis' problems (default none): a heap Spark itself refuses has no layout. */
    problems: z.array(z.string()).optional(),
  })
  .strict();
type Expected = z.infer<typeof ExpectedSchema>;

const DIR = fixture('diagnose');
const expectations = (folder: string): Record<string, Expected> =>
  z.record(z.string(), ExpectedSchema).parse(JSON.parse(readFileSync(path.join(DIR, folder, 'expect.json'), 'utf8')) as unknown);

const sortedSet = (xs: Iterable<string>): string[] => [...new Set(xs)].sort();

describe('each finding code on its fixtures (publint-style testFixture)', () => {
  for (const folder of readdirSync(DIR).sort()) {
    for (const [variant, exp] of Object.entries(expectations(folder))) {
      it(`${folder}/${variant}`, async () => {
        const d = await diagnosePath(path.join(DIR, folder, variant));
        DiagnosisSchema.parse(JSON.parse(JSON.stringify(diagnosisJson(d))) as unknown);
        expect(sortedSet(d.findings.map((f) => f.code)), 'the exact set of codes (expect.json "codes")').toEqual(sortedSet(exp.codes));
        expect(d.problems.map((p) => p.code)).toEqual(exp.problems ?? []);
        for (const code of exp.absent ?? []) expect(d.findings.map((x) => x.code)).not.toContain(code);
        if (exp.code === null) {
          expect(d.findings.filter((f) => f.severity !== 'info')).toEqual([]);
          expect(d.verdict).toBeNull();
          return;
        }
        const f = findingOf(d, exp.code);
        expect({ role: f.role, region: f.region, severity: f.severity }).toEqual({
          role: exp.role,
          region: exp.region,
          severity: exp.severity ?? 'critical',
        });
        expect(f.evidence.length).toBeGreaterThan(0);
        const verdict = exp.verdict === undefined ? exp.code : exp.verdict;
        if (verdict === null) expect(d.verdict).toBeNull();
        else if (verdict === exp.code) expect(d.verdict).toMatchObject({ code: verdict, role: exp.role, region: exp.region });
        else expect(d.verdict?.code).toBe(verdict);
        if (exp.failure !== undefined) expect(d.failure?.code ?? null).toBe(exp.failure);
      });
    }
  }
});

describe('the registry (like ESLint’s checkRuleFiles)', () => {
  const helpers = new Set([
    'define.ts',
    'evidence.ts',
    'exit-codes.ts',
    'heap-fixes.ts',
    'heap-region.ts',
    'holders.ts',
    'index.ts',
    'literals.ts',
    'match.ts',
    'policy.ts',
    'remedies.ts',
    'remedy.ts',
    'triggers.ts',
    'yarn-kill.ts',
  ]);
  const files = readdirSync(path.join(ROOT, 'src', 'classifiers')).filter((f) => f.endsWith('.ts') && !helpers.has(f));

  it('registers every classifier file, once, sorted by code, with its file named by its code', () => {
    expect(CLASSIFIERS.map((c) => `${c.code}.ts`)).toEqual([...files].sort());
    expect(CLASSIFIERS.map((c) => c.code)).toEqual(CLASSIFIERS.map((c) => c.code).sort());
  });

  it('gives every code a fixture folder whose expectations name it', () => {
    for (const c of CLASSIFIERS) {
      const exp = expectations(c.code);
      expect(
        Object.values(exp).some((e) => e.code === c.code && e.codes.includes(c.code)),
        c.code,
      ).toBe(true);
    }
  });

  it('gives every code its words for `explain` and the verdict, and no words to a code that does not exist', () => {
    expect(Object.keys(CLASSIFIER_WORDS).sort()).toEqual(CLASSIFIERS.map((c) => c.code));
    for (const c of CLASSIFIERS) {
      const w = wordsFor(c.code);
      expect(w.title.length, c.code).toBeGreaterThan(10);
      expect(w.detects.length, c.code).toBeGreaterThan(20);
      expect(w.fix.length, c.code).toBeGreaterThan(20);
    }
  });
});

describe('evidence', () => {
  it('cites the failure, then the stage and job it caused, each at its file and line', async () => {
    const file = path.join(DIR, 'heap-oom', 'spark24-execution-sorter');
    const d = await diagnosePath(file);
    const ev = findingOf(d, 'heap-oom').evidence;
    expect(ev.map((e) => e.messageId)).toEqual(['matched', 'caused-stage-failure', 'caused-job-failure']);
    expect(ev.map((e) => e.at)).toEqual([10, 14, 15].map((line) => ({ file, line })));
    // 4 failed tasks on executors 1 and 2 in stage 0.0, first and last at 22:13:33 UTC.
    expect(evidenceOf(ev, 'matched').data).toEqual({
      text: 'java.lang.OutOfMemoryError: Java heap space',
      source: 'task-exception',
      count: 4,
      executors: ['1', '2'],
      stages: ['0.0'],
      firstTime: 1700000013200,
      lastTime: 1700000013230,
    });
    const stage = evidenceOf(ev, 'caused-stage-failure').data;
    expect(stage.stages).toEqual(['0.0']);
    expect(stage.text).toMatch(/^Job aborted due to stage failure: Task 3 in stage 0\.0 failed 4 times/);
    expect(evidenceOf(ev, 'caused-job-failure').data.jobs).toBe(1);
  });
});

describe('exit codes', () => {
  it('decodes 52 and 137 behind YARN 3.x’s "Container from a bad node", saying the words are not evidence of a bad node', async () => {
    for (const [code, variant, exit] of [
      ['jvm-oom-exit', 'spark40-yarn-bad-node', 52],
      ['exit-137', 'spark35-yarn-bad-node', 137],
    ] as const) {
      const f = findingOf(await diagnosePath(path.join(DIR, code, variant)), code);
      const decoded = evidenceOf(f.evidence, 'exit-decoded');
      expect(decoded.data).toMatchObject({ code: exit, badNode: true });
      expect(evidenceText(decoded)).toMatch(/not evidence of a bad node/);
    }
  });

  const tmp = mkdtempSync(path.join(tmpdir(), 'st-exits-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('decodes the code any rule’s texts state: YARN’s -104 and -103, a pod’s 137, standalone’s 143', async () => {
    const cases = [
      [
        'yarn-memory-exceeded',
        'Container marked as failed: container_e18_1700000000000_0042_01_000003 on host: node-3. Exit status: -104. Diagnostics: Container killed on request.',
        { code: -104, cause: 'yarn-pmem', memory: 'yes' },
      ],
      [
        'yarn-vmem-exceeded',
        'Container marked as failed: container_1467148440412_0020_02_000002 on host: node-2. Exit status: -103. Diagnostics: Container killed on request.',
        { code: -103, cause: 'yarn-vmem', memory: 'yes' },
      ],
      [
        'oom-killed',
        'pod spark-exec-3 container spark-kubernetes-executor last state: terminated, exit code: 137, termination reason: OOMKilled',
        { code: 137, cause: 'sigkill', memory: 'maybe' },
      ],
      [
        'executor-exit',
        'Executor app-20240301100000-0001/3 removed: Command exited with code 143',
        { code: 143, cause: 'sigterm', memory: 'no' },
      ],
    ] as const;
    for (const [code, line, exit] of cases) {
      const file = path.join(tmp, `${code}.log`);
      writeFileSync(file, `24/03/01 10:00:00 ERROR TaskSetManager: ${line}\n`);
      const f = findingOf(await diagnosePath(file), code);
      const decoded = f.evidence.filter((e) => e.messageId === 'exit-decoded');
      expect(
        decoded.map((e) => e.data),
        code,
      ).toEqual([expect.objectContaining(exit)]);
      expect(decoded[0]!.at).toEqual({ file, line: 1 });
    }
  });
});

describe('teardown is not a failure', () => {
  it('executors a standalone worker stops (exit 143) after the last job ended fail no job', async () => {
    // Real Spark 3.3.3 on local-cluster: job 1 fails of execution memory at 10:54:57.114; at 10:54:58
    // the worker stops executor 0 with SIGTERM as the application ends.
    const d = await diagnosePath(fixture('real-spark', '3.3.3', 'execution-memory'));
    expect(d.verdict?.code).toBe('execution-memory');
    expect(d.findings.map((f) => f.code)).not.toContain('executor-exit');
  });
});

describe('remediation is computed from the numbers', () => {
  it('keeps the heap of a container kill whose overhead sits at its minimum: a bigger heap adds nothing outside it', async () => {
    // Real Spark 3.5.6 on a MiniYARNCluster: 512m heap, overhead max(0.10 × 512, 384) = 384 MiB, the minimum,
    // until the heap passes 384 / 0.10 = 3,840 MiB (v1 said "a bigger heap adds 75% of its increase outside it").
    const d = await diagnosePath(fixture('real-spark', '3.5.6', 'yarn-pmem-cluster'));
    const keep = findingOf(d, 'yarn-memory-exceeded').remediation.find((r) => r.messageId === 'keep-heap-container-kill');
    expect(keep?.data).toEqual({ factor: 0.1, minimum: 384 * 2 ** 20, until: 3840 * 2 ** 20 });
  });

  const byConf = <R extends { conf: string | null }>(rs: R[]): Record<string, R> =>
    Object.fromEntries(rs.filter((r) => r.conf !== null).map((r) => [r.conf, r]));

  it('sizes the overhead from YARN\'s "X of Y physical memory used" with headroom, and warns off the heap', async () => {
    const d = await diagnosePath(path.join(DIR, 'yarn-memory-exceeded', 'spark35-pyspark'));
    const f = findingOf(d, 'yarn-memory-exceeded');
    const fixes = byConf(f.remediation);
    // 8g heap, overhead max(0.10 × 8192, 384) = 819m; used 9.1 GB → 1.1 GiB outside the heap × 1.25 → 1.4 GiB → 1536m.
    expect(fixes['spark.executor.memoryOverhead']).toMatchObject({ current: '819m', suggested: '1536m', messageId: 'raise-overhead' });
    expect(fixes['spark.executor.memory']).toMatchObject({
      current: null,
      suggested: null,
      messageId: 'keep-heap-container-kill',
      data: { factor: 0.1, minimum: null, until: null },
    });
    expect(Object.keys(fixes).sort()).toEqual(['spark.executor.memory', 'spark.executor.memoryOverhead']);
    // One plan: the overhead alone, with the container and cluster before and after.
    expect(d.plan).toMatchObject({ conf: { 'spark.executor.memoryOverhead': '1536m' }, holds: true, executors: 4 });
    expect(d.plan?.executor?.containerAfter).toBe((8192 + 1536) * 2 ** 20);
    // The Python workers' own memory is an alternative, complete on its own and dearer (+1 GiB a container).
    const py = d.alternatives.find((a) => a.conf['spark.executor.pyspark.memory'] !== undefined);
    expect(py?.conf).toEqual({ 'spark.executor.pyspark.memory': '1g' });
    expect(py!.executor!.containerAfter).toBeGreaterThan(d.plan!.executor!.containerAfter);
    // The verdict names Python workers (d.python) as sharing the overhead.
    expect(d.verdict).toEqual({ code: 'yarn-memory-exceeded', role: 'executor', region: 'overhead', confidence: 'high' });
    expect(d.python).toBe(true);
  });

  it('raises maxResultSize above what was collected, and the driver heap with it', async () => {
    const d = await diagnosePath(path.join(DIR, 'max-result-size', 'spark24-MB'));
    const f = findingOf(d, 'max-result-size');
    const fixes = byConf(f.remediation);
    // 1048.5 MB × 1.5 → 2 GiB; driver needs 2 × 2 GiB + 1 GiB = 5 GiB.
    expect(fixes['spark.driver.maxResultSize']).toMatchObject({
      current: '1g',
      suggested: '2g',
      messageId: 'max-result-size',
      data: { seen: 1099431936 },
    });
    expect(fixes['spark.driver.memory']).toMatchObject({ current: '1g', suggested: '5g' });
  });

  it('sizes the Kryo buffer from "required"', async () => {
    const kryo = async (variant: string) => {
      const d = await diagnosePath(path.join(DIR, 'kryo-buffer-overflow', variant));
      return byConf(findingOf(d, 'kryo-buffer-overflow').remediation)['spark.kryoserializer.buffer.max'];
    };
    // The buffer full at its maximum (64m, the default) plus the write that did not fit (128 MiB) = 192 MiB,
    // × 1.25 headroom = 240 MiB, in 64 MiB steps: 256m (more than doubling the 64m).
    expect(await kryo('spark31')).toMatchObject({
      current: '64m',
      suggested: '256m',
      messageId: 'kryo-buffer',
      data: { required: 134217728, buffer: 64 * 2 ** 20, bufferFrom: 'default', capped: false },
    });
    // 256m set in the log + 300,000,000 B = 542.1 MiB × 1.25 = 677.7 MiB → 704m.
    expect(await kryo('spark40-error-class')).toMatchObject({
      current: '256m',
      suggested: '704m',
      data: { required: 300000000, buffer: 256 * 2 ** 20, bufferFrom: 'configuration' },
    });
  });

  it('counts executors, not tasks, for container kills', async () => {
    const d = await diagnosePath(path.join(DIR, 'yarn-memory-exceeded', 'spark35-pyspark'));
    const f = findingOf(d, 'yarn-memory-exceeded');
    expect(f.occurrences).toBe(2);
    expect(f.executors).toEqual(['1', '4']);
  });
});
