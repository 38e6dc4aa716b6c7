import type { Location } from '../input/stats.js';
import type { AppState } from '../state/app.js';
import { POD_PREFIX } from '../state/signals.js';

/** What kubectl (describe, -o json, -o yaml) says about one pod, in one shape. */
export interface PodFacts {
  name: string | null;
  labels: Record<string, string>;
  /** Pod-level status reason and message (Evicted, …). */
  reason: string | null;
  message: string | null;
  at: Location;
  containers: ContainerFacts[];
}

export interface ContainerFacts {
  name: string | null;
  env: Record<string, string>;
  limitMemory: string | null;
  terminated: Array<{ which: 'state' | 'lastState'; reason: string | null; exitCode: number | null; at: Location }>;
}

// The Spark container of a pod: its name since 3.0 (Constants.DEFAULT_*_CONTAINER_NAME), and 2.4's.
const SPARK_CONTAINERS = ['spark-kubernetes-executor', 'spark-kubernetes-driver', 'executor', 'driver'];

/** Kubernetes quantities ("18Gi", "1536Mi", "2G", "512M", bytes) in bytes. */
export function parseQuantity(q: string): number | null {
  const m = /^\s*([0-9]+(?:\.[0-9]+)?)\s*(Ki|Mi|Gi|Ti|Pi|k|K|M|G|T|P|m)?\s*$/.exec(q);
  if (!m) return null;
  const mult: Record<string, number> = {
    Ki: 2 ** 10,
    Mi: 2 ** 20,
    Gi: 2 ** 30,
    Ti: 2 ** 40,
    Pi: 2 ** 50,
    k: 1e3,
    K: 1e3,
    M: 1e6,
    G: 1e9,
    T: 1e12,
    P: 1e15,
    m: 1e-3,
  };
  return Math.round(Number(m[1]) * (m[2] ? mult[m[2]]! : 1));
}

/**
 * Turns a pod's facts into signals and settings. The Spark container's own termination counts:
 * a sidecar that exited 0 says nothing (SPARK-49804). Exit codes read as Spark's
 * ExecutorPodsLifecycleManager would print them, so the same classifiers apply.
 */
export function emitPod(app: AppState, pod: PodFacts): void {
  app.clusterManagerHint ??= 'kubernetes';
  const labels = pod.labels;
  const appId = labels['spark-app-selector'] ?? pod.containers.map((c) => c.env.SPARK_APPLICATION_ID).find(Boolean) ?? null;
  if (appId && app.appId === null) app.appId = appId;
  const role = labels['spark-role'] ?? (/-driver$/.test(pod.name ?? '') ? 'driver' : /-exec-\d+$/.test(pod.name ?? '') ? 'executor' : null);
  const spark =
    pod.containers.find((c) => SPARK_CONTAINERS.includes(c.name ?? '')) ?? (pod.containers.length === 1 ? pod.containers[0] : undefined);
  // A pod with nothing of Spark's (no spark-role label, no app selector, no Spark container or SPARK_ env,
  // no driver/executor name) is some other workload on the node: named as the pod, never "executors".
  const isSpark =
    role !== null ||
    appId !== null ||
    pod.containers.some((c) => SPARK_CONTAINERS.includes(c.name ?? '') || Object.keys(c.env).some((k) => k.startsWith('SPARK_')));
  const execId =
    role === 'driver'
      ? 'driver'
      : (labels['spark-exec-id'] ??
        spark?.env.SPARK_EXECUTOR_ID ??
        /-exec-(\d+)$/.exec(pod.name ?? '')?.[1] ??
        (!isSpark && pod.name ? `${POD_PREFIX}${pod.name}` : null));
  if (spark) {
    const heap = role === 'driver' ? spark.env.SPARK_DRIVER_MEMORY : spark.env.SPARK_EXECUTOR_MEMORY;
    if (heap) app.derive(role === 'driver' ? 'spark.driver.memory' : 'spark.executor.memory', heap, { kind: 'pod-env', pod: pod.name });
    if (spark.limitMemory) {
      const limit = parseQuantity(spark.limitMemory);
      const heapBytes = heap
        ? parseQuantity(heap.replace(/([kmgt])b?$/i, (u) => ({ k: 'Ki', m: 'Mi', g: 'Gi', t: 'Ti' })[u[0]!.toLowerCase()]!))
        : null;
      if (limit !== null) app.learn({ kind: 'pod-limit', pod: pod.name, limit: spark.limitMemory, bytes: limit });
      if (limit !== null && heap !== undefined && heapBytes !== null && limit > heapBytes && role !== 'driver') {
        app.derive('spark.executor.memoryOverhead', `${Math.floor((limit - heapBytes) / 2 ** 20)}m`, {
          kind: 'pod-limit',
          pod: pod.name,
          limit: spark.limitMemory,
          heap,
        });
      }
    }
  }
  const containers = spark ? [spark] : pod.containers;
  for (const c of containers) {
    for (const t of c.terminated) {
      if (t.exitCode === 0 && t.reason !== 'OOMKilled') continue;
      const text = `pod ${pod.name ?? '(unnamed)'} container ${c.name ?? '(unnamed)'} ${t.which === 'lastState' ? 'last state' : 'state'}: terminated, exit code: ${t.exitCode ?? 'unknown'}, termination reason: ${t.reason ?? 'unknown'}`;
      app.signals.add({ source: 'executor-removed', text, executor: execId, at: t.at });
    }
  }
  if (pod.reason === 'Evicted' || /low on resource: memory/.test(pod.message ?? '')) {
    app.signals.add({
      source: 'executor-removed',
      text: `pod ${pod.name ?? '(unnamed)'} evicted: ${pod.message ?? pod.reason ?? 'no reason given'}`,
      executor: execId,
      at: pod.at,
    });
  }
}

export function emptyPod(at: Location): PodFacts {
  return { name: null, labels: {}, reason: null, message: null, at, containers: [] };
}

export function emptyContainer(name: string | null): ContainerFacts {
  return { name, env: {}, limitMemory: null, terminated: [] };
}
