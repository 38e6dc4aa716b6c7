import { isMemoryFinding } from '../../src/diagnose/index.js';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Region, Role } from '../../src/findings.js';
import type { InputKind } from '../../src/input/sniff.js';
import { diagnosePaths, findingOf, hasShared, only, SNIPPETS } from '../helpers.js';

type Expect = { kind: InputKind; code: string | null; role?: Role; region?: Region };

/**
 * Every real excerpt in ../shared/snippets (quoted from public issues), with what it shows. The
 * first line of each is its source URL, which the scanner reads past like any other line.
 */
const EXPECTED: Record<string, Expect> = {
  '01_yarn_driver_lost_executor_disassociated_spark15.txt': { kind: 'spark-log', code: null }, // RPC disassociation: not shown to be memory
  '02_yarn_vmem_killed_spark22_driver.txt': { kind: 'spark-log', code: 'yarn-vmem-exceeded', role: 'executor', region: 'container' },
  '04_yarn_pmem_killed_task_failed_4_times_spark2x.txt': {
    kind: 'spark-log',
    code: 'yarn-memory-exceeded',
    role: 'executor',
    region: 'overhead',
  },
  '05_yarn_pmem_killed_spark23_pr20735.txt': { kind: 'unknown', code: 'yarn-memory-exceeded', role: 'executor', region: 'overhead' },
  '07_k8s_driver_exit137_spark24_containerstatus_tostring.txt': {
    kind: 'spark-log',
    code: 'exit-137',
    role: 'executor',
    region: 'container',
  }, // excerpt ends before the reason
  '09_executor_task_java_heap_space_spill_reader.txt': { kind: 'spark-log', code: 'heap-oom', role: 'executor', region: 'execution' },
  '10_k8s_prototype_executor_lost_unknown_reasons_2017.txt': { kind: 'spark-log', code: null },
  '12_local_gc_overhead_heartbeat_timeout.txt': { kind: 'spark-log', code: 'gc-overhead', role: 'driver', region: 'heap' }, // local mode: the executor is the driver
  '14_console_progress_bar_interleaved_gc_overhead_spark22.txt': {
    kind: 'spark-log',
    code: 'gc-overhead',
    role: 'executor',
    region: 'heap',
  },
  '16_databricks_task_caused_by_gc_overhead_s3a.txt': { kind: 'spark-log', code: 'gc-overhead', role: 'executor', region: 'heap' },
  '17_maxresultsize_driver_log_spark2x_MB.txt': { kind: 'spark-log', code: 'max-result-size', role: 'driver', region: 'maxResultSize' },
  '20_maxresultsize_spark13_main_thread.txt': { kind: 'spark-log', code: 'max-result-size', role: 'driver', region: 'maxResultSize' },
  '21_unable_to_acquire_plain_OOM_spark20.txt': { kind: 'spark-log', code: 'execution-memory', role: 'executor', region: 'execution' },
  '23_gluten_offheap_oom_not_enough_execution_memory.txt': { kind: 'spark-log', code: 'offheap-oom', role: 'executor', region: 'offHeap' },
  '24_yarn_nm_vmem_diag_with_timestamp_prefix_exit_minus103.txt': {
    kind: 'yarn-diagnostics',
    code: 'yarn-vmem-exceeded',
    role: 'executor',
    region: 'container',
  },
  '25_yarn_am_container_status_pmem_exit_minus104.txt': {
    kind: 'yarn-diagnostics',
    code: 'yarn-memory-exceeded',
    role: 'executor',
    region: 'overhead',
  },
  '27_yarn_am_diag_PHYSICAL_limit_hadoop3_wordcount.txt': {
    kind: 'yarn-diagnostics',
    code: 'yarn-memory-exceeded',
    role: 'driver',
    region: 'overhead',
  }, // container …_000001: the AM
  '28_yarn_logs_header_hadoop2_format_LogUploadTime.txt': { kind: 'yarn-aggregated-log', code: null },
  '30_yarn_container_marked_failed_exit50_driver.txt': { kind: 'spark-log', code: null }, // exit 50: an uncaught exception, not memory
  '31_spark_submit_client_AM_vmem_exit_minus103_spark16.txt': {
    kind: 'yarn-diagnostics',
    code: 'yarn-vmem-exceeded',
    role: 'driver',
    region: 'container',
  },
  '32_task_lost_container_marked_failed_exit50_with_trailer.txt': { kind: 'spark-log', code: null },
  '33_pyspark_worker_crashed_standalone_spark21.txt': {
    kind: 'spark-log',
    code: 'python-worker-crash',
    role: 'executor',
    region: 'overhead',
  },
  '35_pyspark_worker_crashed_spark16_pythonrunner_error.txt': {
    kind: 'spark-log',
    code: 'python-worker-crash',
    role: 'executor',
    region: 'overhead',
  },
  '36_kryo_buffer_overflow_spark3x_task_result.txt': { kind: 'spark-log', code: 'kryo-buffer-overflow', role: 'driver', region: 'user' }, // "executor driver": local mode
  '38_broadcast_oom_spark35_eks.txt': { kind: 'unknown', code: 'broadcast-oom', role: 'driver', region: 'heap' },
  '40_broadcast_oom_spark41_shuffle_merge_hint_variant.txt': { kind: 'unknown', code: 'broadcast-oom', role: 'driver', region: 'heap' },
  '41_databricks_broadcast_exceeds_maxresultsize_and_rpc_disassociated.txt': {
    kind: 'spark-log',
    code: 'broadcast-oom',
    role: 'driver',
    region: 'heap',
  },
  '43_kubectl_describe_last_state_oomkilled.txt': { kind: 'kubectl-describe', code: 'oom-killed', role: 'executor', region: 'overhead' },
};

describe.skipIf(!hasShared)('every snippet in ../shared/snippets', () => {
  const files = hasShared
    ? readdirSync(SNIPPETS)
        .filter((f) => f.endsWith('.txt'))
        .sort()
    : [];

  it('has an expectation for each file (a new snippet needs one)', () => {
    expect(files).toEqual(Object.keys(EXPECTED).sort());
  });

  for (const file of files) {
    const exp = EXPECTED[file];
    it(`${file}: ${exp?.code ?? 'no memory failure'}`, async () => {
      const snippet = path.join(SNIPPETS, file);
      const { reads, diagnoses } = await diagnosePaths([snippet]);
      expect(reads.map((r) => r.kind)).toEqual([exp!.kind]);
      const app = only(diagnoses, () => true, 'diagnosis');
      if (exp!.code === null) {
        expect(app.findings.filter((f) => f.severity === 'critical' && isMemoryFinding(f))).toEqual([]);
        expect(app.verdict).toBeNull();
        return;
      }
      expect(app.verdict).toMatchObject({ code: exp!.code, role: exp!.role, region: exp!.region });
      // Every quote of the failure is cited in the snippet, at a line.
      const matched = findingOf(app, exp!.code).evidence.filter((e) => e.messageId === 'matched');
      expect(matched.length).toBeGreaterThan(0);
      for (const e of matched) expect(e.at).toEqual({ file: snippet, line: expect.any(Number) });
    });
  }
});
