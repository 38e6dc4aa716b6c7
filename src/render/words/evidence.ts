import type { EvidenceData, EvidenceId, HolderKind } from '../../classifiers/evidence.js';
import type { Evidence } from '../../findings.js';
import type { SignalSource } from '../../state/signals.js';
import { compactIds, fmtBytes, fmtDuration, isoTime, plural } from '../units.js';
import { EXIT_CAUSE } from './exit-codes.js';

const SOURCE_WORD: Record<SignalSource, string> = {
  'task-exception': 'task',
  'executor-lost': 'task',
  'executor-removed': 'executor removal',
  'stage-failure': 'stage failure',
  'job-failure': 'job failure',
  'sql-failure': 'SQL failure',
};

/** What each kind of TaskMemoryManager consumer is (src/classifiers/holders.ts). */
const HOLDER: Record<HolderKind, string> = {
  sorter: 'a sorter: sort, sort-merge join, window, or a shuffle write',
  'hash-map': 'a hash map: hash aggregate or RDD aggregation',
  'hash-relation': "a hash join's build side (broadcast or shuffled hash join)",
  'python-queue': "a Python UDF's input queue",
  native: "a native engine's memory (Gluten/Velox)",
  other: 'a memory consumer',
};

const clock = (ms: number): string => isoTime(ms)?.slice(11, 19) ?? '?';
/** "[2 tasks; executors 1, 2; stage 3.0; 12:00:01–12:00:09 UTC]": how often and where a text recurred. */
function tally(d: EvidenceData['matched']): string {
  const parts = [`${d.count} ${SOURCE_WORD[d.source]}${d.count === 1 ? '' : 's'}`];
  if (d.executors.length > 0) parts.push(`executor${d.executors.length === 1 ? '' : 's'} ${compactIds(d.executors)}`);
  if (d.stages.length > 0) parts.push(`stage${d.stages.length === 1 ? '' : 's'} ${compactIds(d.stages)}`);
  if (d.firstTime !== null && d.lastTime !== null) {
    const [a, b] = [clock(d.firstTime), clock(d.lastTime)];
    parts.push(a === b ? `at ${a} UTC` : `${a}–${b} UTC`);
  }
  return `[${parts.join('; ')}]`;
}

const stageName = (stage: number, attempt: number, name: string | null): string =>
  `stage ${stage}.${attempt}${name ? ` (${name.slice(0, 80)})` : ''}`;

