import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isMemoryFinding } from '../../src/diagnose/index.js';
import type { Region, Role } from '../../src/findings.js';
import { diagnosePaths, findingOf, fixture, only } from '../helpers.js';

/**
 * What a Spark expert reads in each excerpt, written before the tool was run on it. `code`: the memory
 * verdict (null: no memory failure shown); `failure`: with none, what failed; `role` and `region`: whose
 * process and which memory (left out where the text cannot tell, with the reason beside it); `process`:
 * local mode's one JVM. `ambiguous`: the text does not show what killed the job; the tool must not claim
 * a memory failure with high confidence.
 */
type Expect = { code: string | null; failure?: string; role?: Role; region?: Region; process?: 'local-mode' } | { ambiguous: string };

/**
 * Real excerpts the tool had not seen (fixtures/snippets-holdout, first line = source), gathered to measure
 * its accuracy again: Spark 1.x to 3.x, YARN (EMR, Dataproc, CDH), Kubernetes, standalone, local mode,
 * Databricks, PySpark, RAPIDS and Gluten, and failures that are not memory.
 */
const HOLDOUT: Record<string, Expect> = {
  // TaskSetManager quoting the YARN kill of executor 11's container (physical memory): the executor's overhead.
  '01_dataproc_job_aborted_pmem_kill_executorlostfailure_gatk.txt': { code: 'yarn-memory-exceeded', role: 'executor', region: 'overhead' },
  // TaskSetManager.canFetchMoreResults, in the driver: 3.x's MiB, 1.x's "main" thread, a GiB value without
  // parentheses (as a notebook shows it), and a workflow runner's prefix.
  '02_maxresultsize_MiB_tasksetmanager_spark3_rapids.txt': { code: 'max-result-size', role: 'driver', region: 'maxResultSize' },
  '03_maxresultsize_GB_main_thread_spark1x_hail.txt': { code: 'max-result-size', role: 'driver', region: 'maxResultSize' },
  '04_maxresultsize_GiB_no_parentheses_great_expectations.txt': { code: 'max-result-size', role: 'driver', region: 'maxResultSize' },
  '05_maxresultsize_toil_leader_prefix.txt': { code: 'max-result-size', role: 'driver', region: 'maxResultSize' },
  // The JDK's direct-memory limit in a Netty handler. Whose JVM: the abort ("Exception while getting task
  // result") is the driver's TaskResultGetter, but it is quoted from the UI, not a line of the log that holds
  // the error, and TransportChannelHandler runs in every JVM: the role is not decided by the text.
  '06_direct_buffer_memory_task_result_fetch_jobserver_driver.txt': { code: 'direct-buffer-oom', region: 'overhead' },
  // Netty's own direct-memory counter (PlatformDependent.incrementMemoryCounter) in a shuffle: as itself, as a
  // fetch failure's message before 3.2, and as 3.2+'s "fetch failed after 10 retries due to Netty OOM".
  '07_netty_out_of_direct_memory_error_multithreaded_shuffle.txt': { code: 'direct-buffer-oom', role: 'executor', region: 'overhead' },
  '08_fetchfailed_failed_to_allocate_direct_memory_spark31.txt': { code: 'direct-buffer-oom', role: 'executor', region: 'overhead' },
  '09_fetch_failed_after_retries_due_to_netty_oom_gluten.txt': { code: 'direct-buffer-oom', role: 'executor', region: 'overhead' },
  // Thread creation refused in a task (JDK 8 and 11+ wordings; a log4j2 layout; the uncaught-exception handler).
  '10_native_thread_executor_task_local_bigstitcher.txt': { code: 'native-thread-oom', role: 'executor', region: 'container' },
  '11_native_thread_jdk11_wording_log4j2_layout_sparkler.txt': { code: 'native-thread-oom', role: 'executor', region: 'container' },
  '12_native_thread_uncaught_task_thread_python_runner_spark33.txt': { code: 'native-thread-oom', role: 'executor', region: 'container' },
  // Exit 143 "Killed by external signal": SIGTERM on request (preemption, the driver's kill), not a memory kill.
  '13_zeppelin_job_aborted_exit143_killed_by_external_signal.txt': {
    code: null,
    failure: 'executor-exit',
    role: 'executor',
    region: 'none',
  },
  // EMR: two containers SIGKILLed (137) with no reason given, beside two that failed to launch (exit 1).
  '14_emr_container_from_bad_node_exit137.txt': { code: 'exit-137', role: 'executor', region: 'container' },
  // A sidecar's exit 0 reported as the pod's (SPARK-49804); the executor container itself exited 52 (JVM OOM).
  '15_k8s_sidecar_exit0_reported_executor_container_exit52.txt': { code: 'jvm-oom-exit', role: 'executor', region: 'heap' },
  // ExecutorPodsLifecycleManager's 137: SIGKILL, no termination reason in the excerpt.
  '16_k8s_exit137_sigkill_possible_container_oom_spark33.txt': { code: 'exit-137', role: 'executor', region: 'container' },
  // A Python worker died with no traceback: most often killed for memory, in the executor's overhead.
  '17_python_worker_crashed_caused_by_petastorm.txt': { code: 'python-worker-crash', role: 'executor', region: 'overhead' },
  // The same on "executor driver", the task line hard-wrapped by the console: local mode's one JVM.
  '18_python_worker_crashed_local_executor_driver_wrapped_line.txt': {
    code: 'python-worker-crash',
    role: 'driver',
    region: 'overhead',
    process: 'local-mode',
  },
  // MemoryConsumer.throwOom: the memory manager refused (got less than asked), not the JVM.
  '19_unable_to_acquire_got_nonzero_spark23_test.txt': { code: 'execution-memory', role: 'executor', region: 'execution' },
  // Java heap space in a task on "executor driver" (local mode). The region is left out: a shuffle fetch's
  // buffer is heap outside the memory manager, which one may call the heap or user memory.
  '20_local_executor_driver_heap_oom_shuffle_fetch_docker.txt': { code: 'heap-oom', role: 'driver', process: 'local-mode' },
  // Local mode's heartbeat timeout ("Lost executor driver"): the one JVM froze, most often in full GC.
  '21_local_heartbeat_timeout_executor_driver_sbt_spark16.txt': { code: 'heartbeat-timeout', role: 'driver', region: 'heap' },
  // A task's own exception, four times: a missing class, not memory.
  '22_classnotfound_task_failed_4_times_carbondata.txt': { code: null, failure: 'task-failed', role: 'executor', region: 'none' },
  // An I/O error in a task on "executor driver": not memory; the task ran in local mode's one JVM.
  '23_local_fserror_ioexception_colab.txt': {
    code: null,
    failure: 'task-failed',
    role: 'driver',
    region: 'none',
    process: 'local-mode',
  },
  // Standalone: an executor JVM exited 1 (a generic error), not a memory kill.
  '24_standalone_executor_exited_code1_sparkr.txt': { code: null, failure: 'executor-exit', role: 'executor', region: 'none' },
  // A bare OutOfMemoryError from ByteArrayOutputStream.hugeCapacity: the buffer would pass 2^31 bytes (a
  // record or result over 2 GiB), whatever the heap: the array-size limit, in a task.
  '25_bare_oom_bytearrayoutputstream_hugecapacity_hdinsight.txt': { code: 'array-size-oom', role: 'executor', region: 'user' },
  // Dataproc (a fully qualified logger) and 2.3+'s YARN-4714 wording: YARN's physical-memory kill.
  '26_dataproc_pmem_kill_qualified_logger.txt': { code: 'yarn-memory-exceeded', role: 'executor', region: 'overhead' },
  // The container failed at launch (exit 255, an assertion in native code): not memory.
  '27_yarn_exit255_container_launch_prelaunch_err.txt': { code: null, failure: 'executor-exit', role: 'executor', region: 'none' },
  '28_pmem_kill_yarn4714_wording_openaire.txt': { code: 'yarn-memory-exceeded', role: 'executor', region: 'overhead' },
  // "Remote RPC client disassociated. Likely due to containers exceeding thresholds, or network issues": Spark's
  // guess, not a reason; nothing shows memory.
  '29_databricks_rpc_disassociated_likely_thresholds.txt': { code: null },
  '30_databricks_driver_stopped_unexpectedly_chauffeur.txt': {
    ambiguous: "Databricks' notice that its driver restarted: a driver OOM, a JVM crash or a restart all print it; the text names no cause",
  },
  // A task could not fetch the application's files (a dependency update): not memory.
  '31_failed_to_fetch_dependency_update_databricks_sparklyr.txt': { code: null, failure: 'task-failed', role: 'executor', region: 'none' },
  // Second batch, gathered after the first fixes and written down before running the tool on it.
  // Pods evicted for the node's ephemeral storage (disk), not its memory: no memory failure.
  '32_k8s_evicted_ephemeral_storage_job_aborted_spark30.txt': { code: null },
  '33_k8s_evicted_ephemeral_storage_tasksetmanager_spark24.txt': { code: null },
  // UnifiedMemoryManager.getMaxMemory refused the driver's heap (1.6/2.0's "4.718592E8" wording behind a
  // docker-compose prefix; 3.x's behind a terminal table's borders): below 1.5 x the reserved 300 MiB.
  '34_heap_below_minimum_spark20_wording_docker_compose_prefix.txt': { code: 'heap-below-minimum', role: 'driver', region: 'reserved' },
  '35_heap_below_minimum_k8s_table_borders.txt': { code: 'heap-below-minimum', role: 'driver', region: 'reserved' },
  // A task's result outgrew spark.kryoserializer.buffer.max in Executor$TaskRunner.run, a stack on one line.
  '36_kryo_buffer_overflow_one_line_stack_task_result.txt': { code: 'kryo-buffer-overflow', role: 'executor', region: 'user' },
  '37_bare_oom_thrown_from_uncaught_handler_local_spark11.txt': {
    ambiguous:
      'a bare OutOfMemoryError thrown from the uncaught-exception handler in local mode: a JVM ran out of memory, but the message does not say which memory',
  },
};

