import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LogScanner } from '../../src/containerlogs/scanner.js';
import type { ProcessRole } from '../../src/containerlogs/roles.js';
import { isMemoryFinding } from '../../src/diagnose/index.js';
import type { Region, Role } from '../../src/findings.js';
import type { InputKind } from '../../src/input/sniff.js';
import { AppState, type ClusterManager } from '../../src/state/app.js';
import { diagnosePaths, findingOf, fixture, hasShared, only, SNIPPETS } from '../helpers.js';

type Expect = {
  kind: InputKind;
  /** The memory verdict's code; null: no memory failure. */
  code: string | null;
  role?: Role;
  region?: Region;
  /** With no memory failure: what failed (Diagnosis.failure), when something is named. */
  failure?: string | null;
  /** What the evidence says the process was, beside the role (local mode's one JVM, a client-mode YARN AM). */
  process?: 'local-mode' | 'yarn-am';
  /** Whose log the text alone shows (src/containerlogs/roles.ts), when the snippet is read on its own. */
  reads?: ProcessRole | null;
  /** The cluster manager the driver's own lines name (src/containerlogs/scanner.ts CLUSTER_MANAGER_LINES). */
  cm?: ClusterManager;
};

/**
 * Every real excerpt in ../shared/snippets (quoted from public issues), with what it shows. The
 * first line of each is its source URL, which the scanner reads past like any other line.
 */
const SHARED: Record<string, Expect> = {
  '01_yarn_driver_lost_executor_disassociated_spark15.txt': { kind: 'spark-log', code: null }, // RPC disassociation: not shown to be memory
  '02_yarn_vmem_killed_spark22_driver.txt': {
    cm: 'yarn',
    kind: 'spark-log',
    code: 'yarn-vmem-exceeded',
    role: 'executor',
    region: 'container',
  },
  '04_yarn_pmem_killed_task_failed_4_times_spark2x.txt': {
    cm: 'yarn',
    kind: 'spark-log',
    code: 'yarn-memory-exceeded',
    role: 'executor',
    region: 'overhead',
  },
  '05_yarn_pmem_killed_spark23_pr20735.txt': {
    cm: 'yarn',
    kind: 'unknown',
    code: 'yarn-memory-exceeded',
    role: 'executor',
    region: 'overhead',
  },
  '07_k8s_driver_exit137_spark24_containerstatus_tostring.txt': {
    cm: 'kubernetes',
    kind: 'spark-log',
    code: 'exit-137',
    role: 'executor',
    region: 'container',
  }, // the driver's log about executor 1; the excerpt ends before the reason
  '09_executor_task_java_heap_space_spill_reader.txt': { kind: 'spark-log', code: 'heap-oom', role: 'executor', region: 'execution' },
  '10_k8s_prototype_executor_lost_unknown_reasons_2017.txt': { kind: 'spark-log', code: null },
  '12_local_gc_overhead_heartbeat_timeout.txt': {
    kind: 'spark-log',
    code: 'gc-overhead',
    role: 'driver',
    region: 'heap',
    process: 'local-mode',
  }, // local mode: the executor is the driver
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
  }, // container …_000001: the AM, the driver in cluster mode (the mode is not known here)
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
  // Spark 1.6 local mode: TaskSetManager (the driver) and Executor/PythonRunner (a task) log in one JVM.
  '35_pyspark_worker_crashed_spark16_pythonrunner_error.txt': {
    kind: 'spark-log',
    code: 'python-worker-crash',
    role: 'driver',
    region: 'overhead',
    process: 'local-mode',
  },
  '36_kryo_buffer_overflow_spark3x_task_result.txt': {
    kind: 'spark-log',
    code: 'kryo-buffer-overflow',
    role: 'driver',
    region: 'user',
    process: 'local-mode',
  }, // "executor driver": local mode
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

/**
 * The real excerpts gathered for issue 16 (fixtures/snippets-16, first line = source): roles from
 * context, error classes, TaskMemoryManager and Gluten breakdowns, Python crashes, exit codes.
 */
