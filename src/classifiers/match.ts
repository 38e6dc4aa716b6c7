import type { Confidence, Evidence, Region, Remediation, Role } from '../findings.js';
import type { Need } from '../plan/needs.js';
import type { Location } from '../input/stats.js';
import { AM_ID, POD_PREFIX, type Signal, type SignalSource } from '../state/signals.js';
import type { ClassifierContext, Report } from './define.js';
import { BAD_NODE, decodeExit, statedExitCode } from './exit-codes.js';
import { mayMatch } from './literals.js';

/** Task- and executor-level sources name the failure where it happened; the rest repeat it. */
const DIRECT: ReadonlySet<SignalSource> = new Set(['task-exception', 'executor-lost', 'executor-removed']);

export interface Match {
  signal: Signal;
  m: RegExpExecArray;
}

/** Signals' texts lower-cased, for the filters of patterns that ignore case: once per signal and text, however many patterns. */
const LOWER = new WeakMap<Signal, { text: string; lower: string }>();
function lowerText(signal: Signal): string {
  let t = LOWER.get(signal);
  if (t?.text !== signal.text) {
    t = { text: signal.text, lower: signal.text.toLowerCase() };
    LOWER.set(signal, t);
  }
  return t.lower;
}

/** Signals whose text matches `re` (first match per signal), from the given sources. */
export function find(ctx: ClassifierContext, re: RegExp, sources?: SignalSource[]): Match[] {
  const out: Match[] = [];
  for (const signal of ctx.app.signals.all()) {
    if (sources && !sources.includes(signal.source)) continue;
    // Not run where it cannot match (literals.ts): most patterns would be compiled only to fail.
    if (!mayMatch(re, signal.text, () => lowerText(signal))) continue;
    re.lastIndex = 0;
    const m = re.exec(signal.text);
    if (m) out.push({ signal, m });
  }
  return out;
}

/**
 * The matches that count: those seen where the failure happened (a task or an executor) if any,
 * else the stage/job/SQL texts that quote it.
 */
export function direct(matches: Match[]): Match[] {
  const d = matches.filter((x) => DIRECT.has(x.signal.source));
  return d.length > 0 ? d : matches;
}

function executorsOf(matches: Match[]): string[] {
  const ids = new Set<string>();
  for (const { signal } of matches) for (const e of signal.executors) ids.add(e);
  return [...ids].sort(compareIds);
}

/** Ids that are not executors: the driver (event logs write "driver", older ones "<driver>") and a client-mode YARN AM. */
const NOT_EXECUTORS = new Set(['driver', '<driver>', AM_ID]);
export const isDriverSide = (id: string): boolean => NOT_EXECUTORS.has(id);

export function compareIds(a: string, b: string): number {
  const na = Number(a);
  const nb = Number(b);
  return Number.isFinite(na) && Number.isFinite(nb) ? na - nb : a.localeCompare(b);
}

/**
 * Occurrences of a failure: executors lost count once each (ExecutorRemoved), otherwise every task
 * (or stage, job) that reported it.
 */
function occurrences(matches: Match[]): number {
  const removed = matches.filter((x) => x.signal.source === 'executor-removed');
  // Two inputs (an event log and a YARN log) may report the same executor's end: count executors.
  if (removed.length > 0) return executorsOf(removed).length || removed.reduce((n, x) => n + x.signal.count, 0);
  const lost = matches.filter((x) => x.signal.source === 'executor-lost');
  if (lost.length > 0) return executorsOf(lost).length || lost.reduce((n, x) => n + x.signal.count, 0);
  return matches.reduce((n, x) => n + x.signal.count, 0);
}

const MAX_EVIDENCE = 4;
const MAX_TEXT = 400;

