import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { MemoryReportSchema, parseJson } from '../contract.js';
import { fixture, runCli } from '../helpers.js';

describe('spark-triage memory (built bin)', () => {
  it('prints the JSON contract, sizes in bytes', () => {
    const r = runCli([
      'memory',
      '--format',
      'json',
      '--master',
      'k8s',
      '--spark-version',
      '3.1.1',
      '--conf',
      'spark.executor.memory=16g',
      '--conf',
      'spark.kubernetes.memoryOverheadFactor=0.1',
      '--conf',
      'spark.executor.pyspark.memory=4g',
    ]);
    expect(r.status).toBe(0);
    const raw: unknown = JSON.parse(r.stdout);
    const j = MemoryReportSchema.parse(raw);
    // Field order is part of the contract as README prints it.
    expect(Object.keys(z.record(z.string(), z.unknown()).parse(raw))).toEqual([
      'sparkVersion',
      'clusterManager',
      'executor',
      'driver',
      'observed',
      'notes',
      'noteCodes',
    ]);
    expect(Object.keys(j.executor)).toEqual([
      'heap',
      'reserved',
      'usable',
      'user',
      'unified',
      'storage',
      'execution',
      'cores',
      'perTaskMin',
      'perTaskMax',
      'overhead',
      'offHeap',
      'pyspark',
      'container',
    ]);
    expect(Object.keys(j.driver)).toEqual(['heap', 'overhead', 'maxResultSize', 'container']);
    expect(j.clusterManager).toBe('kubernetes');
    // 16384 + max(0.1 × 16384, 384) = 18022 MiB: spark.executor.pyspark.memory is added only for Python apps (BasicExecutorFeatureStep).
    expect(j.executor.container).toBe(18022 * 1024 * 1024);
    const py = parseJson(
      MemoryReportSchema,
      runCli([
        'memory',
        '--format',
        'json',
        '--master',
        'k8s',
        '--spark-version',
        '3.1.1',
        '--python',
        '--deploy-mode',
        'cluster',
        '--conf',
        'spark.executor.memory=16g',
        '--conf',
        'spark.kubernetes.memoryOverheadFactor=0.1',
        '--conf',
        'spark.executor.pyspark.memory=4g',
      ]).stdout,
    );
    // A Python app in cluster mode (spark-submit sets spark.kubernetes.resource.type=python only there): 16384 + 1638 + 4096 MiB.
    expect(py.executor.container).toBe(22118 * 1024 * 1024);
    expect(j.observed).toBeNull();
    for (const v of Object.values(j.executor)) expect(Number.isInteger(v)).toBe(true);
  });

  it('takes configuration from --from and reports what the log observed', () => {
    const r = runCli(['memory', '--format', 'json', '--from', fixture('layouts', 'text-variants', 'crlf-bom-no-final-newline')]);
    expect(r.status).toBe(0);
    const j = parseJson(MemoryReportSchema, r.stdout);
    expect(j).toMatchObject({ sparkVersion: '2.4.8', clusterManager: 'local' });
    expect(j.observed).toEqual({ executors: {} });
  });

  it('refuses --from what is not an event log with one line naming the file, exit 2', () => {
    const garbage = fixture('layouts', 'not-eventlogs', 'binary-garbage');
    const r = runCli(['memory', '--from', garbage]);
    expect(r.status).toBe(2);
    expect(r.stderr.trimEnd().split('\n')).toEqual([expect.stringMatching(new RegExp(`^spark-triage: ${garbage}: \\S`))]);
    expect(r.stdout).toBe('');
  });

  it('refuses a bad value with one line naming the key, exit 2', () => {
    // The memory model's errors are not coded yet (MemoryConfigError carries words): the line must
    // name the setting and value, and carry Spark's own numbers.
    const frac = runCli(['memory', '--conf', 'spark.executor.memory=1.5g']);
    expect(frac.status).toBe(2);
    expect(frac.stderr.trimEnd().split('\n')).toEqual([
      expect.stringMatching(/^spark-triage: --conf spark\.executor\.memory=1\.5g: .*Input was: 1\.5/),
    ]);
    const small = runCli(['memory', '--conf', 'spark.executor.memory=256m', '--master', 'yarn']);
    expect(small.status).toBe(2);
    // 1.5 × the 300 MiB reserved (UnifiedMemoryManager) = 471859200 bytes at least.
    expect(small.stderr.trimEnd().split('\n')).toEqual([
      expect.stringMatching(/^spark-triage: spark\.executor\.memory=256m: .*\b471859200\b/),
    ]);
    expect(runCli(['memory', '--conf', 'novalue']).status).toBe(2);
  });

  it('refuses a --conf value that is not of its type (size, whole number, number, boolean): the flag and the value escaped, exit 2', () => {
    for (const [pair, why] of [
      ['spark.executor.memory=banana', 'not a size'],
      ['spark.driver.maxResultSize=2 gigs', 'not a size'],
      ['spark.executor.cores=four', 'not a whole number'],
      ['spark.memory.fraction=most', 'not a number'],
      ['spark.memory.offHeap.enabled=maybe', 'not true or false'],
      ['spark.executor.memory=4g\u001b[2J', 'not a size'],
    ] as const) {
      // --from a log with settings of its own: the bad flag is refused before the log is read.
      const r = runCli(['memory', '--from', fixture('layouts', 'text-variants', 'crlf-bom-no-final-newline'), '--conf', pair]);
      expect(r.status, pair).toBe(2);
      expect(r.stdout).toBe('');
      const line = `spark-triage: --conf ${pair.replace('\u001b', '\\x1b')}: ${why}`;
      expect(r.stderr.trimEnd().split('\n')).toEqual([expect.stringContaining(line)]);
    }
    // A key whose type is not known is taken as it is.
    expect(runCli(['memory', '--master', 'yarn', '--conf', 'spark.some.future.key=banana']).status).toBe(0);
  });

  it('draws the layout as text', () => {
    const r = runCli([
      'memory',
      '--master',
      'yarn',
      '--spark-version',
      '3.5.1',
      '--conf',
      'spark.executor.memory=12g',
      '--conf',
      'spark.executor.memoryOverhead=2g',
      '--conf',
      'spark.memory.offHeap.enabled=true',
      '--conf',
      'spark.memory.offHeap.size=4g',
      '--conf',
      'spark.executor.cores=4',
    ]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatchSnapshot();
  });
});