const ISSUE16: Record<string, Expect> = {
  // Threads only a driver has and YarnSchedulerBackend$YarnSchedulerEndpoint: the driver's own log.
  '01_driver_log_bare_oom_threads_yarn_client_spark2x.txt': {
    cm: 'yarn',
    kind: 'spark-log',
    code: 'heap-oom',
    role: 'driver',
    region: 'heap',
    reads: 'driver',
  },
  // ": java.lang.OutOfMemoryError" straight under the Py4J call: the driver JVM threw it.
  '02_py4j_fit_driver_heap_oom_colab.txt': { kind: 'spark-log', code: 'heap-oom', role: 'driver', region: 'heap', reads: null },
  // The same, JSON-escaped on one line (a notebook's saved error).
  '03_py4j_json_one_line_driver_oom_deserializer.txt': { kind: 'spark-log', code: 'heap-oom', role: 'driver', region: 'heap', reads: null },
  // Spark 4: "[UNABLE_TO_ACQUIRE_MEMORY] … SQLSTATE: 53200" on "executor driver", behind a Jenkins timestamp prefix.
  '04_spark4_error_class_unable_to_acquire_sqlstate_local_collectToPython.txt': {
    kind: 'spark-log',
    code: 'execution-memory',
    role: 'driver',
    region: 'execution',
    process: 'local-mode',
    reads: 'local',
  },
  '05_local_executor_driver_heap_oom_job_aborted_py4j.txt': {
    kind: 'spark-log',
    code: 'heap-oom',
    role: 'driver',
    region: 'heap',
    process: 'local-mode',
    reads: 'local',
  },
  // Without its file's context, the task thread says executor.
  '06_uncaught_oom_executor_task_thread_local_source.txt': {
    kind: 'spark-log',
    code: 'heap-oom',
    role: 'executor',
    region: 'heap',
    reads: null,
  },
  // A client-mode AM (it cannot reach its driver) exited 10: not memory, not the driver.
  '07_yarn_client_am_diag_failed_to_connect_to_driver_exit10.txt': {
    kind: 'yarn-diagnostics',
    code: null,
    failure: 'executor-exit',
    role: 'driver',
    region: 'none',
    process: 'yarn-am',
    reads: 'am',
  },
  '08_yarn_am_log_head_signal_handlers_spark2x.txt': { cm: 'yarn', kind: 'spark-log', code: null, failure: null, reads: 'am' },
  // A TaskMemoryManager dump alone is not a failure.
  '09_taskmemorymanager_dump_two_unsafeexternalsorters_spark4.txt': { kind: 'spark-log', code: null, failure: null, reads: 'executor' },
  '10_gluten_tmm_dump_then_offheap_oom_consumer_tree.txt': {
    kind: 'spark-log',
    code: 'offheap-oom',
    role: 'executor',
    region: 'offHeap',
    reads: 'executor',
  },
  '11_gluten_glutenexception_consumer_tree_wholestageiterator.txt': {
    kind: 'unknown',
    code: 'offheap-oom',
    role: 'executor',
    region: 'offHeap',
    reads: null,
  },
  // A faulthandler dump: a native crash, not a memory limit.
  '12_python_segfault_faulthandler_jvm_side_spark32.txt': {
    kind: 'spark-log',
    code: null,
    failure: 'python-worker-fault',
    role: 'executor',
    region: 'none',
    reads: null,
  },
  // The bare form (a segfault with the faulthandler off, or a kill): low confidence, in local mode's one JVM.
  '13_python_crash_no_faulthandler_local_collectToPython_spark35.txt': {
    kind: 'spark-log',
    code: 'python-worker-crash',
    role: 'driver',
    region: 'overhead',
    process: 'local-mode',
    reads: 'local',
  },
  '14_python_crash_faulthandler_daemon_flush_not_segfault.txt': {
    kind: 'spark-log',
    code: null,
    failure: 'python-worker-fault',
    role: 'executor',
    region: 'none',
    reads: 'driver',
  },
  // A driver-side action (collectAndServe) around an executor's worker crash: still the executor.
  '15_py4j_collectAndServe_executor_python_worker_crashed.txt': {
    kind: 'spark-log',
    code: 'python-worker-crash',
    role: 'executor',
    region: 'overhead',
    reads: null,
  },
  '16_yarn_exit143_killed_by_external_signal_driver_log.txt': {
    cm: 'yarn',
    kind: 'spark-log',
    code: null,
    failure: 'executor-exit',
    role: 'executor',
    region: 'none',
    reads: 'driver',
  },
  // Exit 56: the executor could not reach the driver.
  '17_executor_heartbeat_failure_exit56_k8s_prototype.txt': {
    kind: 'spark-log',
    code: null,
    failure: 'executor-exit',
    role: 'executor',
    region: 'none',
    reads: 'executor',
  },
  '18_fetch_failed_missing_output_location_dagscheduler.txt': {
    kind: 'spark-log',
    code: null,
    failure: 'fetch-failed',
    role: 'executor',
    region: 'none',
    reads: 'driver',
  },
  '19_k8s_driver_log_executor_lost_shuffle_files_lost.txt': {
    cm: 'kubernetes',
    kind: 'spark-log',
    code: null,
    failure: null,
    reads: 'driver',
  },
  '20_sparkcontext_shut_down_by_ctrl_c.txt': {
    kind: 'spark-log',
    code: null,
    failure: 'context-shutdown',
    role: 'driver',
    region: 'none',
    reads: 'driver',
  },
  '21_sparkcontext_shut_down_yarn_client_monitor_thread.txt': {
    kind: 'spark-log',
    code: null,
    failure: 'context-shutdown',
    role: 'driver',
    region: 'none',
    reads: null,
  },
  // Databricks: the driver itself was SIGKILLed.
  '22_databricks_driver_down_exit137_one_line.txt': { kind: 'unknown', code: 'exit-137', role: 'driver', region: 'container', reads: null },
  // kubectl logs <app>-driver: the entrypoint's spark-submit … --deploy-mode client is the driver in its pod.
  '23_kubectl_logs_driver_pod_entrypoint_header.txt': { kind: 'unknown', code: null, failure: null, reads: 'driver' },
  '24_standalone_worker_lost_rpc_disassociated_kibana_table.txt': { kind: 'spark-log', code: null, failure: null, reads: 'driver' },
  '25_local_heartbeat_timeout_executor_driver_task_lost.txt': {
    kind: 'spark-log',
    code: 'heartbeat-timeout',
    role: 'driver',
    region: 'heap',
    process: 'local-mode',
    reads: 'local',
  },
  '26_yarn_client_driver_heartbeat_removal_kill_request.txt': {
    cm: 'yarn',
    kind: 'spark-log',
    code: 'heartbeat-timeout',
    role: 'executor',
    region: 'heap',
    reads: 'driver',
  },
};

