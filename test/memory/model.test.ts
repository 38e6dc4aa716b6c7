import { describe, expect, it } from 'vitest';
import { computeLayout, MemoryConfigError, parseSize, type MemoryInput } from '../../src/memory/index.js';
import { memoryErrorText, memoryNoteText, sizeText } from '../../src/render/memory-words.js';

const MiB = 1024 * 1024;
const mib = (bytes: number): number => Math.round(bytes / MiB);
// Java 17 (G1): Runtime.maxMemory is the whole -Xmx, as the seeds' worked examples assume.
const layout = (conf: Record<string, string>, extra: Partial<MemoryInput> = {}) =>
  computeLayout({ conf, clusterManager: 'yarn', sparkVersion: '3.5.1', javaVersion: '17.0.10', ...extra });
const errorOf = (f: () => unknown): MemoryConfigError => {
  try {
    f();
  } catch (e) {
    if (e instanceof MemoryConfigError) return e;
    throw e;
  }
  throw new Error('no error');
};

describe('executor heap regions (the seeds’ worked examples, in MiB)', () => {
  const cases: Array<[string, Record<string, number>]> = [
    ['16g', { usable: 16084, user: 6434, unified: 9650, storage: 4825, execution: 4825 }],
    ['4g', { usable: 3796, user: 1518, unified: 2278, storage: 1139 }],
    ['32g', { usable: 32468, user: 12987, unified: 19481, storage: 9740 }],
  ];
  for (const [memory, expected] of cases) {
    it(`spark.executor.memory=${memory}`, () => {
      const e = layout({ 'spark.executor.memory': memory, 'spark.executor.cores': '4' }).executor;
      for (const [k, v] of Object.entries(expected)) expect([k, mib(e[k as keyof typeof e])]).toEqual([k, v]);
      expect(e.reserved).toBe(300 * MiB);
      expect(e.user + e.unified + e.reserved).toBe(e.heap);
      expect(e.storage + e.execution).toBe(e.unified);
    });
  }

  it('per-task maximum for 16g and 4 cores: 2412 whole MiB', () => {
    // The seed divides rounded MiB (9,650 / 4 = 2,412); Spark's ExecutionMemoryPool divides bytes:
    // floor(10119177830 / 4) = 2529794457 bytes = 2412.6 MiB. The source wins; both give 2412 whole MiB.
    const e = layout({ 'spark.executor.memory': '16g', 'spark.executor.cores': '4' }).executor;
    expect(e.unified).toBe(10119177830);
    expect(e.perTaskMax).toBe(2529794457);
    expect(Math.floor(e.perTaskMax / MiB)).toBe(2412);
  });

  it('per-task share lies between 1/(2N) of execution and 1/N of the unified pool', () => {
    const e = layout({ 'spark.executor.memory': '16g', 'spark.executor.cores': '8', 'spark.task.cpus': '2' }).executor;
    expect(e.perTaskMax).toBe(Math.floor(e.unified / 4));
    expect(e.perTaskMin).toBe(Math.floor(e.execution / 8));
  });

  it('uses spark.memory.fraction 0.75 in Spark 1.6 and the static manager before it', () => {
    // floor((4294967296 − 314572800) × 0.75) = 2985295872 bytes = 2847 MiB
    expect(layout({ 'spark.executor.memory': '4g' }, { sparkVersion: '1.6.1' }).executor.unified).toBe(2985295872);
    const old = layout({ 'spark.executor.memory': '10g' }, { sparkVersion: '1.5.2' });
    expect(old.legacyMode).toBe(true);
    expect(old.executor.reserved).toBe(0);
    expect(old.executor.storage).toBe(Math.floor(10240 * MiB * 0.6 * 0.9));
    expect(old.executor.execution).toBe(Math.floor(10240 * MiB * 0.2 * 0.8));
    expect(layout({ 'spark.executor.memory': '10g', 'spark.memory.useLegacyMode': 'true' }, { sparkVersion: '2.4.8' }).legacyMode).toBe(
      true,
    );
    expect(layout({ 'spark.executor.memory': '10g', 'spark.memory.useLegacyMode': 'true' }, { sparkVersion: '3.0.0' }).legacyMode).toBe(
      false,
    );
  });

  it("refuses a heap below 1.5 × reserved with Spark's words for the version, sizes human and in bytes", () => {
    const e = errorOf(() => layout({ 'spark.executor.memory': '400m' }));
    expect(e.code).toBe('executor-memory-below-minimum');
    expect(e.data).toMatchObject({ bytes: 419430400, minimum: 471859200, wording: 'v2' });
    expect(memoryErrorText(e)).toBe(
      'spark.executor.memory=400m: Spark refuses to start: read as bytes, 400 MiB (419430400 bytes) is below the minimum 450 MiB (471859200 bytes) ' +
        '(Spark: "Executor memory 419430400 must be at least 471859200. Please increase executor memory using the --executor-memory option or spark.executor.memory in Spark configuration.")',
    );
    expect(memoryErrorText(errorOf(() => layout({ 'spark.executor.memory': '400m' }, { sparkVersion: '4.0.0' })))).toContain(
      '[INVALID_EXECUTOR_MEMORY] Executor memory 419430400',
    );
    // 1.6 checked only the JVM, and printed the minimum as a Double.
    const old = errorOf(() => layout({ 'spark.executor.memory': '400m' }, { sparkVersion: '1.6.3' }));
    expect(old.code).toBe('heap-below-minimum');
    expect(memoryErrorText(old)).toContain(
      '(Spark: "System memory 419430400 must be at least 4.718592E8. Please use a larger heap size.")',
    );
    expect(layout({ 'spark.executor.memory': '450m' }).executor.usable).toBe(150 * MiB);
  });

  it('checks the minimum on Runtime.maxMemory: under Parallel 500m is refused though -Xmx is above 450 MiB', () => {
    const e = errorOf(() => layout({ 'spark.executor.memory': '500m' }, { javaVersion: '1.8.0_292' }));
    expect(e.code).toBe('heap-below-minimum');
    // heap 500 MiB: young align512K(166.67) = 166.5 MiB, survivor align512K(55.5) = 55.5 MiB → 444.5 MiB
    expect(e.data).toMatchObject({ role: 'executor', heap: 500 * MiB, systemMemory: 466092032, collector: 'parallel' });
    expect(memoryErrorText(e)).toContain('less one survivor space under the Parallel collector');
  });
});

