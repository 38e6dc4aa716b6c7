import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseBlockYaml } from '../../src/containerlogs/kubectl-json.js';
import { parseQuantity } from '../../src/containerlogs/pods.js';
import { LogScanner } from '../../src/containerlogs/scanner.js';
import { AppState } from '../../src/state/app.js';
import type { MemoryDump } from '../../src/state/signals.js';
import { joinsApplication, type InputKind } from '../../src/input/sniff.js';
import { verdictSummary } from '../../src/render/words/classifiers.js';
import type { Region, Role } from '../../src/findings.js';
import { diagnosePath, diagnosePaths, evidenceOf, findingOf, fixture, only, readPaths } from '../helpers.js';

const cl = (...p: string[]): string => fixture('containerlogs', ...p);

describe('each container-log format, by content', () => {
  const table: Array<[string, InputKind, { code: string; role: Role; region: Region; executors: string[]; appId: string | null }]> = [
    [
      'yarn-hadoop3/yarn-logs.txt',
      'yarn-aggregated-log',
      { code: 'yarn-memory-exceeded', role: 'executor', region: 'overhead', executors: ['4'], appId: 'application_1700000000000_0042' },
    ],
    [
      'yarn-hadoop2/yarn-logs.txt',
      'yarn-aggregated-log',
      { code: 'heap-oom', role: 'executor', region: 'execution', executors: ['2'], appId: 'application_1600000000000_0007' },
    ],
    [
      'yarn-diagnostics-rm/application-status.txt',
      'yarn-diagnostics',
      { code: 'yarn-memory-exceeded', role: 'driver', region: 'overhead', executors: [], appId: 'application_1650000000000_0099' },
    ],
    [
      'kubectl-describe/describe-executor-with-sidecar.txt',
      'kubectl-describe',
      { code: 'oom-killed', role: 'executor', region: 'overhead', executors: ['3'], appId: 'spark-0f1e2d3c4b5a69788796a5b4c3d2e1f0' },
    ],
    [
      'kubectl-json/pods-list-sidecar-exit52.json',
      'kubectl-json',
      { code: 'jvm-oom-exit', role: 'executor', region: 'heap', executors: ['1'], appId: 'spark-aa11bb22cc33dd44ee55ff6600112233' },
    ],
    [
      'kubectl-yaml/pod-oomkilled.yaml',
      'kubectl-json',
      { code: 'oom-killed', role: 'executor', region: 'overhead', executors: ['7'], appId: 'spark-5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b' },
    ],
    [
      'driver-log-k8s-log4j2/driver.log',
      'spark-log',
      { code: 'oom-killed', role: 'executor', region: 'overhead', executors: ['2'], appId: null },
    ],
    ['executor-stderr-onoom/stderr', 'spark-log', { code: 'heap-oom', role: 'executor', region: 'heap', executors: [], appId: null }],
    [
      'driver-log-k8s-sidecar/driver.log',
      'spark-log',
      { code: 'jvm-oom-exit', role: 'executor', region: 'heap', executors: ['4'], appId: null },
    ],
    ['kernel-cgroup/dmesg.txt', 'unknown', { code: 'oom-killed', role: 'executor', region: 'overhead', executors: [], appId: null }],
    [
      'executor-tmm-dump-sorter/stderr',
      'spark-log',
      { code: 'execution-memory', role: 'executor', region: 'execution', executors: [], appId: null },
    ],
    [
      'executor-tmm-dump-hash-relation/stderr',
      'spark-log',
      { code: 'execution-memory', role: 'executor', region: 'execution', executors: [], appId: null },
    ],
    [
      'yarn-diagnostics-xmx/application-status.txt',
      'yarn-diagnostics',
      { code: 'yarn-memory-exceeded', role: 'executor', region: 'overhead', executors: [], appId: 'application_1700000000000_0077' },
    ],
    [
      'kubectl-describe-non-spark/describe.txt',
      'kubectl-describe',
      { code: 'oom-killed', role: 'executor', region: 'container', executors: [], appId: null },
    ],
    [
      'driver-log-heap-minimum/driver.log',
      'spark-log',
      { code: 'heap-below-minimum', role: 'driver', region: 'reserved', executors: [], appId: null },
    ],
    [
      'driver-log-yarn-client-am/driver.log',
      'yarn-diagnostics',
      { code: 'yarn-memory-exceeded', role: 'driver', region: 'overhead', executors: [], appId: 'application_1708400000000_0012' },
    ],
    [
      'driver-log-standalone-exit52/driver.log',
      'spark-log',
      { code: 'jvm-oom-exit', role: 'executor', region: 'heap', executors: ['0'], appId: null },
    ],
  ];
  for (const [file, kind, exp] of table) {
    it(`${file}: ${kind} → ${exp.code}`, async () => {
      const { reads, diagnoses } = await diagnosePaths([cl(file)]);
      expect(reads.map((r) => r.kind)).toEqual([kind]);
      const d = only(diagnoses, () => true, 'diagnosis');
      expect(d.appId).toBe(exp.appId);
      expect(d.outcome).toBe('unknown');
      expect(d.verdict).toMatchObject({ code: exp.code, role: exp.role, region: exp.region });
      expect(findingOf(d, exp.code).executors).toEqual(exp.executors);
    });
  }

  it('takes the heap and overhead from what the logs reveal, and says where from', async () => {
    const pod = 'etl-job-6c1f0a8c1d2e3f4a-exec-3';
    const d = await diagnosePath(cl('kubectl-describe', 'describe-executor-with-sidecar.txt'));
    expect(d.clusterManager).toBe('kubernetes');
    // SPARK_EXECUTOR_MEMORY=16g; pod limit 18022Mi − 16384Mi = 1638Mi of overhead.
    expect(d.memory?.executor).toMatchObject({ heap: 16384 * 2 ** 20, overhead: 1638 * 2 ** 20, container: 18022 * 2 ** 20 });
    expect(d.memory?.notes).toContainEqual({
      kind: 'learnt',
      fact: { kind: 'setting', key: 'spark.executor.memory', value: '16g', source: { kind: 'pod-env', pod } },
    });
    expect(d.problems).toContainEqual({
      code: 'learnt',
      fact: {
        kind: 'setting',
        key: 'spark.executor.memoryOverhead',
        value: '1638m',
        source: { kind: 'pod-limit', pod, limit: '18022Mi', heap: '16g' },
      },
    });
    const yarnLog = cl('yarn-hadoop3', 'yarn-logs.txt');
    const yarn = await diagnosePath(yarnLog);
    expect(yarn.memory?.executor).toMatchObject({ heap: 8192 * 2 ** 20, overhead: 819 * 2 ** 20, cores: 4 });
    expect(yarn.memory?.notes).toContainEqual({
      kind: 'learnt',
      fact: { kind: 'setting', key: 'spark.executor.memory', value: '8192m', source: { kind: 'xmx', at: { file: yarnLog, line: 25 } } },
    });
  });

  it("uses the Spark container's exit code, not a sidecar's", async () => {
    const file = cl('kubectl-json', 'pods-list-sidecar-exit52.json');
    const ev = evidenceOf(findingOf(await diagnosePath(file), 'jvm-oom-exit').evidence, 'matched');
    expect(ev.at).toEqual({ file, line: 37 });
    expect(ev.data.text).toMatch(/\bcontainer spark-kubernetes-executor\b.*\bexit code: 52\b/);
  });

  it('says what it could not know when no event log and no heap size were given', async () => {
    const d = await diagnosePath(cl('kernel-cgroup', 'dmesg.txt'));
    expect(d.memory).toBeNull();
    expect(d.problems).toEqual([{ code: 'layout', problem: { code: 'heap-unknown' } }]);
    const fix = only(findingOf(d, 'oom-killed').remediation, (r) => r.conf === 'spark.executor.memoryOverhead', 'overhead fix');
    expect(fix).toMatchObject({ suggested: null, messageId: 'raise-overhead-no-layout', data: { layout: { code: 'heap-unknown' } } });
  });

  it('says plainly when a log shows no failure', async () => {
    const d = await diagnosePath(cl('no-failure', 'driver.log'));
    expect(d.findings).toEqual([]);
    expect(d.verdict).toBeNull();
    expect(d.problems).toEqual([]); // no note that the executor heap is unknown: nothing needs it
  });

  it('says the executor heap is unknown only where an executor failed, not for the driver’s own failure', async () => {
    const d = await diagnosePath(cl('driver-python-topandas-memoryerror', 'notebook-output.txt'));
    expect(d.findings.map((f) => [f.code, f.role])).toEqual([['python-memory-error', 'driver']]);
    expect(d.memory).toBeNull();
    expect(d.problems.filter((p) => p.code === 'layout')).toEqual([]);
  });
});

