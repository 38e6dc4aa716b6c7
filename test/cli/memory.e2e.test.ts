import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixture, ROOT } from '../helpers.js';

const BIN = path.join(ROOT, 'bin', 'spark-triage.js');
const run = (args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', TZ: 'UTC' } });

describe('spark-triage memory (built bin)', () => {
  it('prints the JSON contract, sizes in bytes', () => {
    const r = run(['memory', '--format', 'json', '--master', 'k8s', '--spark-version', '3.1.1', '--conf', 'spark.executor.memory=16g', '--conf', 'spark.kubernetes.memoryOverheadFactor=0.1', '--conf', 'spark.executor.pyspark.memory=4g']);
    expect(r.status).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(Object.keys(j)).toEqual(['sparkVersion', 'clusterManager', 'executor', 'driver', 'observed', 'notes']);
    expect(Object.keys(j.executor)).toEqual(['heap', 'reserved', 'usable', 'user', 'unified', 'storage', 'execution', 'cores', 'perTaskMin', 'perTaskMax', 'overhead', 'offHeap', 'pyspark', 'container']);
    expect(Object.keys(j.driver)).toEqual(['heap', 'overhead', 'maxResultSize', 'container']);
    expect(j.clusterManager).toBe('kubernetes');
    expect(j.executor.container).toBe(22118 * 1024 * 1024);
    expect(j.observed).toBeNull();
    for (const v of Object.values(j.executor)) expect(Number.isInteger(v)).toBe(true);
  });

  it('takes configuration from --from and reports what the log observed', () => {
    const r = run(['memory', '--format', 'json', '--from', fixture('layouts', 'text-variants', 'crlf-bom-no-final-newline')]);
    expect(r.status).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j).toMatchObject({ sparkVersion: '2.4.8', clusterManager: 'local' });
    expect(j.observed).toEqual({ executors: {} });
  });

  it('refuses a bad value with one line naming the key, exit 2', () => {
    const r = run(['memory', '--conf', 'spark.executor.memory=1.5g']);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('spark-triage: spark.executor.memory=1.5g: fractional values are not supported (Spark: "Fractional values are not supported. Input was: 1.5")\n');
    const small = run(['memory', '--conf', 'spark.executor.memory=256m', '--master', 'yarn']);
    expect(small.status).toBe(2);
    expect(small.stderr).toMatch(/^spark-triage: spark\.executor\.memory=256m: Spark refuses to start/);
    expect(run(['memory', '--conf', 'novalue']).status).toBe(2);
  });

  it('draws the layout as text', () => {
    const r = run(['memory', '--master', 'yarn', '--spark-version', '3.5.1', '--conf', 'spark.executor.memory=12g', '--conf', 'spark.executor.memoryOverhead=2g', '--conf', 'spark.memory.offHeap.enabled=true', '--conf', 'spark.memory.offHeap.size=4g', '--conf', 'spark.executor.cores=4']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatchSnapshot();
  });
});