describe('overhead and container', () => {
  const table: Array<[string, MemoryInput, { overhead: number; container?: number }]> = [
    [
      'Spark 1.3 on YARN, 20g: factor 0.07',
      { conf: { 'spark.executor.memory': '20g' }, clusterManager: 'yarn', sparkVersion: '1.3.1' },
      { overhead: 1433, container: 21913 },
    ],
    [
      'Spark 3.x on YARN, 20g: factor 0.10',
      { conf: { 'spark.executor.memory': '20g' }, clusterManager: 'yarn', sparkVersion: '3.2.0' },
      { overhead: 2048, container: 22528 },
    ],
    [
      'small heap: the 384 MiB floor',
      { conf: { 'spark.executor.memory': '2g' }, clusterManager: 'yarn', sparkVersion: '3.5.0' },
      { overhead: 384 },
    ],
    [
      'explicit overhead, off-heap added from 3.0',
      {
        conf: {
          'spark.executor.memory': '12g',
          'spark.executor.memoryOverhead': '2g',
          'spark.memory.offHeap.enabled': 'true',
          'spark.memory.offHeap.size': '4g',
        },
        clusterManager: 'yarn',
        sparkVersion: '3.1.2',
      },
      { overhead: 2048, container: 18432 },
    ],
    [
      'off-heap not added before 3.0',
      {
        conf: {
          'spark.executor.memory': '12g',
          'spark.yarn.executor.memoryOverhead': '6144',
          'spark.memory.offHeap.enabled': 'true',
          'spark.memory.offHeap.size': '4294967296',
        },
        clusterManager: 'yarn',
        sparkVersion: '2.4.8',
      },
      { overhead: 6144, container: 18432 },
    ],
    [
      'Kubernetes 16g, factor 0.1, pyspark 4g, Python app in cluster mode',
      {
        conf: { 'spark.executor.memory': '16g', 'spark.kubernetes.memoryOverheadFactor': '0.1', 'spark.executor.pyspark.memory': '4g' },
        clusterManager: 'kubernetes',
        sparkVersion: '3.1.1',
        isPython: true,
        deployMode: 'cluster',
      },
      { overhead: 1638, container: 22118 },
    ],
    [
      'Kubernetes 16g, pyspark 4g, JVM app: no PySpark in the pod',
      {
        conf: { 'spark.executor.memory': '16g', 'spark.kubernetes.memoryOverheadFactor': '0.1', 'spark.executor.pyspark.memory': '4g' },
        clusterManager: 'kubernetes',
        sparkVersion: '3.1.1',
      },
      { overhead: 1638, container: 18022 },
    ],
    [
      'Kubernetes Python app in cluster mode: factor 0.4 by default',
      {
        conf: { 'spark.executor.memory': '10g' },
        clusterManager: 'kubernetes',
        sparkVersion: '3.4.1',
        isPython: true,
        deployMode: 'cluster',
      },
      { overhead: 4096 },
    ],
    [
      'Kubernetes 3.3+: spark.executor.memoryOverheadFactor wins',
      {
        conf: {
          'spark.executor.memory': '10g',
          'spark.executor.memoryOverheadFactor': '0.2',
          'spark.kubernetes.memoryOverheadFactor': '0.4',
        },
        clusterManager: 'kubernetes',
        sparkVersion: '3.3.0',
      },
      { overhead: 2048 },
    ],
    [
      'YARN 3.3+: spark.executor.memoryOverheadFactor',
      {
        conf: { 'spark.executor.memory': '10g', 'spark.executor.memoryOverheadFactor': '0.25' },
        clusterManager: 'yarn',
        sparkVersion: '3.3.2',
      },
      { overhead: 2560 },
    ],
    [
      '4.0: spark.executor.minMemoryOverhead',
      { conf: { 'spark.executor.memory': '2g', 'spark.executor.minMemoryOverhead': '1g' }, clusterManager: 'yarn', sparkVersion: '4.0.0' },
      { overhead: 1024 },
    ],
    [
      'before 4.0 the minimum is fixed',
      { conf: { 'spark.executor.memory': '2g', 'spark.executor.minMemoryOverhead': '1g' }, clusterManager: 'yarn', sparkVersion: '3.5.1' },
      { overhead: 384 },
    ],
    [
      'pyspark memory ignored before 2.4',
      { conf: { 'spark.executor.memory': '8g', 'spark.executor.pyspark.memory': '2g' }, clusterManager: 'yarn', sparkVersion: '2.3.0' },
      { overhead: 819, container: 8192 + 819 },
    ],
    [
      'standalone: no overhead',
      { conf: { 'spark.executor.memory': '8g' }, clusterManager: 'standalone', sparkVersion: '3.5.1' },
      { overhead: 0, container: 8192 },
    ],
  ];
  for (const [name, input, expected] of table) {
    it(name, () => {
      const e = computeLayout(input).executor;
      expect(e.overhead / MiB).toBe(expected.overhead);
      if (expected.container !== undefined) expect(e.container / MiB).toBe(expected.container);
    });
  }

  it('notes every default it applied, as codes and data', () => {
    const l = layout({ 'spark.executor.memory': '8g' });
    expect(l.notes).toContainEqual({
      code: 'overhead-default',
      data: expect.objectContaining({ role: 'executor', factor: 0.1, minMiB: 384, overheadMiB: 819, manager: 'yarn', version: '3.5.1' }),
    });
    expect(l.notes).toContainEqual({
      code: 'default-applied',
      data: { key: 'spark.driver.maxResultSize', value: '1g', bytes: 1073741824 },
    });
    expect(memoryNoteText(l.notes.find((n) => n.code === 'overhead-default')!)).toBe(
      'executor overhead defaulted to max(0.1 × heap, 384 MiB) = 819 MiB (858783744 bytes) (default factor; YARN, Spark 3.5.1)',
    );
    const py = computeLayout({
      conf: { 'spark.executor.memory': '8g', 'spark.yarn.isPython': 'true' },
      clusterManager: 'yarn',
      sparkVersion: '3.5.1',
    });
    expect(py.notes.some((n) => n.code === 'python-workers-in-overhead')).toBe(true);
  });
});

