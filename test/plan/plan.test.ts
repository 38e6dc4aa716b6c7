import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { diagnoseApp, type Diagnosis } from '../../src/diagnose/index.js';
import { mergeInputs } from '../../src/diagnose/merge.js';
import { parseSize } from '../../src/memory/index.js';
import { keyStatus } from '../../src/plan/keys.js';
import { inOopsBand } from '../../src/plan/oops.js';
import { EVENTLOGS, fixture, hasShared, readPaths, SNIPPETS } from '../helpers.js';

/**
 * The plan's promises, held on every fixture, every real log and every snippet: applying the plan is a
 * fixed point (re-diagnosing with its settings asks for nothing more, and says the layout holds), no
 * setting moves both ways in one report, and every setting exists and does something for the
 * application's Spark version and cluster manager.
 */
async function diagnosesOf(
  paths: string[],
): Promise<Array<{ name: string; d: Diagnosis; again: (o: Record<string, string>) => Diagnosis }>> {
  const reads = await readPaths(paths, { acceptText: true });
  return mergeInputs(reads).map((m) => ({
    name: m.sources.map((s) => path.relative(path.dirname(paths[0]!), s.path)).join(' + '),
    d: diagnoseApp(m.primary),
    again: (overrides) => diagnoseApp(m.primary, { overrides }),
  }));
}

/** A value as a number to compare directions: sizes in bytes, else the number it is; null for text. */
function magnitude(key: string, v: string | null): number | null {
  if (v === null) return null;
  if (/^-?\d+(\.\d+)?$/.test(v.trim())) return Number(v);
  try {
    return parseSize(key, v, 2 ** 20);
  } catch {
    return null;
  }
}

function holdPromises(all: Array<{ name: string; d: Diagnosis; again: (o: Record<string, string>) => Diagnosis }>): void {
  let withPlan = 0;
  for (const { name, d, again } of all) {
    const ctx = { sparkVersion: d.sparkVersion, manager: d.clusterManager, deployMode: d.layout?.deployMode ?? null };
    // No key moves both ways in one report: the plan and every finding's remediation agree.
    const moves = new Map<string, Set<number>>();
    const note = (key: string, from: string | null, to: string | null): void => {
      const a = magnitude(key, from);
      const b = magnitude(key, to);
      if (a === null || b === null || a === b) return;
      moves.set(key, (moves.get(key) ?? new Set()).add(Math.sign(b - a)));
    };
    for (const c of d.plan?.changes ?? []) note(c.key, c.from, c.to);
    for (const f of d.findings) for (const r of f.remediation) if (r.conf !== null) note(r.conf, r.current, r.suggested);
    for (const [key, dirs] of moves) expect(dirs.size, `${name}: ${key} moves both ways`).toBe(1);
    // Every finding's suggested value is the plan's.
    for (const f of d.findings) {
      for (const r of f.remediation)
        if (r.conf !== null && r.suggested !== null) expect(d.plan?.conf[r.conf], `${name}: ${f.code} ${r.conf}`).toBe(r.suggested);
    }
    // No plan, and no alternative, sets a heap that loses compressed pointers and gains nothing for it.
    for (const p of [d.plan, ...d.alternatives])
      for (const k of ['spark.executor.memory', 'spark.driver.memory']) {
        const heap = magnitude(k, p?.conf[k] ?? null);
        if (heap !== null) expect(inOopsBand(heap), `${name}: ${k}=${p!.conf[k]!} in the band without compressed pointers`).toBe(false);
      }
    if (!d.plan) continue;
    withPlan++;
    // Keys that exist, and do something, for this version and manager.
    for (const key of Object.keys(d.plan.conf)) expect(keyStatus(key, ctx), `${name}: ${key}`).toBe('ok');
    // A fixed point: with the plan applied, nothing more to change, and the layout holds.
    const next = again(d.plan.conf);
    expect(next.plan?.conf ?? {}, `${name}: the plan applied asks for more`).toEqual({});
    if (d.plan.holds) expect(next.plan?.holds, `${name}: the plan applied does not hold`).toBe(true);
  }
  expect(withPlan).toBeGreaterThan(0);
}

const fixtureCases = (): string[] => {
  const dir = fixture('diagnose');
  return readdirSync(dir).flatMap((code) =>
    readdirSync(path.join(dir, code))
      .filter((v) => v !== 'expect.json')
      .map((v) => path.join(dir, code, v)),
  );
};

