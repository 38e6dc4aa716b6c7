import { LOG4J_HEADER } from '../containerlogs/log4j.js';

/** What an input is, by its content (inputs[].kind in the JSON contract). */
export type InputKind =
  'event-log' | 'yarn-aggregated-log' | 'yarn-diagnostics' | 'kubectl-describe' | 'kubectl-json' | 'spark-log' | 'unknown';

/**
 * Names the kind of a text from its first bytes (decoded, up to 64 KiB). Never looks at the file name.
 * Returns null for binary data.
 */
export function sniffKind(head: string): InputKind | null {
  if (isBinary(head)) return null;
  const t = head.replace(/^\ufeff/, '').trimStart();
  if (/^\{\s*"Event"\s*:/.test(t)) return 'event-log';
  if (/^[{[]/.test(t) && /"(?:apiVersion|kind)"\s*:/.test(t.slice(0, 4096))) return 'kubectl-json';
  if (isKubectlYaml(t)) return 'kubectl-json';
  if (/^Container: container_\S+ on \S+/m.test(t) && /^(?:LogType:|LogAggregationType:)/m.test(t)) return 'yarn-aggregated-log';
  if (/^Name:\s+\S+[\s\S]*^Namespace:\s+\S+/m.test(t) || /^\s*(?:Last )?State:\s+(?:Terminated|Waiting|Running)\s*$/m.test(t))
    return 'kubectl-describe';
  if (
    /failed \d+ times (?:\([^)\n]*\) )?due to AM Container for|Application report for application_|^\s*diagnostics: |^Application Report\s*:|Failing this attempt\.\s*Diagnostics:|\[ExitDiagnostics\]|containerID=container_\S+, state=COMPLETE, exitStatus=/m.test(
      t,
    )
  )
    return 'yarn-diagnostics';
  if (/^Container \[pid=\d+,containerID=container_/m.test(t)) return 'yarn-diagnostics';
  if (
    LOG4J_HEADER.test(t) ||
    /^\s+at [\w$.]+\([\w$.]*(?::\d+)?\)\s*$/m.test(t) ||
    /\b(?:org\.apache\.spark|java\.lang)\.[\w.$]+(?:Exception|Error)\b/.test(t)
  )
    return 'spark-log';
  return 'unknown';
}

/**
 * `kubectl get pod -o yaml` (a Pod: `kind: Pod` at the top level) or `kubectl get pods -o yaml` (a
 * List). kubectl writes a map's keys in alphabetical order, so a List is `apiVersion`, `items`,
 * then its own `kind: List` after every pod: past the 64 KiB sniffed when the pods are large. Its
 * items are told by their own keys instead: `- apiVersion: v1` then `  kind: Pod`.
 */
function isKubectlYaml(t: string): boolean {
  const start = t.slice(0, 4096);
  if (!/^apiVersion:\s*\S+/m.test(start)) return false;
  if (/^kind:\s*(?:Pod|List)\b/m.test(t)) return true;
  return /^items:\s*$/m.test(start) && /^(?:- | {2})kind:\s*Pod\s*$/m.test(t);
}

function isBinary(s: string): boolean {
  if (s.length === 0) return false;
  let bad = 0;
  const n = Math.min(s.length, 4096);
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c === 0) return true;
    if ((c < 32 && c !== 9 && c !== 10 && c !== 13) || c === 0xfffd) bad++;
  }
  return bad / n > 0.1;
}

/**
 * Whether a text input is evidence about the application it names, to be joined to it by diagnose: a
 * Spark, YARN or Kubernetes log is; text of no known kind (a TSV export, notes, a listing) only when it
 * holds a failure the classifiers read (`failureSignals`: the signals reading it gave). An application
 * id mentioned in passing is not evidence.
 */
export function joinsApplication(kind: InputKind, failureSignals: number): boolean {
  return kind !== 'unknown' || failureSignals > 0;
}