/** Evidence: where each matching text was first seen, the text, and how often and where it recurred. */
function evidenceOf(matches: Match[], extra: Evidence[] = []): Evidence[] {
  const out: Evidence[] = [];
  const sorted = [...matches].sort((a, b) => (a.signal.firstTime ?? 0) - (b.signal.firstTime ?? 0) || b.signal.count - a.signal.count);
  for (const { signal: s, m } of sorted.slice(0, MAX_EVIDENCE)) {
    const loc = lineOf(s, 0, m.index);
    const text = excerpt(s.text, m.index);
    out.push({
      at: loc,
      messageId: 'matched',
      data: {
        text,
        source: s.source,
        count: s.count,
        executors: [...s.executors].sort(compareIds),
        stages: [...s.stages].sort(),
        firstTime: s.firstTime,
        lastTime: s.lastTime,
      },
    });
    // The same text seen in other inputs of the application (a YARN log beside the event log).
    const files = new Set([loc.file]);
    s.locations.forEach((other, i) => {
      if (files.has(other.file)) return;
      files.add(other.file);
      out.push({ at: lineOf(s, i, m.index), messageId: 'also-in', data: { text } });
    });
  }
  return [...out, ...extra];
}

/** The line of location `i` that holds offset `at` of the signal's text: its first line, or further down a text log's lines. */
export function lineOf(s: Signal, i: number, at: number): Location {
  const loc = s.locations[i]!;
  if (!s.lineMapped[i]) return loc;
  let n = 0;
  for (let p = s.text.indexOf('\n'); p !== -1 && p < at; p = s.text.indexOf('\n', p + 1)) n++;
  return { file: loc.file, line: loc.line + n };
}

/** The line of `text` holding the match, cut to MAX_TEXT characters around it. */
function excerpt(text: string, at: number): string {
  const start = text.lastIndexOf('\n', at) + 1;
  const endNl = text.indexOf('\n', at);
  const line = text.slice(start, endNl < 0 ? text.length : endNl);
  if (line.length <= MAX_TEXT) return line;
  const from = Math.max(0, Math.min(at - start - 100, line.length - MAX_TEXT));
  return `${from > 0 ? '…' : ''}${line.slice(from, from + MAX_TEXT)}…`;
}

/**
 * The role a matched failure belongs to: the driver when it ran in the driver JVM (local mode's one JVM
 * included) or in the YARN application master, the JSON contract's nearest role for it (the evidence says
 * which: processEvidence).
 */
export function roleOf(matches: Match[]): Role {
  return matches.every((x) => x.signal.executors.size > 0 && [...x.signal.executors].every(isDriverSide)) ? 'driver' : 'executor';
}

/** Whether every match is a client-mode YARN application master's (ExecutorLauncher): not the driver. */
export const inAm = (matches: Match[]): boolean =>
  matches.length > 0 && matches.every((x) => x.signal.executors.size > 0 && [...x.signal.executors].every((e) => e === AM_ID));

/**
 * A job's or stage's failure that quotes its task's on "executor driver" (TaskSetManager: "Lost task 1.0 in
 * stage 0.0 (TID 1, localhost, executor driver)" in 2.x, "(TID 1) (host executor driver)" since 3.0).
 */
const ON_DRIVER = /Lost task [\d.]+\s+in stage [\d.]+ \(TID \d+(?:, [^,)]+)?(?:, executor driver\)|\) \([^)]*\bexecutor driver\))/;

/** Whether every match's task ran in local mode's one JVM, by its quoted task: the driver's, not an executor's. */
export const ranOnDriver = (matches: Match[]): boolean => matches.length > 0 && matches.every((x) => ON_DRIVER.test(x.signal.text));

/**
 * Local mode: a task ran on "executor driver", the one JVM that is both (event logs and driver logs
 * say so in every version); or the application's master is local.
 */
function isLocal(ctx: ClassifierContext, matches: Match[]): boolean {
  if (ctx.app.clusterManager === 'local') return true;
  if (ranOnDriver(matches)) return true;
  return matches.some(
    (x) => (x.signal.source === 'task-exception' || x.signal.source === 'executor-lost') && x.signal.executors.has('driver'),
  );
}