describe('helpers', () => {
  it('reads Kubernetes quantities', () => {
    expect(parseQuantity('18Gi')).toBe(18 * 2 ** 30);
    expect(parseQuantity('1536Mi')).toBe(1536 * 2 ** 20);
    expect(parseQuantity('2G')).toBe(2e9);
    expect(parseQuantity('1.5Gi')).toBe(1.5 * 2 ** 30);
    expect(parseQuantity('lots')).toBeNull();
  });

  it('parses kubectl block YAML', () => {
    const lines = [
      'metadata:',
      '  name: p',
      '  labels:',
      '    a: "1"',
      'spec:',
      '  containers:',
      '  - env:',
      '    - name: X',
      '      value: y',
      '    name: c',
      'x: []',
    ].map((text, i) => ({ text, line: i + 1 }));
    expect(parseBlockYaml(lines)).toEqual({
      metadata: { name: 'p', labels: { a: '1' } },
      spec: { containers: [{ env: [{ name: 'X', value: 'y' }], name: 'c' }] },
      x: [],
    });
  });
});

describe('issue 16: what real text says, read right', () => {
  const byConf = <R extends { conf: string | null }>(rs: R[]): Record<string, R> =>
    Object.fromEntries(rs.filter((r) => r.conf !== null).map((r) => [r.conf, r]));

  it('names who held the memory from TaskMemoryManager’s dump, and fixes by what it was', async () => {
    const sorter = await diagnosePath(cl('executor-tmm-dump-sorter', 'stderr'), { 'spark.executor.memory': '8g' });
    const f = findingOf(sorter, 'execution-memory');
    expect(evidenceOf(f.evidence, 'memory-holder')).toMatchObject({
      at: { line: 5 },
      data: {
        task: '172030',
        consumer: 'org.apache.spark.util.collection.unsafe.sort.UnsafeExternalSorter',
        kind: 'sorter',
        bytes: Math.round(2.1 * 2 ** 30),
        consumers: 2,
      },
    });
    // A sorter that cannot get a page after spilling: its share per task is too small.
    expect(f.needs.map((n) => n.kind)).toContain('task-execution');
    const hash = await diagnosePath(cl('executor-tmm-dump-hash-relation', 'stderr'), { 'spark.executor.memory': '8g' });
    const h = findingOf(hash, 'execution-memory');
    expect(evidenceOf(h.evidence, 'memory-holder').data).toMatchObject({
      consumer: 'org.apache.spark.sql.execution.joins.LongToUnsafeRowMap',
      kind: 'hash-relation',
      bytes: 1792 * 2 ** 20,
    });
    // A hash join's build side: stop broadcasting it, not more heap.
    expect(byConf(h.remediation)['spark.sql.autoBroadcastJoinThreshold']).toMatchObject({ suggested: '-1', messageId: 'hash-build-side' });
    expect(h.needs.map((n) => n.kind)).not.toContain('task-execution');
  });

  it('reads Gluten’s consumer tree and sizes the off-heap pool from the one it states', async () => {
    const d = await diagnosePath(fixture('snippets-16', '10_gluten_tmm_dump_then_offheap_oom_consumer_tree.txt'), {
      'spark.executor.memory': '8g',
    });
    const f = findingOf(d, 'offheap-oom');
    expect(evidenceOf(f.evidence, 'native-memory').data).toEqual({
      task: 'Task.88388',
      used: Math.round(1578.4 * 2 ** 20),
      taskCap: 2 * 2 ** 30,
      pool: 16 * 2 ** 30,
      largest: null,
      largestBytes: null,
      operator: null,
      operatorBytes: null,
    });
    expect(evidenceOf(f.evidence, 'memory-holder').data).toMatchObject({ kind: 'native', bytes: Math.round(1578.4 * 2 ** 20) });
    // The pool Gluten printed is the run's spark.memory.offHeap.size (GlutenPlugin sets one from the other):
    // a fact of the log, so with the heap given the layout holds it, and the pool grows from it: 16 GiB × 1.5.
    expect(d.problems).toContainEqual({
      code: 'learnt',
      fact: expect.objectContaining({ kind: 'setting', key: 'spark.memory.offHeap.size', value: '16g' }),
    });
    expect(d.layout?.executor.offHeap).toBe(16 * 2 ** 30);
    expect(byConf(f.remediation)['spark.memory.offHeap.size']).toMatchObject({
      current: '16g',
      suggested: '24g',
      messageId: 'offheap-grow',
    });
    // The container grows by the pool's growth alone, counted once (the cluster manager is unknown: the JVM's memory).
    expect(d.plan!.executor!.containerAfter - d.plan!.executor!.containerBefore).toBe(8 * 2 ** 30);
    // Without the heap, the same pool is planned from the figure Gluten states, and no size is computed.
    const bare = await diagnosePath(fixture('snippets-16', '10_gluten_tmm_dump_then_offheap_oom_consumer_tree.txt'));
    expect(bare.plan).toMatchObject({ conf: { 'spark.memory.offHeap.size': '24g' }, executor: null, noLayout: { code: 'heap-unknown' } });
    const wide = findingOf(
      await diagnosePath(fixture('snippets-16', '11_gluten_glutenexception_consumer_tree_wholestageiterator.txt')),
      'offheap-oom',
    );
    expect(evidenceOf(wide.evidence, 'native-memory').data).toMatchObject({
      task: 'Task.342',
      taskCap: 3.5 * 2 ** 30,
      largest: 'WholeStageIterator.147',
      largestBytes: Math.round(3.4 * 2 ** 30),
    });
  });

  it('computes the overhead from "2.9 GB of 2.4 GB" and the -Xmx of the killed command line', async () => {
    const file = cl('yarn-diagnostics-xmx', 'application-status.txt');
    const d = await diagnosePath(file);
    expect(d.problems).toContainEqual({
      code: 'learnt',
      fact: { kind: 'setting', key: 'spark.executor.memory', value: '2048m', source: { kind: 'xmx', at: { file, line: 10 } } },
    });
    const f = findingOf(d, 'yarn-memory-exceeded');
    // (2.9 GiB − 2 GiB) × 1.25 = 1152 MiB → 1280m in steps of 256 MiB.
    expect(byConf(f.remediation)['spark.executor.memoryOverhead']).toMatchObject({
      current: '384m',
      suggested: '1280m',
      data: { used: Math.round(2.9 * 2 ** 30), limit: Math.round(2.4 * 2 ** 30), limitFrom: 'message' },
    });
    expect(evidenceOf(f.evidence, 'matched').at).toEqual({ file, line: 7 });
  });

  it('says a client-mode YARN application master is not the driver, and sizes its own overhead', async () => {
    const d = await diagnosePath(cl('driver-log-yarn-client-am', 'driver.log'), { 'spark.executor.memory': '4g' });
    const f = findingOf(d, 'yarn-memory-exceeded');
    expect(f.role).toBe('driver');
    expect(evidenceOf(f.evidence, 'process').data).toEqual({ kind: 'yarn-am', mode: 'client' });
    expect(Object.keys(d.plan?.conf ?? {})).toEqual(['spark.yarn.am.memoryOverhead']);
    expect(d.verdict).toMatchObject({ code: 'yarn-memory-exceeded', role: 'driver', region: 'overhead' });
  });

  it('does not call a pod that is not Spark’s an executor, nor suggest a Spark setting for it', async () => {
    const d = await diagnosePath(cl('kubectl-describe-non-spark', 'describe.txt'));
    const f = findingOf(d, 'oom-killed');
    expect(f.executors).toEqual([]);
    expect(evidenceOf(f.evidence, 'process').data).toEqual({ kind: 'pod', pods: ['metrics-sidecar-7d9f8b6c5-x2k4p'] });
    expect(f.needs).toEqual([]);
    expect(f.remediation.map((r) => r.messageId)).toEqual(['not-spark-pod']);
    expect(verdictSummary(f, false)).toMatch(/^pod metrics-sidecar-7d9f8b6c5-x2k4p: /);
  });

  it('words an eviction as the node’s memory, not the pod’s limit', async () => {
    const d = await diagnosePath(fixture('diagnose', 'pod-evicted', 'spark33-k8s'));
    const s = verdictSummary(findingOf(d, 'pod-evicted'), false);
    expect(s).toMatch(/node ran short of memory/);
    expect(s).not.toMatch(/container limit/);
  });

  it('counts one executor once, however many lines and inputs report its end', async () => {
    const d = await diagnosePath(cl('driver-log-standalone-exit52', 'driver.log'));
    const f = findingOf(d, 'jvm-oom-exit');
    expect({ occurrences: f.occurrences, executors: f.executors }).toEqual({ occurrences: 1, executors: ['0'] });
    expect(evidenceOf(f.evidence, 'exit-decoded').data).toEqual({
      code: 52,
      cause: 'jvm-oom',
      memory: 'yes',
      executors: 1,
      badNode: false,
    });
    const dir = fixture('real-spark', '3.5.6', 'yarn-pmem-client');
    const alone = findingOf(await diagnosePath(path.join(dir, 'application_1795950974884_0001.lz4')), 'yarn-memory-exceeded');
    const { diagnoses } = await diagnosePaths(
      ['application_1795950974884_0001.lz4', 'driver.log', 'yarn-logs.txt'].map((f) => path.join(dir, f)),
    );
    const joined = findingOf(
      only(diagnoses, () => true, 'diagnosis'),
      'yarn-memory-exceeded',
    );
    expect({ occurrences: joined.occurrences, executors: joined.executors }).toEqual({
      occurrences: alone.occurrences,
      executors: alone.executors,
    });
    expect(evidenceOf(joined.evidence, 'caused-job-failure').data.jobs).toBe(1);
    // `yarn logs` alone: the AM's lines name containers before their launch scripts name the executors.
    const yarn = findingOf(await diagnosePath(path.join(dir, 'yarn-logs.txt')), 'yarn-memory-exceeded');
    expect({ occurrences: yarn.occurrences, executors: yarn.executors }).toEqual({ occurrences: 4, executors: ['1', '2', '3', '4'] });
  });

  it('cites the line of the message in `yarn application -status` and in spark-submit’s client output', async () => {
    for (const v of ['3.3.3', '3.5.6', '4.0.1']) {
      for (const name of ['driver.log', 'yarn-status.txt']) {
        const file = fixture('real-spark', v, 'yarn-pmem-cluster', name);
        const lines = readFileSync(file, 'utf8').split('\n');
        const f = findingOf(await diagnosePath(file), 'yarn-memory-exceeded');
        for (const e of f.evidence.filter((x) => x.messageId === 'matched'))
          expect(lines[e.at!.line - 1], `${v}/${name}:${e.at!.line}`).toContain('physical memory');
      }
    }
  });

  it('joins text of no known kind only when it holds a failure', async () => {
    const [tsv] = await readPaths([cl('stray-tsv', 'runs.tsv')], { acceptText: true });
    expect(tsv!.kind).toBe('unknown');
    expect(tsv!.apps[0]!.state.appId).toBe('application_1700000000000_0042');
    expect(joinsApplication(tsv!.kind, tsv!.apps[0]!.state.signals.all().length)).toBe(false);
    const [dmesg] = await readPaths([cl('kernel-cgroup', 'dmesg.txt')], { acceptText: true });
    expect(joinsApplication(dmesg!.kind, dmesg!.apps[0]!.state.signals.all().length)).toBe(true);
    const [log] = await readPaths([cl('no-failure', 'driver.log')], { acceptText: true });
    expect(joinsApplication(log!.kind, log!.apps[0]!.state.signals.all().length)).toBe(true);
  });
});

