import type { Classifier } from './define.js';
import arraySizeOom from './array-size-oom.js';
import broadcastOom from './broadcast-oom.js';
import contextShutdown from './context-shutdown.js';
import directBufferOom from './direct-buffer-oom.js';
import driverLost from './driver-lost.js';
import executionMemory from './execution-memory.js';
import executorExit from './executor-exit.js';
import exit137 from './exit-137.js';
import fetchFailed from './fetch-failed.js';
import gcOverhead from './gc-overhead.js';
import gcPressure from './gc-pressure.js';
import gpuOom from './gpu-oom.js';
import heapBelowMinimum from './heap-below-minimum.js';
import heapOom from './heap-oom.js';
import heapUnderused from './heap-underused.js';
import heartbeatTimeout from './heartbeat-timeout.js';
import heavySpill from './heavy-spill.js';
import jobFailed from './job-failed.js';
import jvmOomExit from './jvm-oom-exit.js';
import jvmQuakeExit from './jvm-quake-exit.js';
import kryoBufferOverflow from './kryo-buffer-overflow.js';
import limitMismatch from './limit-mismatch.js';
import maxResultSize from './max-result-size.js';
import metaspaceOom from './metaspace-oom.js';
import nativeThreadOom from './native-thread-oom.js';
import offheapOom from './offheap-oom.js';
import oomKilled from './oom-killed.js';
import podEvicted from './pod-evicted.js';
import pythonMemoryError from './python-memory-error.js';
import pythonWorkerCrash from './python-worker-crash.js';
import pythonWorkerFault from './python-worker-fault.js';
import stillRunning from './still-running.js';
import taskFailed from './task-failed.js';
import taskSkew from './task-skew.js';
import yarnMemoryExceeded from './yarn-memory-exceeded.js';
import yarnVmemExceeded from './yarn-vmem-exceeded.js';

/** Every classifier, sorted by code. Explicit on purpose: the test suite checks it against the files. */
export const CLASSIFIERS: readonly Classifier[] = [
  arraySizeOom,
  broadcastOom,
  contextShutdown,
  directBufferOom,
  driverLost,
  executionMemory,
  executorExit,
  exit137,
  fetchFailed,
  gcOverhead,
  gcPressure,
  gpuOom,
  heapBelowMinimum,
  heapOom,
  heapUnderused,
  heartbeatTimeout,
  heavySpill,
  jobFailed,
  jvmOomExit,
  jvmQuakeExit,
  kryoBufferOverflow,
  limitMismatch,
  maxResultSize,
  metaspaceOom,
  nativeThreadOom,
  offheapOom,
  oomKilled,
  podEvicted,
  pythonMemoryError,
  pythonWorkerCrash,
  pythonWorkerFault,
  stillRunning,
  taskFailed,
  taskSkew,
  yarnMemoryExceeded,
  yarnVmemExceeded,
];

export const byCode = (code: string): Classifier | undefined => CLASSIFIERS.find((c) => c.code === code);