describe('the fix plan', () => {
  it('holds its promises on every diagnose fixture', async () => {
    const all = [];
    for (const f of fixtureCases()) all.push(...(await diagnosesOf([f])));
    holdPromises(all);
  });

  it('holds them on the container-log fixtures', async () => {
    const dir = fixture('containerlogs');
    const all = [];
    for (const f of readdirSync(dir)) all.push(...(await diagnosesOf([path.join(dir, f)])));
    holdPromises(all);
  });

  it('holds them on every real-Spark case (the event log joined with its driver, executor and YARN logs)', async () => {
    const dir = fixture('real-spark');
    const all = [];
    for (const v of readdirSync(dir))
      for (const c of readdirSync(path.join(dir, v))) all.push(...(await diagnosesOf([path.join(dir, v, c)])));
    holdPromises(all);
  });

  it.skipIf(!hasShared)('holds them on every real event log and snippet', async () => {
    const all = [];
    all.push(...(await diagnosesOf([EVENTLOGS])));
    for (const f of readdirSync(SNIPPETS)) all.push(...(await diagnosesOf([path.join(SNIPPETS, f)])));
    holdPromises(all);
  });

  it('never lowers the overhead for a container kill when the cluster manager is unknown: it names the manager as what is missing', async () => {
    // A kernel cgroup kill (dmesg) names no cluster manager: the layout counts no overhead in a container,
    // so no overhead can give the executor room (v1 proposed 256m "now 1g", a container of 4 GiB → 4 GiB).
    const [x] = await diagnosesOf([fixture('containerlogs', 'kernel-cgroup')]);
    const d = x!.again({ 'spark.executor.memory': '4g', 'spark.executor.memoryOverhead': '1g' });
    expect(d.clusterManager).toBe('unknown');
    expect(d.plan?.conf ?? {}).toEqual({});
    expect(d.plan?.unmet).toContainEqual(expect.objectContaining({ finding: 'oom-killed', why: 'manager-unknown' }));
    // With the manager named, the same kill gets more overhead than Kubernetes' default (10% of 4g: 409.6m).
    const k8s = x!.again({ 'spark.executor.memory': '4g', 'spark.master': 'k8s://https://k:443' });
    const overhead = magnitude('spark.executor.memoryOverhead', k8s.plan?.conf['spark.executor.memoryOverhead'] ?? null);
    expect(overhead).toBeGreaterThan(410 * 2 ** 20);
  });

  it('stops automatic broadcast for a broadcast that did not fit: that failure is a SQL join, whatever else the log shows of SQL', async () => {
    for (const v of ['spark24', 'spark35', 'databricks-maxresultsize-wording']) {
      const [x] = await diagnosesOf([fixture('diagnose', 'broadcast-oom', v)]);
      expect(x!.d.plan?.conf['spark.sql.autoBroadcastJoinThreshold'], v).toBe('-1');
      expect(
        x!.d.plan?.unmet.filter((u) => u.why === 'sql-not-run'),
        v,
      ).toEqual([]);
    }
  });

  it.skipIf(!hasShared)(
    'names the broadcast threshold to stop for a broadcast that did not fit, even with no layout to plan from',
    async () => {
      // A driver's log excerpt alone: no event log, no heap, hence no sizes; the setting needs no layout, and
      // the plan carries it (once: not also as advice without a value).
      const [x] = await diagnosesOf([path.join(SNIPPETS, '38_broadcast_oom_spark35_eks.txt')]);
      expect(x!.d.layout).toBeNull();
      expect(x!.d.plan).toMatchObject({ conf: { 'spark.sql.autoBroadcastJoinThreshold': '-1' }, executor: null, holds: true });
      const f = x!.d.findings.find((g) => g.code === 'broadcast-oom')!;
      const threshold = f.remediation.filter((r) => r.conf === 'spark.sql.autoBroadcastJoinThreshold');
      expect(threshold).toEqual([expect.objectContaining({ suggested: '-1', messageId: 'stop-auto-broadcast' })]);
    },
  );

  it('says to raise the overhead for a crashed Python worker in an executor when there is no layout to size it, as for other kills', async () => {
    const [x] = await diagnosesOf([fixture('snippets-16', '15_py4j_collectAndServe_executor_python_worker_crashed.txt')]);
    // The plan holds the settings that need no layout (the faulthandler), and no overhead it cannot size.
    expect(x!.d.plan).toMatchObject({ executor: null, noLayout: { code: 'heap-unknown' } });
    expect(Object.keys(x!.d.plan!.conf)).not.toContain('spark.executor.memoryOverhead');
    const f = x!.d.findings.find((g) => g.code === 'python-worker-crash')!;
    expect(f.role).toBe('executor');
    expect(f.remediation).toContainEqual(
      expect.objectContaining({ conf: 'spark.executor.memoryOverhead', suggested: null, messageId: 'raise-overhead-no-layout' }),
    );
  });

  it('does not call a SQL setting useless for want of SQL events when there is no event log to have them', async () => {
    // A driver log's "Job aborted … spill" names stages, but only an event log says which ran SQL.
    const [x] = await diagnosesOf([fixture('containerlogs', 'executor-tmm-dump-sorter')]);
    const d = x!.again({ 'spark.executor.memory': '4g' });
    expect(d.plan?.unmet.filter((u) => u.why === 'sql-not-run')).toEqual([]);
  });

  it.skipIf(!hasShared)(
    'keeps a heap it raises for GC at the compressed-pointer limit and shares it among fewer tasks, instead of 30G → 45g',
    async () => {
      // sparklint's event_log_0 (MANIFEST row 116): 30G heaps, 2 cores, 26.5% of task time in GC.
      const [x] = await diagnosesOf([path.join(EVENTLOGS, 'sparklint/src/test/resources/directory_source/event_log_0')]);
      const d = x!.d;
      expect(d.findings.map((f) => f.code)).toContain('gc-pressure');
      expect(d.plan!.conf).toMatchObject({ 'spark.executor.memory': '31g', 'spark.executor.cores': '1' });
      expect(d.plan!.changes.find((c) => c.key === 'spark.executor.cores')?.reason).toMatchObject({
        messageId: 'heap-at-oops-limit',
        data: { heap: 31 * 2 ** 30, need: 45 * 2 ** 30, cores: 1, coresBefore: 2 },
      });
      expect(x!.again(d.plan!.conf).plan?.conf ?? {}).toEqual({});
      // Run with one core already, each task has 30G: more than 45g shared by two would give it.
      const one = x!.again({ 'spark.executor.cores': '1' });
      expect(one.plan?.conf ?? {}).toEqual({});
    },
  );

  it.skipIf(!hasShared)(
    'jumps past the compressed-pointer band, and says why, when a heap past the limit is needed and no fewer tasks can share it',
    async () => {
      // The same log as if it had run one task per executor: 45g of need cannot be split, so the heap
      // goes to what holds as much without compressed pointers (45 GiB × 1.5), not to 45g.
      const [m] = mergeInputs(
        await readPaths([path.join(EVENTLOGS, 'sparklint/src/test/resources/directory_source/event_log_0')], { acceptText: true }),
      );
      m!.primary.state.sparkProperties['spark.executor.cores'] = '1';
      const d = diagnoseApp(m!.primary);
      expect(d.plan!.conf).toEqual({ 'spark.executor.memory': '68g' });
      expect(d.plan!.changes[0]!.reason).toMatchObject({
        messageId: 'heap-past-oops-band',
        data: { role: 'executor', heap: 68 * 2 ** 30, need: 45 * 2 ** 30, limit: 32 * 2 ** 30 },
      });
      expect(diagnoseApp(m!.primary, { overrides: d.plan!.conf }).plan?.conf ?? {}).toEqual({});
    },
  );

  it('trims a half-empty heap to the compressed-pointer limit, not into the band past it', async () => {
    // The heap-underused fixture as if it had run 64g heaps that peaked at 24 GiB: 24 × 1.5 = 36g would
    // hold less than 31g does.
    const [m] = mergeInputs(await readPaths([fixture('diagnose', 'heap-underused', 'spark35-16g')], { acceptText: true }));
    m!.primary.state.sparkProperties['spark.executor.memory'] = '64g';
    for (const e of m!.primary.state.executors.values())
      if (e.peaks['JVMHeapMemory'] !== undefined) e.peaks['JVMHeapMemory'] = 24 * 2 ** 30;
    const d = diagnoseApp(m!.primary);
    expect(d.findings.find((f) => f.code === 'heap-underused')?.needs).toContainEqual(
      expect.objectContaining({ kind: 'heap-trim', heap: 36 * 2 ** 30 }),
    );
    expect(d.plan?.conf).toEqual({ 'spark.executor.memory': '31g' });
    expect(diagnoseApp(m!.primary, { overrides: d.plan!.conf }).plan?.conf ?? {}).toEqual({});
  });

  const JUNO = 'sparklint/docs/spark_summit_euro_2016/event_logs/application_1472176676028_407508_1';

  it.skipIf(!hasShared)(
    'does not ask spark.sql.shuffle.partitions for a stage whose shuffle the code sized, and prints no task peak it never saw',
    async () => {
      // MANIFEST row 115 (Spark 1.6.1): stage 1.0 reads stage 0's shuffle in 40 partitions while
      // spark.sql.shuffle.partitions is 200, so the count is the code's (repartition(40)); 1.6 tasks carry no peak.
      const [x] = await diagnosesOf([path.join(EVENTLOGS, JUNO)]);
      const f = x!.d.findings.find((g) => g.code === 'heavy-spill')!;
      expect(f.needs.map((n) => (n.kind === 'setting' ? n.key : n.kind))).not.toContain('spark.sql.shuffle.partitions');
      expect(x!.d.plan?.conf ?? {}).toEqual({});
      expect(f.remediation).toContainEqual(
        expect.objectContaining({ messageId: 'more-partitions-in-code', data: { stage: '1.0', partitions: 40, setting: 200 } }),
      );
      expect(f.evidence.find((e) => e.messageId === 'stage-spill')?.data).toMatchObject({ stage: 1, largestPeak: null });
    },
  );

  it.skipIf(!hasShared)('splits the input, not the shuffle, for a stage that read files and spilled', async () => {
    // spark-rapids-tools' gpu_oom_eventlog (3.3.1): stages 34 and 35 scan Parquet (no parent stage)
    // with spark.sql.files.maxPartitionBytes=10gb.
    const [x] = await diagnosesOf([
      path.join(EVENTLOGS, 'spark-rapids-tools/core/src/test/resources/spark-events-profiling/gpu_oom_eventlog.zstd'),
    ]);
    const f = x!.d.findings.find((g) => g.code === 'heavy-spill')!;
    expect(f.needs).toContainEqual(
      expect.objectContaining({ key: 'spark.sql.files.maxPartitionBytes', value: String(5 * 2 ** 30), compare: 'at-most' }),
    );
    expect(x!.d.plan!.conf['spark.sql.files.maxPartitionBytes']).toBe(String(5 * 2 ** 30));
    expect(x!.d.plan!.conf['spark.sql.shuffle.partitions']).toBeUndefined();
    expect(x!.again(x!.d.plan!.conf).plan?.conf ?? {}).toEqual({});
  });

  it.skipIf(!hasShared)('says input splits cannot be set before Spark 2.0, rather than suggest shuffle partitions', async () => {
    // Row 115 as if its spilling stage had read files: 1.6 has no spark.sql.files.maxPartitionBytes.
    const [m] = mergeInputs(await readPaths([path.join(EVENTLOGS, JUNO)], { acceptText: true }));
    for (const s of m!.primary.state.stages.values()) if (s.stageId === 1) s.readsShuffle = false;
    const d = diagnoseApp(m!.primary);
    expect(d.plan?.conf ?? {}).toEqual({});
    expect(d.plan?.unmet).toContainEqual(
      expect.objectContaining({
        finding: 'heavy-spill',
        need: expect.objectContaining({ key: 'spark.sql.files.maxPartitionBytes' }),
        why: 'not-yet',
      }),
    );
  });

  it('is one plan for a YARN kill of a Python app: the overhead, with the Python workers’ own memory as an alternative', async () => {
    const [x] = await diagnosesOf([fixture('diagnose', 'yarn-memory-exceeded', 'spark35-pyspark')]);
    const d = x!.d;
    expect(Object.keys(d.plan!.conf)).toEqual(['spark.executor.memoryOverhead']);
    expect(d.alternatives.map((a) => Object.keys(a.conf))).toContainEqual(['spark.executor.pyspark.memory']);
    // Re-diagnosing with the tool's own overhead does not ask for more (v1 asked 1536m, then 2304m, then 3g).
    const again = x!.again({ 'spark.executor.memoryOverhead': '1536m' });
    expect(again.plan).toMatchObject({ conf: {}, holds: true });
  });
});