describe('issue 16: whose process a failure was in', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'st-roles-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  /** `yarn logs` of one AM container (Hadoop 3 layout) holding `lines` in its stderr. */
  const amLog = (name: string, lines: string[]): string => {
    const file = path.join(dir, name);
    const body = lines.join('\n');
    writeFileSync(
      file,
      [
        'Container: container_e18_1700000000000_0042_01_000001 on node-1.example.com_8041_1700000099000',
        'LogAggregationType: AGGREGATED',
        '============================================================================================',
        'LogType:stderr',
        'LogLastModifiedTime:Tue Nov 14 22:15:10 +0000 2023',
        `LogLength:${body.length}`,
        'LogContents:',
        body,
        '',
        'End of LogType:stderr',
        '',
      ].join('\n'),
    );
    return file;
  };
  const oom = ['Exception in thread "dispatcher-event-loop-3" java.lang.OutOfMemoryError: Java heap space'];

  it('reads the first container of an attempt as the driver when it runs the SparkContext (cluster mode)', async () => {
    const file = amLog('cluster.txt', [
      '23/11/14 22:13:19 INFO ApplicationMaster: Starting the user application in a separate Thread',
      ...oom,
      '23/11/14 22:13:20 INFO SparkContext: Running Spark version 3.5.1',
    ]);
    const f = findingOf(await diagnosePath(file, { 'spark.executor.memory': '4g' }), 'heap-oom');
    expect(f.role).toBe('driver');
    expect(f.evidence.some((e) => e.messageId === 'process')).toBe(false);
    expect(f.needs.map((n) => n.kind)).toEqual(['driver-heap']);
  });

  it('reads it as ExecutorLauncher, not the driver, in client mode', async () => {
    const file = amLog('client.txt', [
      '23/11/14 22:13:19 INFO ApplicationMaster: Preparing Local resources',
      '23/11/14 22:13:19 INFO ApplicationMaster: Waiting for Spark driver to be reachable.',
      ...oom,
    ]);
    const f = findingOf(await diagnosePath(file, { 'spark.executor.memory': '4g' }), 'heap-oom');
    expect(f.role).toBe('driver');
    expect(evidenceOf(f.evidence, 'process').data).toEqual({ kind: 'yarn-am', mode: 'client' });
    // Its heap is spark.yarn.am.memory: no driver-memory need.
    expect(f.needs).toEqual([]);
    expect(f.remediation.map((r) => [r.conf, r.messageId])).toEqual([['spark.yarn.am.memory', 'am-memory']]);
  });

  it('gives an executor’s own log its OutOfMemoryError in any thread, and an unknown text none', async () => {
    const exec = path.join(dir, 'executor-stderr');
    writeFileSync(
      exec,
      ['23/11/14 22:13:19 INFO CoarseGrainedExecutorBackend: Started daemon with process name: 14@node-3', ...oom, ''].join('\n'),
    );
    expect(findingOf(await diagnosePath(exec), 'heap-oom').role).toBe('executor');
    const driver = path.join(dir, 'driver-log');
    writeFileSync(driver, [...oom, '23/11/14 22:13:20 INFO DAGScheduler: Job 0 failed: count at Job.scala:12, took 81.2 s', ''].join('\n'));
    // The marker comes after the error: the signal waits for it.
    expect(findingOf(await diagnosePath(driver), 'heap-oom').role).toBe('driver');
  });

  it('puts a MemoryError of the driver’s own Python (toPandas) in the driver, outside every JVM setting', async () => {
    const f = findingOf(await diagnosePath(cl('driver-python-topandas-memoryerror', 'notebook-output.txt')), 'python-memory-error');
    expect({ role: f.role, region: f.region, needs: f.needs }).toEqual({ role: 'driver', region: 'pyspark', needs: [] });
    expect(f.remediation.map((r) => r.messageId)).toEqual(['driver-python-memory', 'collect-less']);
  });
});

