import type { InputKind } from './containerlogs/kinds.js';
import type { AppRead, InputRead } from './read.js';
import type { ClusterManager, Outcome } from './state/app.js';

/** `inspect --format json` (the contract in README.md). */
export interface InputSummary {
  path: string;
  kind: InputKind;
  compression: 'none' | 'zstd' | 'lz4' | 'snappy' | 'lzf' | 'gzip' | 'zip';
  layout: InputRead['layout'];
  lines: number;
  malformedLines: number;
  truncated: boolean;
  error?: string;
}

export interface ApplicationSummary {
  appId: string | null;
  attemptId: string | null;
  appName: string | null;
  sparkVersion: string | null;
  clusterManager: ClusterManager;
  outcome: Outcome;
  startTime: number | null;
  endTime: number | null;
  events: Record<string, number>;
  executors: number;
  jobs: { total: number; failed: number };
  stages: { total: number; failed: number };
  tasks: { total: number; failed: number; killed: number };
}

export interface InspectReport {
  inputs: InputSummary[];
  applications: ApplicationSummary[];
}

export function summarizeInput(r: InputRead): InputSummary {
  const s: InputSummary = {
    path: r.path,
    kind: r.kind,
    compression: r.compression ?? 'none',
    layout: r.layout,
    lines: sum(r.apps, (a) => a.stats.lines),
    malformedLines: sum(r.apps, (a) => a.stats.malformedLines),
    truncated: r.apps.some((a) => a.stats.truncated),
  };
  if (r.error !== undefined) s.error = r.error;
  return s;
}

/**
 * Outcome: no ApplicationEnd → incomplete (the driver died, or is still running). With one, the
 * ExitCode Spark 4 writes decides; before that, an application whose last job failed is taken as
 * failed, since an uncaught job failure is what ends a failed driver.
 */
export function outcomeOf(a: AppRead): Outcome {
  const s = a.state;
  if (!s.hasEventLog) return 'unknown'; // container logs and kubectl output do not say how the app ended
  if (!s.ended) return 'incomplete';
  if (s.exitCode !== null) return s.exitCode === 0 ? 'succeeded' : 'failed';
  return s.lastJobFailed ? 'failed' : 'succeeded';
}

export function summarizeApp(a: AppRead): ApplicationSummary {
  const s = a.state;
  return {
    appId: s.appId,
    attemptId: s.attemptId,
    appName: s.appName,
    sparkVersion: s.sparkVersion,
    clusterManager: s.clusterManager,
    outcome: outcomeOf(a),
    startTime: s.startTime,
    endTime: s.endTime,
    events: Object.fromEntries([...a.stats.eventCounts].sort(([x], [y]) => x.localeCompare(y))),
    executors: s.executorCount,
    jobs: { total: s.jobsTotal, failed: s.jobsFailed },
    stages: { total: s.stagesTotal, failed: s.stagesFailed },
    tasks: { total: s.tasksTotal, failed: s.tasksFailed, killed: s.tasksKilled },
  };
}

function sum<T>(xs: T[], f: (x: T) => number): number {
  return xs.reduce((acc, x) => acc + f(x), 0);
}
