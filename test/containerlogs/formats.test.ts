import { describe, expect, it } from 'vitest';
import { parseBlockYaml } from '../../src/containerlogs/kubectl-json.js';
import { parseQuantity } from '../../src/containerlogs/pods.js';
import type { InputKind } from '../../src/input/sniff.js';
import type { Region, Role } from '../../src/findings.js';
import { diagnosePath, diagnosePaths, evidenceOf, findingOf, fixture, only } from '../helpers.js';

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
