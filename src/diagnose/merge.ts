import { hasContent, type AppRead, type InputRead } from '../input/read.js';
import { absorbSignals } from '../state/signals.js';

/** One application as diagnosed: its event log (if given) with every other input about it. */
export interface MergedApp {
  primary: AppRead;
  /** Every input that contributed, the primary first: path and kind, for the report. */
  sources: Array<{ path: string; kind: string }>;
}

/**
 * Joins the inputs of one application: container logs, kubectl output and driver logs are matched
 * to an event log by application id (found in the text, or derived from YARN container ids and
 * Spark pod labels). Text that names no application joins the only application of the batch, if
 * there is exactly one; otherwise it stands alone. Attempts of one application stay separate; text
 * joins the latest attempt.
 */
export function mergeInputs(reads: InputRead[]): MergedApp[] {
  const all = reads.flatMap((r) => r.apps.filter(hasContent).map((a) => ({ read: r, app: a })));
  const logs = all.filter((x) => x.app.state.hasEventLog);
  const texts = all.filter((x) => !x.app.state.hasEventLog);
  const merged: MergedApp[] = logs.map((x) => ({ primary: x.app, sources: [{ path: x.read.path, kind: x.read.kind }] }));
  const byId = new Map<string, MergedApp>();
  for (const m of merged) if (m.primary.state.appId) byId.set(m.primary.state.appId, m); // later attempts win
  const loose: typeof texts = [];
  for (const t of texts) {
    const id = t.app.state.appId;
    let target = id ? byId.get(id) : undefined;
    if (!target && id) {
      target = { primary: t.app, sources: [{ path: t.read.path, kind: t.read.kind }] };
      merged.push(target);
      byId.set(id, target);
      continue;
    }
    if (!target) {
      loose.push(t);
      continue;
    }
    absorb(target, t.app, t.read);
  }
  for (const t of loose) {
    if (merged.length === 1) absorb(merged[0]!, t.app, t.read);
    else merged.push({ primary: t.app, sources: [{ path: t.read.path, kind: t.read.kind }] });
  }
  return merged;
}

function absorb(target: MergedApp, app: AppRead, read: InputRead): void {
  const into = target.primary.state;
  const from = app.state;
  absorbSignals(into.signals, from.signals);
  for (const fact of from.learnt) {
    if (fact.kind === 'setting') into.derive(fact.key, fact.value, fact.source);
    else into.learnt.push(fact);
  }
  into.clusterManagerHint ??= from.clusterManagerHint;
  into.appId ??= from.appId;
  into.sparkVersion ??= from.sparkVersion;
  target.sources.push({ path: read.path, kind: read.kind });
}
