import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { sniffKind } from '../../src/containerlogs/kinds.js';
import { parseBlockYaml } from '../../src/containerlogs/kubectl-json.js';
import { parseQuantity } from '../../src/containerlogs/pods.js';
import { diagnoseApp } from '../../src/diagnose.js';
import { mergeInputs } from '../../src/merge.js';
import { readInput, type InputRead } from '../../src/read.js';
import { resolveInputs } from '../../src/sources/resolve.js';
import { fixture } from '../helpers.js';

const diagnose = async (...files: string[]) => {
  const reads: InputRead[] = [];
  for await (const input of resolveInputs(files)) reads.push(await readInput(input, { acceptText: true }));
  for (const r of reads) expect(r.error, r.path).toBeUndefined();
  return { reads, apps: mergeInputs(reads).map((m) => diagnoseApp(m.primary)) };
};
const cl = (...p: string[]): string => fixture('containerlogs', ...p);

describe('each container-log format, by content', () => {
  const table: Array<[string, string, { code: string; role: string; region: string; executors: string[]; appId: string | null }]> = [
    ['yarn-hadoop3/yarn-logs.txt', 'yarn-aggregated-log', { code: 'yarn-memory-exceeded', role: 'executor', region: 'overhead', executors: ['4'], appId: 'application_1700000000000_0042' }],
    ['yarn-hadoop2/yarn-logs.txt', 'yarn-aggregated-log', { code: 'heap-oom', role: 'executor', region: 'execution', executors: ['2'], appId: 'application_1600000000000_0007' }],
    ['yarn-diagnostics-rm/application-status.txt', 'yarn-diagnostics', { code: 'yarn-memory-exceeded', role: 'driver', region: 'overhead', executors: [], appId: 'application_1650000000000_0099' }],
    ['kubectl-describe/describe-executor-with-sidecar.txt', 'kubectl-describe', { code: 'oom-killed', role: 'executor', region: 'overhead', executors: ['3'], appId: 'spark-0f1e2d3c4b5a69788796a5b4c3d2e1f0' }],
    ['kubectl-json/pods-list-sidecar-exit52.json', 'kubectl-json', { code: 'jvm-oom-exit', role: 'executor', region: 'heap', executors: ['1'], appId: 'spark-aa11bb22cc33dd44ee55ff6600112233' }],
    ['kubectl-yaml/pod-oomkilled.yaml', 'kubectl-json', { code: 'oom-killed', role: 'executor', region: 'overhead', executors: ['7'], appId: 'spark-5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b' }],
    ['driver-log-k8s-log4j2/driver.log', 'spark-log', { code: 'oom-killed', role: 'executor', region: 'overhead', executors: ['2'], appId: null }],
    ['executor-stderr-onoom/stderr', 'spark-log', { code: 'heap-oom', role: 'executor', region: 'heap', executors: [], appId: null }],
    ['driver-log-k8s-sidecar/driver.log', 'spark-log', { code: 'jvm-oom-exit', role: 'executor', region: 'heap', executors: ['4'], appId: null }],
    ['kernel-cgroup/dmesg.txt', 'unknown', { code: 'oom-killed', role: 'executor', region: 'overhead', executors: [], appId: null }],
  ];
  for (const [file, kind, exp] of table) {
    it(`${file}: ${kind} → ${exp.code}`, async () => {
      const { reads, apps } = await diagnose(cl(file));
      expect(reads[0]!.kind).toBe(kind);
      const r = apps[0]!.result;
      expect(r.appId).toBe(exp.appId);
      expect(r.outcome).toBe('unknown');
      expect(r.verdict).toMatchObject({ code: exp.code, role: exp.role, region: exp.region });
      expect(r.findings.find((f) => f.code === exp.code)!.executors).toEqual(exp.executors);
    });
  }

  it('takes the heap and overhead from what the logs reveal, and says so', async () => {
    const { apps } = await diagnose(cl('kubectl-describe', 'describe-executor-with-sidecar.txt'));
    const d = apps[0]!;
    expect(d.result.clusterManager).toBe('kubernetes');
    // SPARK_EXECUTOR_MEMORY=16g; pod limit 18022Mi − 16384Mi = 1638Mi of overhead.
    expect(d.result.memory!.executor).toMatchObject({ heap: 16384 * 2 ** 20, overhead: 1638 * 2 ** 20, container: 18022 * 2 ** 20 });
    expect(d.result.memory!.notes.some((n) => n.startsWith('spark.executor.memory=16g taken from kubectl output for pod etl-job-6c1f0a8c1d2e3f4a-exec-3'))).toBe(true);
    const yarn = (await diagnose(cl('yarn-hadoop3', 'yarn-logs.txt'))).apps[0]!;
    expect(yarn.result.memory!.executor).toMatchObject({ heap: 8192 * 2 ** 20, overhead: 819 * 2 ** 20, cores: 4 });
    expect(yarn.result.memory!.notes).toContain(`spark.executor.memory=8192m taken from -Xmx in ${cl('yarn-hadoop3', 'yarn-logs.txt')}:25`);
  });

  it('uses the Spark container\'s exit code, not a sidecar\'s', async () => {
    const { apps } = await diagnose(cl('kubectl-json', 'pods-list-sidecar-exit52.json'));
    const ev = apps[0]!.result.findings[0]!.evidence[0]!;
    expect(ev.source).toBe(`${cl('kubectl-json', 'pods-list-sidecar-exit52.json')}:37`);
    expect(ev.text).toMatch(/^pod nightly-agg-exec-1 container spark-kubernetes-executor state: terminated, exit code: 52/);
  });

  it('says what it could not know when no event log and no heap size were given', async () => {
    const { apps } = await diagnose(cl('kernel-cgroup', 'dmesg.txt'));
    const d = apps[0]!;
    expect(d.result.memory).toBeNull();
    expect(d.problems.join('\n')).toMatch(/the executor heap is unknown: no event log, and no -Xmx or spark\.executor\.memory in the logs given\. Add the application's event log/);
    expect(d.result.findings[0]!.remediation[0]).toMatchObject({ conf: 'spark.executor.memoryOverhead', suggested: null });
  });

  it('says plainly when a log shows no failure', async () => {
    const { apps } = await diagnose(cl('no-failure', 'driver.log'));
    expect(apps[0]!.result.findings).toEqual([]);
    expect(apps[0]!.result.verdict).toBeNull();
  });
});

describe('joining inputs of one application', () => {
  it('an event log and the YARN logs of the same application become one diagnosis with evidence from both', async () => {
    const eventLog = fixture('diagnose', 'yarn-memory-exceeded', 'spark35-pyspark');
    const yarnLogs = cl('yarn-hadoop3', 'yarn-logs.txt');
    const { apps } = await diagnose(eventLog, yarnLogs, cl('kubectl-yaml', 'pod-oomkilled.yaml'));
    expect(apps.map((a) => a.result.appId)).toEqual(['application_1700000000000_0042', 'spark-5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b']);
    const f = apps[0]!.result.findings.find((x) => x.code === 'yarn-memory-exceeded')!;
    const files = new Set(f.evidence.map((e) => e.source.replace(/:\d+$/, '')));
    expect(files).toEqual(new Set([eventLog, yarnLogs]));
    expect(f.executors).toEqual(['1', '4']);
    // The event log's configuration wins; the layout is computed from it.
    expect(apps[0]!.result.memory!.executor.heap).toBe(8192 * 2 ** 20);
    expect(apps[0]!.result.outcome).toBe('incomplete');
  });

  it('text that names no application joins the only application of the batch', async () => {
    const { apps } = await diagnose(fixture('diagnose', 'heap-oom', 'spark16-no-frames'), cl('executor-stderr-onoom', 'stderr'));
    expect(apps).toHaveLength(1);
    expect(apps[0]!.result.findings[0]!.evidence.some((e) => e.source.startsWith(cl('executor-stderr-onoom', 'stderr')))).toBe(true);
  });
});

describe('helpers', () => {
  it('sniffs kinds by content', () => {
    expect(sniffKind('{"Event":"SparkListenerLogStart"}')).toBe('event-log');
    expect(sniffKind('{\n  "apiVersion": "v1",\n  "kind": "Pod"')).toBe('kubectl-json');
    expect(sniffKind('Container: container_1_0001_01_000002 on host_8041\nLogType:stderr\n')).toBe('yarn-aggregated-log');
    expect(sniffKind('24/01/01 10:00:00 INFO SparkContext: Running Spark version 3.5.1')).toBe('spark-log');
    expect(sniffKind('hello')).toBe('unknown');
    expect(sniffKind('\u0000\u0001binary')).toBeNull();
  });

  it('reads Kubernetes quantities', () => {
    expect(parseQuantity('18Gi')).toBe(18 * 2 ** 30);
    expect(parseQuantity('1536Mi')).toBe(1536 * 2 ** 20);
    expect(parseQuantity('2G')).toBe(2e9);
    expect(parseQuantity('1.5Gi')).toBe(1.5 * 2 ** 30);
    expect(parseQuantity('lots')).toBeNull();
  });

  it('parses kubectl block YAML', () => {
    const lines = ['metadata:', '  name: p', '  labels:', '    a: "1"', 'spec:', '  containers:', '  - env:', '    - name: X', '      value: y', '    name: c', 'x: []'].map((text, i) => ({ text, line: i + 1 }));
    expect(parseBlockYaml(lines)).toEqual({ metadata: { name: 'p', labels: { a: '1' } }, spec: { containers: [{ env: [{ name: 'X', value: 'y' }], name: 'c' }] }, x: [] });
  });
});
