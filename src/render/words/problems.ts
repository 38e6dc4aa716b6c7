import type { LayoutProblem } from '../../classifiers/remedies.js';
import type { DiagnosisProblem } from '../../diagnose/index.js';
import type { MemoryNote, ReportNote } from '../../memory/index.js';
import { memoryErrorText, memoryNoteText } from '../memory-words.js';
import type { KeyStatus } from '../../plan/keys.js';
import type { ClusterManager, DerivedSource, Learnt } from '../../state/app.js';

export function layoutProblemText(p: LayoutProblem): string {
  return p.code === 'heap-unknown'
    ? 'the executor heap is unknown: no event log, and no -Xmx or spark.executor.memory in the logs given'
    : memoryErrorText(p.error);
}

function sourceText(s: DerivedSource): string {
  switch (s.kind) {
    case 'xmx':
      return `-Xmx in ${s.at.file}:${s.at.line}`;
    case 'flag':
      return `${s.at.file}:${s.at.line}`;
    case 'pod-env':
      return `kubectl output for pod ${s.pod ?? '(unnamed)'}`;
    case 'pod-limit':
      return `kubectl output for pod ${s.pod ?? '(unnamed)'}: limit ${s.limit} − heap ${s.heap} (any spark.executor.pyspark.memory is inside this figure)`;
    case 'input':
      return s.path;
  }
}

/** A fact a text log revealed: "spark.executor.memory=8g taken from -Xmx in yarn.log:12". */
function learntText(f: Learnt): string {
  return f.kind === 'setting'
    ? `${f.key}=${f.value} taken from ${sourceText(f.source)}`
    : `pod ${f.pod ?? ''} memory limit ${f.limit} (${f.bytes} bytes)`;
}

const count = (n: number, one: string, many = `${one}s`): string => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

/** A diagnosis problem as one line, unescaped. */
export function problemText(p: DiagnosisProblem): string {
  switch (p.code) {
    case 'joined':
      return `joined ${p.sources.length} inputs: ${p.sources.map((x) => `${x.path} (${x.kind})`).join(', ')}`;
    case 'layout':
      return p.problem.code === 'heap-unknown'
        ? `memory layout: ${layoutProblemText(p.problem)}. Add the application's event log (spark.eventLog.dir), or pass --conf spark.executor.memory=<size> ` +
            '(and spark.executor.memoryOverhead if set) to get computed values.'
        : `memory layout: ${layoutProblemText(p.problem)}`;
    case 'learnt':
      return `learnt: ${learntText(p.fact)}`;
    case 'learnt-capped':
      return `learnt: ${p.more} more facts from the text logs, counted, not listed (the first ${p.kept} are)`;
    case 'classifier-failed':
      return `classifier ${p.classifier} failed: ${p.detail}`;
    case 'capped': {
      const past = [
        p.stages > 0 ? count(p.stages, 'stage attempt') : '',
        p.executors > 0 ? count(p.executors, 'executor') : '',
        p.properties > 0 ? count(p.properties, 'Spark property', 'Spark properties') : '',
        p.learnt > 0 ? count(p.learnt, 'setting from text logs', 'settings from text logs') : '',
        p.signals > 0 ? count(p.signals, 'distinct failure message') : '',
      ].filter((x) => x !== '');
      const lines = p.lines > 0 ? `${count(p.lines, 'line')} too long or too complex to read were skipped` : '';
      const kept = past.length > 0 ? `past the caps, counted but not kept one by one: ${past.join(', ')}` : '';
      return `limits: ${[kept, lines].filter((x) => x !== '').join('; ')} (README, Limits)`;
    }
    case 'conf-typo':
      return `--conf ${p.key}: not a setting spark-triage knows; did you mean ${p.nearest}?`;
    case 'conf-unknown':
      return `--conf ${p.key}: not a setting spark-triage knows; it is passed on, and changes nothing computed here`;
    case 'conf-ignored':
      return `--conf ${p.key}: ${ignoredWhy(p.status, p.sparkVersion, p.manager)}, so it is ignored here`;
  }
}

/** A note of a memory report: the model's, or a fact a text log revealed. */
export const reportNoteText = (n: ReportNote): string => (n.kind === 'model' ? modelNoteText(n.note) : learntText(n.fact));

/**
 * A model note's words, made once per note: a layout is shared by the applications whose settings
 * make it (src/memory/model.ts), and so are its notes, rendered again for each otherwise.
 */
const modelNoteTexts = new WeakMap<MemoryNote, string>();
function modelNoteText(n: MemoryNote): string {
  let text = modelNoteTexts.get(n);
  if (text === undefined) modelNoteTexts.set(n, (text = memoryNoteText(n)));
  return text;
}

function ignoredWhy(status: KeyStatus, version: string | null, manager: ClusterManager): string {
  const v = version !== null ? `Spark ${version}` : 'this Spark version';
  switch (status) {
    case 'not-yet':
      return `${v} does not have it (it came later)`;
    case 'removed':
      return `${v} no longer reads it`;
    case 'not-on-manager':
      return `it does nothing on ${manager}`;
    case 'not-in-mode':
      return 'it does nothing in this deploy mode';
    case 'ok':
    case 'unknown':
      return 'it does nothing here';
  }
}