describe('driver', () => {
  it('YARN cluster mode: heap, overhead, container, maxResultSize', () => {
    const d = layout({ 'spark.driver.memory': '8g', 'spark.submit.deployMode': 'cluster', 'spark.driver.maxResultSize': '2g' }).driver;
    expect(d).toEqual({ heap: 8192 * MiB, overhead: 819 * MiB, maxResultSize: 2048 * MiB, container: (8192 + 819) * MiB });
  });

  it('YARN client mode: the AM is its own container, said in a note', () => {
    const l = layout({ 'spark.driver.memory': '50G', 'spark.submit.deployMode': 'client', 'spark.yarn.am.memory': '640m' });
    expect(l.driver.overhead).toBe(0);
    expect(l.notes).toContainEqual({
      code: 'yarn-am-container',
      data: { amMiB: 640, overheadMiB: 384, totalMiB: 1024, overheadKey: null },
    });
    expect(l.notes).toContainEqual({ code: 'deploy-mode', data: { mode: 'client', reason: 'submit-deploy-mode' } });
  });

  it('maxResultSize 0 means unlimited', () => {
    const l = layout({ 'spark.driver.maxResultSize': '0' });
    expect(l.driver.maxResultSize).toBe(0);
    expect(l.notes.some((n) => n.code === 'max-result-size-unlimited')).toBe(true);
  });

  it('says which collector it assumed and why', () => {
    expect(layout({}, { javaVersion: null, sparkVersion: '2.4.8' }).jvm.executor.collector).toMatchObject({
      collector: 'parallel',
      reason: 'spark-version',
      javaMajor: 8,
    });
    expect(layout({ 'spark.executor.extraJavaOptions': '-XX:+UseParallelGC -XX:+UseG1GC' }).jvm.executor.collector).toMatchObject({
      collector: 'g1',
      reason: 'flag',
      flag: '-XX:+UseG1GC',
    });
    expect(layout({}, { javaVersion: '1.8.0_292 (Private Build)' }).jvm.executor.collector).toMatchObject({
      collector: 'parallel',
      reason: 'java-version',
      javaMajor: 8,
    });
  });

  it('local mode: the executor is the driver JVM', () => {
    const l = computeLayout({
      conf: { 'spark.master': 'local[8]', 'spark.driver.memory': '4g', 'spark.executor.memory': '64g' },
      clusterManager: 'local',
      sparkVersion: '3.5.1',
    });
    expect(l.executor.heap).toBe(4096 * MiB);
    expect(l.executor.cores).toBe(8);
  });
});