const DIR = fixture('snippets-holdout');

describe('every snippet in fixtures/snippets-holdout', () => {
  const files = readdirSync(DIR)
    .filter((f) => f.endsWith('.txt'))
    .sort();

  it('has an expectation for each file (a new snippet needs one)', () => {
    expect(files).toEqual(Object.keys(HOLDOUT).sort());
  });

  for (const file of files) {
    const exp = HOLDOUT[file]!;
    const title = 'ambiguous' in exp ? 'ambiguous' : (exp.code ?? `no memory failure${exp.failure ? `; ${exp.failure}` : ''}`);
    it(`${file}: ${title}`, async () => {
      const snippet = path.join(DIR, file);
      const { diagnoses } = await diagnosePaths([snippet]);
      if ('ambiguous' in exp) {
        // Whatever is read, no memory failure is claimed with high confidence.
        for (const d of diagnoses) {
          expect(d.findings.filter((f) => isMemoryFinding(f) && f.severity === 'critical' && f.confidence === 'high')).toEqual([]);
        }
        return;
      }
      const app = only(diagnoses, () => true, 'diagnosis');
      if (exp.code === null) {
        expect(app.findings.filter((f) => f.severity === 'critical' && isMemoryFinding(f))).toEqual([]);
        expect(app.verdict).toBeNull();
        if (exp.failure !== undefined) expect(app.failure?.code).toBe(exp.failure);
      } else {
        expect(app.verdict?.code).toBe(exp.code);
      }
      const named = exp.code ?? exp.failure;
      if (named === undefined) return;
      const f = findingOf(app, named);
      if (exp.role !== undefined) expect(f.role, 'role').toBe(exp.role);
      if (exp.region !== undefined) expect(f.region, 'region').toBe(exp.region);
      if (exp.process !== undefined) {
        expect(f.evidence.filter((e) => e.messageId === 'process').map((e) => e.messageId === 'process' && e.data.kind)).toEqual([
          exp.process,
        ]);
      }
      // Every quote of the failure is cited at the line of the snippet that holds it.
      const lines = readFileSync(snippet, 'utf8').split(/\r?\n/);
      const matched = f.evidence.filter((e) => e.messageId === 'matched');
      expect(matched.length).toBeGreaterThan(0);
      for (const e of matched) {
        expect(e.at).toEqual({ file: snippet, line: expect.any(Number) });
        const quote = e.data.text.replace(/^…/, '').trim().slice(0, 40).trim();
        expect(lines[e.at!.line - 1], `line ${e.at!.line} holds "${quote}"`).toContain(quote);
      }
    });
  }
});
