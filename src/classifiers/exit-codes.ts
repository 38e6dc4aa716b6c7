/**
 * Exit codes of executor and driver processes, what each means and whether it can be memory. Read
 * from the sources, not recalled: Hadoop's ContainerExitStatus (negative: set by YARN), Spark's
 * SparkExitCode / ExecutorExitCode / ApplicationMaster (checked in the released jars 2.4.0–4.1.0),
 * ExecutorPodsLifecycleManager.describeExitCode (Kubernetes, 3.2+), POSIX signals (128 + n), and
 * Kyuubi's JVM Quake (SparkJVMQuake: exit 502, which a POSIX status keeps as 502 mod 256 = 246).
 * The words for each cause are in src/render/words/exit-codes.ts.
 */
export type ExitCause =
  | 'success'
  | 'yarn-aborted'
  | 'yarn-disks-failed'
  | 'yarn-preempted'
  | 'yarn-vmem'
  | 'yarn-pmem'
  | 'yarn-killed-by-am'
  | 'yarn-killed-by-rm'
  | 'yarn-after-completion'
  | 'yarn-killed-by-scheduler'
  | 'yarn-excess-logs'
  | 'generic'
  | 'am-uncaught-exception'
  | 'max-executor-failures'
  | 'am-reporter-failure'
  | 'am-context-not-initialized'
  | 'am-user-class-threw'
  | 'am-early-exit'
  | 'am-lost-driver'
  | 'uncaught-exception'
  | 'uncaught-exception-twice'
  | 'jvm-oom'
  | 'disk-store'
  | 'heartbeat-failure'
  | 'task-reaper'
  | 'block-manager-reregistration'
  | 'class-not-found'
  | 'driver-timeout'
  | 'command-not-found'
  | 'not-executable'
  | 'sigint'
  | 'sigabrt'
  | 'sigkill'
  | 'sigsegv'
  | 'sigterm'
  | 'jvm-quake'
  | 'exit-minus-one'
  | 'unknown';

/** Whether an exit can be memory: 'yes', 'no', or 'maybe' (it depends on what the log says beside it). */
export type MemoryLikelihood = 'yes' | 'no' | 'maybe';

const TABLE: ReadonlyMap<number, { cause: ExitCause; memory: MemoryLikelihood }> = new Map([
  [0, { cause: 'success', memory: 'no' }],
  [-100, { cause: 'yarn-aborted', memory: 'no' }],
  [-101, { cause: 'yarn-disks-failed', memory: 'no' }],
  [-102, { cause: 'yarn-preempted', memory: 'no' }],
  [-103, { cause: 'yarn-vmem', memory: 'yes' }],
  [-104, { cause: 'yarn-pmem', memory: 'yes' }],
  [-105, { cause: 'yarn-killed-by-am', memory: 'no' }],
  [-106, { cause: 'yarn-killed-by-rm', memory: 'no' }],
  [-107, { cause: 'yarn-after-completion', memory: 'no' }],
  [-108, { cause: 'yarn-killed-by-scheduler', memory: 'no' }],
  [-109, { cause: 'yarn-excess-logs', memory: 'no' }],
  [1, { cause: 'generic', memory: 'no' }],
  [10, { cause: 'am-uncaught-exception', memory: 'no' }],
  [11, { cause: 'max-executor-failures', memory: 'maybe' }],
  [12, { cause: 'am-reporter-failure', memory: 'no' }],
  [13, { cause: 'am-context-not-initialized', memory: 'no' }],
  [15, { cause: 'am-user-class-threw', memory: 'maybe' }],
  [16, { cause: 'am-early-exit', memory: 'no' }],
  [17, { cause: 'am-lost-driver', memory: 'no' }],
  [50, { cause: 'uncaught-exception', memory: 'no' }],
  [51, { cause: 'uncaught-exception-twice', memory: 'no' }],
  [52, { cause: 'jvm-oom', memory: 'yes' }],
  [53, { cause: 'disk-store', memory: 'no' }],
  [56, { cause: 'heartbeat-failure', memory: 'no' }],
  [57, { cause: 'task-reaper', memory: 'no' }],
  [58, { cause: 'block-manager-reregistration', memory: 'no' }],
  [101, { cause: 'class-not-found', memory: 'no' }],
  [124, { cause: 'driver-timeout', memory: 'no' }],
  [126, { cause: 'not-executable', memory: 'no' }],
  [127, { cause: 'command-not-found', memory: 'no' }],
  [130, { cause: 'sigint', memory: 'no' }],
  [134, { cause: 'sigabrt', memory: 'maybe' }],
  [137, { cause: 'sigkill', memory: 'maybe' }],
  [139, { cause: 'sigsegv', memory: 'no' }],
  [143, { cause: 'sigterm', memory: 'no' }],
  [246, { cause: 'jvm-quake', memory: 'yes' }],
  [502, { cause: 'jvm-quake', memory: 'yes' }],
  [255, { cause: 'exit-minus-one', memory: 'no' }],
]);

export function decodeExit(code: number): { cause: ExitCause; memory: MemoryLikelihood } {
  return TABLE.get(code) ?? { cause: 'unknown', memory: 'maybe' };
}

/**
 * The exit code a text states, in each wording Spark, YARN and Kubernetes print: YARN "Exit status: 143",
 * "Exit code is 143", "exitCode: -104"; Kubernetes "exited with exit code 56(unexpected)"; standalone
 * "Command exited with code 52"; "(exit code: 137)". The last one stated wins (a YARN diagnostic
 * repeats it). Null when none.
 */
export function statedExitCode(text: string): number | null {
  let code: number | null = null;
  for (const m of text.matchAll(STATED)) code = Number(m[1]);
  if (code === null) for (const [re, c] of EXIT_TEXTS) if (re.test(text)) code = c;
  return code;
}

const STATED = /(?:exit(?:ed with)? (?:code|status)(?: is)?|exitCode|exit code)\s*[:=]?\s*(-?\d{1,4})\b/gi;

/**
 * Messages a process prints as it exits with a known code, for texts that do not state the code:
 * Executor.reportHeartBeat logs "Exit as unable to send heartbeats to driver more than N times" and
 * exits ExecutorExitCode.HEARTBEAT_FAILURE (56), every version; YarnAllocator's "was preempted" is -102.
 */
const EXIT_TEXTS: Array<[RegExp, number]> = [
  [/Exit as unable to send heartbeats to driver/, 56],
  [/\bwas preempted\b/i, -102],
];

/** YARN 3.x/4.x word every process exit as "Container from a bad node: … Exit status: N" (YarnAllocator): not evidence of a bad node. */
export const BAD_NODE = /Container from a bad node:/;
