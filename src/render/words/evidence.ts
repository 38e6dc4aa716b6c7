import type { EvidenceData, EvidenceId } from '../../classifiers/evidence.js';
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
    `largest task peak ${fmtBytes(d.largestPeak)}`,
  'exit-decoded': (d) => `exit ${d.code}${d.executors > 1 ? ` (${d.executors} executors)` : ''}: ${EXIT_CAUSE[d.cause]}`,
  'log-in-progress': (d) =>
    `the log is still being written (.inprogress) and stops here${d.running > 0 ? `, with ${plural(d.running, 'job')} running` : ''}`,
  'limit-stated': (d) =>
    `YARN enforced ${fmtBytes(d.stated)} where the log's configuration computes a container of ${fmtBytes(d.computed)}: ` +
    (d.stated > d.computed
      ? "YARN rounds requests up to a multiple of yarn.scheduler.minimum-allocation-mb (or the Fair Scheduler's increment)"
      : 'the job ran with other settings than the log shows (a cluster default, or a different submission)'),
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