describe('sizes, as JavaUtils.byteStringAs parses them', () => {
  it.each([
    ['4g', MiB, 4096 * MiB],
    ['4096m', MiB, 4096 * MiB],
    ['512k', MiB, 512 * 1024],
    ['1t', MiB, 1024 * 1024 * MiB],
    ['4096', MiB, 4096 * MiB],
    ['4096', 1, 4096],
    [' 2GB ', 1, 2048 * MiB],
    ['100b', MiB, 100],
  ])('%s (bare unit %d) = %d bytes', (s, unit, bytes) => {
    expect(parseSize('k', s, unit)).toBe(bytes);
  });
  it.each([
    [
      '1.5g',
      'size-fractional',
      'spark.executor.memory=1.5g: fractional values are not supported (Spark: "Fractional values are not supported. Input was: 1.5")',
    ],
    ['lots', 'size-unparseable', 'spark.executor.memory=lots: not a size (Spark: "Failed to parse byte string: lots")'],
    ['4q', 'size-bad-suffix', 'spark.executor.memory=4q: invalid suffix "q" (use b, k, m, g, t or p) (Spark: "Invalid suffix: "q"")'],
    ['99999999999999999999g', 'size-overflow', null],
  ])('refuses %s naming the key', (s, code, text) => {
    const e = errorOf(() => parseSize('spark.executor.memory', s, MiB));
    expect(e.code).toBe(code);
    if (text) expect(memoryErrorText(e)).toBe(text);
  });

  it('shows sizes human and in bytes', () => {
    expect(sizeText(104857600)).toBe('100 MiB (104857600 bytes)');
  });
});