/** Whose log `file` is, as the scanner reads it on its own. */
function reads(file: string): ProcessRole | null {
  const scanner = new LogScanner(new AppState(), { file, role: null, executorId: null, containerId: null, containerExecutors: new Map() });
  readFileSync(file, 'utf8')
    .split(/\r?\n/)
    .forEach((l, i) => scanner.line(l, i + 1));
  scanner.end();
  return scanner.processRole;
}

function table(dir: string, expected: Record<string, Expect>): void {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.txt'))
    .sort();

  it('has an expectation for each file (a new snippet needs one)', () => {
    expect(files).toEqual(Object.keys(expected).sort());
  });

  for (const file of files) {
    const exp = expected[file]!;
    it(`${file}: ${exp.code ?? `no memory failure${exp.failure ? `; ${exp.failure}` : ''}`}`, async () => {
      const snippet = path.join(dir, file);
      const { reads: inputs, diagnoses } = await diagnosePaths([snippet]);
      expect(inputs.map((r) => r.kind)).toEqual([exp.kind]);
      const app = only(diagnoses, () => true, 'diagnosis');
      if (exp.reads !== undefined) expect(reads(snippet), 'whose log the text shows').toBe(exp.reads);
      if (exp.cm !== undefined) expect(app.clusterManager, 'the cluster manager its lines name').toBe(exp.cm);
      const lines = readFileSync(snippet, 'utf8').split(/\r?\n/);
      const named = exp.code ?? exp.failure ?? null;
      if (exp.code === null) {
        expect(app.findings.filter((f) => f.severity === 'critical' && isMemoryFinding(f))).toEqual([]);
        expect(app.verdict).toBeNull();
        if (exp.failure !== undefined) expect(app.failure?.code ?? null).toBe(exp.failure);
        if (exp.failure) expect(app.failure).toMatchObject({ role: exp.role, region: exp.region });
      } else {
        expect(app.verdict).toMatchObject({ code: exp.code, role: exp.role, region: exp.region });
      }
      if (named === null) return;
      const f = findingOf(app, named);
      expect(f.evidence.filter((e) => e.messageId === 'process').map((e) => e.messageId === 'process' && e.data.kind)).toEqual(
        exp.process ? [exp.process] : [],
      );
      // Every quote of the failure is cited in the snippet, at the line that holds it when the text is the file's own
      // (kubectl's fields are put together into one sentence, cited at the field that decided it).
      const matched = f.evidence.filter((e) => e.messageId === 'matched');
      expect(matched.length).toBeGreaterThan(0);
      for (const e of matched) {
        expect(e.at).toEqual({ file: snippet, line: expect.any(Number) });
        if (exp.kind === 'kubectl-describe' || exp.kind === 'kubectl-json' || exp.kind === 'yarn-aggregated-log') continue;
        const quote = e.data.text.replace(/^…/, '').trim().slice(0, 40).trim();
        expect(lines[e.at!.line - 1], `line ${e.at!.line} holds "${quote}"`).toContain(quote);
      }
    });
  }
}

describe.skipIf(!hasShared)('every snippet in ../shared/snippets', () => {
  table(SNIPPETS, SHARED);
});

describe('every snippet in fixtures/snippets-16', () => {
  table(fixture('snippets-16'), ISSUE16);
});
