/**
 * What the model tells beside the numbers: codes and raw data (bytes as integers). The words are in
 * src/render/memory-words.ts (memoryNoteText, renderNotes).
 */
import type { MemoryData } from './errors.js';

/** @public Every code, documented where it is declared (part of the JSON contract). */
export const MEMORY_NOTE_CODES = [
  // how the inputs were decided
  'deploy-mode', // { mode, reason }
  'python-app', // { python, reason, sparkFlag } — how we decided the app is (not) Python, and whether Spark's own flag says so
  'collector', // { role, collector, reason, flag, javaMajor }
  'jvm-max-memory', // { role, heap, maxMemory, gap, collector, exact }
  'testing-memory', // { key, value } spark.testing.memory replaces Runtime.maxMemory
  'testing-reserved', // { key, value, reserved }
  'default-applied', // { key, value }
  // executor sizes
  'local-executor-is-driver', // {}
  'heap-from-resource-profile', // { mib }
  'heap-bare-number', // { key, value, heapMiB, checkedBytes } a bare number: MiB for the container, bytes for Spark's check
  'cores-from-log', // { cores }
  'cores-assumed-one', // {}
  'legacy-static', // { since16 } the static manager: before 1.6, or useLegacyMode before 3.0
  'memory-fraction-zero', // {} accepted: nothing for storage and execution
  'offheap-pool', // { bytes, storage, execution }
  'offheap-all-execution', // { bytes, reason: 'spark-1.6' | 'legacy' }
  'offheap-not-in-container', // { bytes, manager, since } added to the container only from `since`
  'pyspark-before-2-4', // { key }
  'pyspark-not-python', // { key, flag } set, but Spark adds it only for Python apps
  'python-workers-in-overhead', // {}
  'overhead-default', // { role, factor, factorKey, minMiB, minKey, overheadMiB, nonJvm }
  'overhead-explicit', // { role, key, mib }
  'overhead-alternate', // { role, key, primary } an older name Spark still reads (SparkConf alternates, 2.3+)
  'overhead-key-ignored', // { role, key, manager, reason }
  'no-container', // { manager }
  'driver-no-container', // { reason: 'client' | 'local' | 'standalone' | 'mesos-client' }
  'yarn-am-container', // { amMiB, overheadMiB, totalMiB, overheadKey }
  'max-result-size-unlimited', // {}
  'max-result-size-truncated', // { value, bytes } up to 2.3: whole MiB, bare number = bytes
  'min-heap-on-max-memory', // { role, heap, maxMemory, minimum } the 450 MiB minimum applies to Runtime.maxMemory
  'task-cpus-exceed-cores', // { cores, taskCpus } before 3.0 Spark starts but never schedules a task
  // what the log observed
  'observed-reproduced', // { who, count, ids, pool, region }
  'observed-other-collector', // { who, count, ids, pool, formula, collector, assumed }
  'observed-survivor-gap', // { who, count, ids, pool, formula, impliedMaxMemory, gap, heap, collector }
  'observed-settings-differ', // { who, count, ids, pool, formula }
  'observed-heap-unknown', // { who, count, ids, pool, formula, impliedMaxMemory, heap } the log records no heap: Spark's default was assumed
  'observed-version-unknown', // { who, count, ids, pool, formula, impliedMaxMemory } the log records no Spark version
  'observed-not-local', // { who, count, ids, pool, formula, impliedMaxMemory } executors in a local-mode log
  'observed-unexplained', // { who, count, ids, pool, formula, impliedMaxMemory, gap }
] as const;

export type MemoryNoteCode = (typeof MEMORY_NOTE_CODES)[number];

export interface MemoryNote {
  code: MemoryNoteCode;
  data: MemoryData;
}

export const note = (code: MemoryNoteCode, data: MemoryData = {}): MemoryNote => ({ code, data });