/**
 * What the process was when it was not plainly an executor or the driver: local mode's one JVM, a
 * client-mode YARN application master, a pod that is not Spark's. Evidence the finding carries, since
 * the role itself is only 'driver' or 'executor' in the JSON contract.
 */
export function processEvidence(ctx: ClassifierContext, matches: Match[], role: Role): Evidence[] {
  const first = matches[0];
  if (!first) return [];
  const at = lineOf(first.signal, 0, first.m.index);
  if (role === 'driver' && isLocal(ctx, matches)) return [{ at, messageId: 'process', data: { kind: 'local-mode' } }];
  if (role === 'driver' && inAm(matches)) return [{ at, messageId: 'process', data: { kind: 'yarn-am', mode: 'client' } }];
  const pods = [...new Set(matches.flatMap((x) => [...x.signal.executors].filter((e) => e.startsWith(POD_PREFIX))))];
  if (pods.length > 0)
    return [{ at, messageId: 'process', data: { kind: 'pod', pods: pods.map((p) => p.slice(POD_PREFIX.length)).sort() } }];
  return [];
}

/** A finding from matches, with the common fields filled in: what it needs, and its advice. */
export function reportFrom(
  matches: Match[],
  role: Role,
  region: Region,
  confidence: Confidence,
  fixes: { needs: Array<Need | null>; advice: Remediation[] },
  extraEvidence: Evidence[] = [],
): Report {
  // Every exit code the matched texts state is decoded, whichever rule matched them (a YARN kill's
  // -104 or 143, a pod's 137), once: a rule that decodes one itself keeps its own.
  const decoded = [...new Set(matches.map((x) => statedExitCode(x.signal.text)))]
    .filter((c): c is number => c !== null && c !== 0)
    .filter((c) => !extraEvidence.some((e) => e.messageId === 'exit-decoded' && e.data.code === c))
    .flatMap((c) => exitEvidence(matches, c));
  return {
    role,
    region,
    confidence,
    occurrences: occurrences(matches),
    executors: executorsOf(matches).filter((e) => !isDriverSide(e) && !e.startsWith(POD_PREFIX)),
    evidence: evidenceOf(matches, [...extraEvidence, ...decoded]),
    needs: fixes.needs.filter((n): n is Need => n !== null),
    remediation: fixes.advice,
  };
}

/** The stage attempts ("3.0") the matched failures were seen in. */
export function stagesOf(matches: Match[]): string[] {
  return [...new Set(matches.flatMap((x) => [...x.signal.stages]))].sort();
}

/** "8.2 GB", "512.5 MB", "1.5 GiB" → bytes (binary multiples, as Hadoop and Spark print them). */
export function parseHumanSize(s: string): number | null {
  const m = /([0-9]+(?:\.[0-9]+)?)\s*([KMGTP]?)i?B/i.exec(s);
  if (!m) return null;
  const pow = ' KMGTP'.indexOf((m[2] || ' ').toUpperCase());
  return Math.round(Number(m[1]) * 1024 ** Math.max(0, pow));
}

/** What exit `code` means, as evidence: the matched texts that state it, how many executors, and whether YARN called it a bad node. */
export function exitEvidence(matches: Match[], code: number): Evidence[] {
  const stating = matches.filter((x) => statedExitCode(x.signal.text) === code);
  if (stating.length === 0) return [];
  const { cause, memory } = decodeExit(code);
  return [
    {
      at: lineOf(stating[0]!.signal, 0, Math.max(0, stating[0]!.signal.text.lastIndexOf(String(code)))),
      messageId: 'exit-decoded',
      data: {
        code,
        cause,
        memory,
        executors: executorsOf(stating).filter((e) => !isDriverSide(e)).length,
        badNode: stating.some((x) => BAD_NODE.test(x.signal.text)),
      },
    },
  ];
}