describe('TaskMemoryManager’s dump, by version', () => {
  /** The dump the scanner attaches to the error after it. */
  const dumpOf = (lines: string[]): MemoryDump | null => {
    const app = new AppState();
    const scanner = new LogScanner(app, { file: 'stderr', role: null, executorId: null, containerId: null, containerExecutors: new Map() });
    lines.forEach((l, i) => scanner.line(l, i + 1));
    scanner.end();
    return only(app.signals.all(), () => true, 'signal').dump;
  };
  const error =
    '17/03/01 10:00:02 ERROR Executor: Exception in task 1.0 in stage 2.0 (TID 41)\njava.lang.OutOfMemoryError: Unable to acquire 262144 bytes of memory, got 0';

  it('reads 2.x (MB, no unmanaged memory), keeps the largest first, and splits the consumer at the last ": "', () => {
    const d = dumpOf([
      '17/03/01 10:00:01 INFO TaskMemoryManager: Memory used in task 41',
      '17/03/01 10:00:01 INFO TaskMemoryManager: Acquired by HybridRowQueue(org.apache.spark.memory.TaskMemoryManager@1f2e3d4c,/tmp/spark-1,3,org.apache.spark.serializer.SerializerManager@5a6b7c8d): 64.0 MB',
      '17/03/01 10:00:01 INFO TaskMemoryManager: Acquired by org.apache.spark.unsafe.map.BytesToBytesMap@7f3e21: 1024.0 MB',
      '17/03/01 10:00:01 INFO TaskMemoryManager: 262144 bytes of memory were used by task 41 but are not associated with specific consumers',
      '17/03/01 10:00:01 INFO TaskMemoryManager: 1140850688 bytes of memory are used for execution and 4096 bytes of memory are used for storage',
      ...error.split('\n'),
    ]);
    expect(d).toMatchObject({
      task: '41',
      consumers: [
        { consumer: 'org.apache.spark.unsafe.map.BytesToBytesMap@7f3e21', bytes: 1024 * 2 ** 20 },
        { consumer: expect.stringMatching(/^HybridRowQueue\(/), bytes: 64 * 2 ** 20 },
      ],
      consumerCount: 2,
      unassigned: 262144,
      execution: 1140850688,
      storage: 4096,
      unmanaged: null,
      at: { file: 'stderr', line: 1 },
    });
  });

  it('reads 4.1’s totals with unmanaged memory, and forgets a dump of another task', () => {
    const d = dumpOf([
      '26/01/05 23:05:10 INFO TaskMemoryManager: Memory used in task 41',
      '26/01/05 23:05:10 INFO TaskMemoryManager: Acquired by org.apache.spark.util.collection.unsafe.sort.UnsafeExternalSorter@3e02e759: 2.1 GiB',
      '26/01/05 23:05:10 INFO TaskMemoryManager: 2255814656 bytes of memory are used for execution and 0 bytes of memory are used for storage and 1048576 bytes of unmanaged memory are used',
      ...error.split('\n'),
    ]);
    expect(d).toMatchObject({ execution: 2255814656, storage: 0, unmanaged: 1048576 });
    const other = dumpOf([
      '26/01/05 23:05:10 INFO TaskMemoryManager: Memory used in task 99',
      '26/01/05 23:05:10 INFO TaskMemoryManager: Acquired by org.apache.spark.util.collection.unsafe.sort.UnsafeExternalSorter@3e02e759: 2.1 GiB',
      ...error.split('\n'),
    ]);
    expect(other).toBeNull();
  });
});