const WORDS: { [K in EvidenceId]: (d: EvidenceData[K]) => string } = {
  matched: (d) => `${d.text}  ${tally(d)}`,
  'also-in': (d) => `also: ${d.text}`,
  'caused-stage-failure': (d) => `caused stage ${d.stages.join(', ')} to fail: ${d.text}`,
  'caused-job-failure': (d) => `caused ${d.jobs === 1 ? 'a job' : `${d.jobs} jobs`} to fail: ${d.text}`,
  'log-ends': (d) => `the log ends here, without ApplicationEnd, with ${plural(d.running, 'job')} still running`,
  'gc-share': (d) =>
    `JVM GC Time is ${(d.share * 100).toFixed(1)}% of Executor Run Time over all tasks (${Math.round(d.gcMs / 1000)} s of ${Math.round(d.runMs / 1000)} s); ` +
    `${d.heavyExecutors} executor(s) at or above ${d.severe * 100}%`,
  'stage-skew': (d) =>
    `${stageName(d.stage, d.attempt, d.name)}: slowest task ${fmtDuration(d.maxMs)}, median ≤ ${fmtDuration(d.medianMs)} over ${d.tasks} tasks`,
  'stage-spill': (d) =>
    `${stageName(d.stage, d.attempt, d.name)}: ${fmtBytes(d.spilled)} spilled from memory (${fmtBytes(d.diskSpilled)} on disk) over ${d.tasks} tasks; ` +
    (d.largestPeak !== null ? `largest task peak ${fmtBytes(d.largestPeak)}` : 'task peaks not recorded'),
  'exit-decoded': (d) =>
    `exit ${d.code}${d.executors > 1 ? ` (${d.executors} executors)` : ''}: ${EXIT_CAUSE[d.cause]}` +
    (d.badNode ? ' ("Container from a bad node" is how YARN 3.x words every exit code, not evidence of a bad node)' : ''),
  'log-in-progress': (d) =>
    `the log is still being written (.inprogress) and stops here${d.running > 0 ? `, with ${plural(d.running, 'job')} running` : ''}`,
  'limit-stated': (d) =>
    `YARN enforced ${fmtBytes(d.stated)} where the log's configuration computes a container of ${fmtBytes(d.computed)}: ` +
    (d.stated > d.computed
      ? "YARN rounds requests up to a multiple of yarn.scheduler.minimum-allocation-mb (or the Fair Scheduler's increment)"
      : 'the job ran with other settings than the log shows (a cluster default, or a different submission)'),
  process: (d) =>
    d.kind === 'local-mode'
      ? 'local mode: the driver and its executor are one JVM ("executor driver"); its heap is spark.driver.memory, and spark.executor.memory has no effect'
      : d.kind === 'yarn-am'
        ? 'the YARN application master in client mode (ExecutorLauncher) is not the driver: its memory is spark.yarn.am.memory and spark.yarn.am.memoryOverhead'
        : `${plural(d.pods.length, 'pod')} ${d.pods.join(', ')} ${d.pods.length === 1 ? 'is' : 'are'} not Spark's (no spark-role label, no Spark container): not executors of this application`,
  'memory-holder': (d) =>
    `TaskMemoryManager, task ${d.task}: ${d.consumer} held ${fmtBytes(d.bytes)} (${HOLDER[d.kind]}), the largest of ${plural(d.consumers, 'consumer')} holding ${fmtBytes(d.taskBytes)}`,
  'native-memory': (d) => {
    const parts: string[] = [];
    if (d.task !== null && d.used !== null)
      parts.push(`${d.task} used ${fmtBytes(d.used)}${d.taskCap !== null ? ` of a per-task cap of ${fmtBytes(d.taskCap)}` : ''}`);
    else if (d.taskCap !== null) parts.push(`each task may use ${fmtBytes(d.taskCap)}`);
    if (d.pool !== null) parts.push(`off-heap pool ${fmtBytes(d.pool)}`);
    if (d.largest !== null && d.largestBytes !== null) parts.push(`largest under the task: ${d.largest} (${fmtBytes(d.largestBytes)})`);
    if (d.operator !== null && d.operatorBytes !== null) parts.push(`largest operator: ${d.operator} (${fmtBytes(d.operatorBytes)})`);
    return `native engine's memory: ${parts.join('; ') || 'no figures'}`;
  },
  'onoom-kill': () =>
    'the JVM\'s -XX:OnOutOfMemoryError hook ran "kill -9" on itself: the SIGKILL (exit 137) followed an OutOfMemoryError, not a container limit',
  'python-dump': (d) =>
    `the worker left a faulthandler dump${d.fatal !== null ? ` (Fatal Python error: ${d.fatal})` : ''}: it caught a signal and wrote its traceback, which a SIGKILL from an OOM killer never allows`,
  'heap-peak': (d) =>
    `highest JVMHeapMemory peak of any executor: ${fmtBytes(d.peak)} of a ${fmtBytes(d.heap)} heap (${Math.round((d.peak / d.heap) * 100)}%)`,
};

/** The evidence line, unescaped (the caller escapes it for its sink). */
export function evidenceText(e: Evidence): string {
  return (WORDS[e.messageId] as (d: unknown) => string)(e.data);
}

/** Where the evidence was read: "file:line", or which metrics it was folded from. */
export function evidenceSource(e: Evidence): string {
  if (e.at) return `${e.at.file}:${e.at.line}`;
  return e.metrics === 'task' ? 'task metrics' : 'executor metrics';
}