describe('layouts remembered across applications (a scan computes one per configuration)', () => {
  it('settings the model does not read leave the layout the same one', () => {
    const a = layout({ 'spark.executor.memory': '7g', 'spark.app.name': 'nightly-a' });
    const b = layout({ 'spark.executor.memory': '7g', 'spark.app.name': 'nightly-b', 'spark.ui.port': '4050' });
    expect(b).toBe(a);
  });

  it('a setting it reads, set or not, makes another layout', () => {
    const a = layout({ 'spark.executor.memory': '7g' });
    const cores = layout({ 'spark.executor.memory': '7g', 'spark.executor.cores': '2' });
    expect(cores).not.toBe(a);
    expect(cores.executor.cores).toBe(2);
    expect(cores.executor.perTaskMax).toBe(Math.floor(cores.executor.unified / 2));
    const heap = layout({ 'spark.executor.memory': '9g' });
    expect(mib(heap.executor.heap)).toBe(9 * 1024);
    // Back to the first configuration: its own layout again, not the last one made.
    expect(layout({ 'spark.executor.memory': '7g' }).executor).toEqual(a.executor);
  });

  it('so does the rest of the input: the Java version, the manager', () => {
    const g1 = layout({ 'spark.executor.memory': '7g' });
    const java8 = layout({ 'spark.executor.memory': '7g' }, { javaVersion: '1.8.0_282' });
    expect(g1.jvm.executor.collector.collector).toBe('g1');
    expect(java8.jvm.executor.collector.collector).toBe('parallel');
    const k8s = layout({ 'spark.executor.memory': '7g' }, { clusterManager: 'kubernetes' });
    expect(k8s.clusterManager).toBe('kubernetes');
  });

  it('an error is remembered as an error, for every configuration that makes it', () => {
    const first = errorOf(() => layout({ 'spark.memory.fraction': '1.5', 'spark.app.name': 'a' }));
    const again = errorOf(() => layout({ 'spark.memory.fraction': '1.5', 'spark.app.name': 'b' }));
    expect(first.code).toBe('fraction-out-of-range');
    expect(again.code).toBe('fraction-out-of-range');
    expect(layout({ 'spark.memory.fraction': '0.5' }).params.memoryFraction).toBe(0.5);
  });

  it('a key named like an Object method is a setting like any other', () => {
    const a = layout({ 'spark.executor.memory': '7g', toString: 'x' });
    expect(mib(a.executor.heap)).toBe(7 * 1024);
    expect(layout({ 'spark.executor.memory': '7g' }).executor).toEqual(a.executor);
  });
});
