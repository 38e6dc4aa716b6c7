import type { Finding } from '../findings.js';
import type { Signal } from '../state/signals.js';

/** Quotes shorter than this could match unrelated failures. */
const MIN_QUOTE = 20;
/** How much of a finding's evidence text a stage or job failure must quote. */
const QUOTE = 60;
/** Stage and job failure texts are cut to this many characters in evidence. */
const MAX_CAUSED = 300;

/**
 * Adds, as evidence, the stage and job failures that quote a finding's own evidence: what the
 * failure caused ("Job aborted due to stage failure: … <the task's error>").
 */
export function linkConsequences(f: Finding, signals: Signal[]): void {
  const quoted = f.evidence
    .map((e) => (e.messageId === 'matched' || e.messageId === 'also-in' ? e.data.text.trim().slice(0, QUOTE) : ''))
    .filter((t) => t.length >= MIN_QUOTE);
  if (quoted.length === 0) return;
  const cited = new Set(f.evidence.map((e) => (e.at ? `${e.at.file}:${e.at.line}` : null)));
  for (const source of ['stage-failure', 'job-failure'] as const) {
    const s = signals.find((x) => x.source === source && quoted.some((q) => x.text.includes(q)));
    if (!s) continue;
    const at = s.locations[0]!;
    if (cited.has(`${at.file}:${at.line}`)) continue;
    const first = s.text.split('\n')[0]!;
    const text = first.length > MAX_CAUSED ? `${first.slice(0, MAX_CAUSED)}…` : first;
    f.evidence.push(
      source === 'stage-failure'
        ? { at, messageId: 'caused-stage-failure', data: { stages: [...s.stages], text } }
        : { at, messageId: 'caused-job-failure', data: { jobs: s.count, text } },
    );
  }
}
