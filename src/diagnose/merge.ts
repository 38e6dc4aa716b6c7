import { hasContent, type AppRead, type InputRead } from '../input/read.js';
import { joinsApplication } from '../input/sniff.js';
import { absorbSignals } from '../state/signals.js';

/** One application as diagnosed: its event log (if given) with every other input about it. */
export interface MergedApp {
  primary: AppRead;
  /** Every input that contributed, the primary first: path and kind, for the report. */
  sources: Array<{ path: string; kind: string }>;
}

/** What joining needs to know of an application read: whether it came from an event log, its id, whether it is evidence. */
export interface MergeKey {
  hasEventLog: boolean;
  appId: string | null;
  /** Text that is evidence about an application (src/input/sniff.ts joinsApplication): a log, or text holding a failure. */
  evidence: boolean;
}

/** One application to diagnose: the index of its primary read, and those joined into it, in order. */
export interface MergePlan {
  primary: number;
  joined: number[];
}

/**
 * How the inputs of one application join, from their keys alone (so a batch too large to hold can
 * be read again, one application at a time): container logs, kubectl output and driver logs are
 * matched to an event log by application id (found in the text, or derived from YARN container ids
 * and Spark pod labels). Text that names no application joins the only application of the batch,
 * if there is exactly one; otherwise it stands alone. Attempts of one application stay separate;
 * text joins the latest attempt. Text that is no evidence (of no known kind, holding no failure: a
 * TSV export that lists application ids) joins nothing and is diagnosed only when the batch holds
 * nothing else; otherwise it is an input read, listed, and no application.
 */
export function planMerge(keys: readonly MergeKey[]): MergePlan[] {
  const plans: MergePlan[] = [];
  const byId = new Map<string, MergePlan>();
  keys.forEach((k, i) => {
    if (!k.hasEventLog) return;
    const plan = { primary: i, joined: [] };
    plans.push(plan);
    if (k.appId) byId.set(k.appId, plan); // later attempts win
  });
  const loose: number[] = [];
  const aside: number[] = [];
  keys.forEach((k, i) => {
    if (k.hasEventLog) return;
    if (!k.evidence) {
      aside.push(i);
      return;
    }
    const target = k.appId ? byId.get(k.appId) : undefined;
    if (target) target.joined.push(i);
    else if (k.appId) {
      const plan = { primary: i, joined: [] };
      plans.push(plan);
      byId.set(k.appId, plan);
    } else loose.push(i);
  });
  for (const i of loose) {
    if (plans.length === 1) plans[0]!.joined.push(i);
    else plans.push({ primary: i, joined: [] });
  }
  if (plans.length === 0) for (const i of aside) plans.push({ primary: i, joined: [] });
  return plans;
}

/** The key of an application read. */
export const mergeKey = (app: AppRead): MergeKey => ({
  hasEventLog: app.state.hasEventLog,
  appId: app.state.appId,
  evidence: app.state.hasEventLog || joinsApplication(app.stats.kind ?? 'unknown', app.state.signals.all().length),
});

/** A read application with where it came from. */
export interface SourcedApp {
  app: AppRead;
  source: { path: string; kind: string };
}

/** One planned application, its reads at hand: the others folded into the primary. */
export function joinPlanned(primary: SourcedApp, joined: readonly SourcedApp[]): MergedApp {
  const target: MergedApp = { primary: primary.app, sources: [primary.source] };
  for (const j of joined) absorb(target, j.app, j.source);
  return target;
}

/** Joins the inputs of a batch held in memory (see planMerge). */
export function mergeInputs(reads: InputRead[]): MergedApp[] {
  const all: SourcedApp[] = reads.flatMap((r) => r.apps.filter(hasContent).map((app) => ({ app, source: { path: r.path, kind: r.kind } })));
  return planMerge(all.map((x) => mergeKey(x.app))).map((p) =>
    joinPlanned(
      all[p.primary]!,
      p.joined.map((i) => all[i]!),
    ),
  );
}

function absorb(target: MergedApp, app: AppRead, source: { path: string; kind: string }): void {
  const into = target.primary.state;
  const from = app.state;
  absorbSignals(into.signals, from.signals);
  for (const fact of from.learnt) {
    if (fact.kind === 'setting') into.derive(fact.key, fact.value, fact.source);
    else into.learn(fact);
  }
  into.overflow.learnt += from.overflow.learnt;
  into.mainThreadDied ??= from.mainThreadDied;
  into.clusterManagerHint ??= from.clusterManagerHint;
  into.appId ??= from.appId;
  into.sparkVersion ??= from.sparkVersion;
  target.sources.push(source);
}
