import type { ClusterManager } from '../state/app.js';
import { ADMIN_SETTINGS, SPARK_KEYS, type KeyInfo } from './keys-table.js';

/**
 * What each Spark setting is, for the version, cluster manager and deploy mode of an application:
 * whether it exists there, whether it does anything there, and its default. The data is
 * keys-table.ts, read from Spark's own config definitions (`.version()` = the release each key
 * appeared) with the source of every row.
 */
const BY_KEY = new Map<string, KeyInfo>(SPARK_KEYS.map((k) => [k.key, k]));
const ADMIN = new Map(ADMIN_SETTINGS.map((a) => [a.key, a]));

/** [major, minor, patch] of "3.5.1", "3.3.0-amzn-0", "2.4.0-SNAPSHOT"; null for no version. */
function triple(v: string | null): [number, number, number] | null {
  const m = v ? /^(\d+)\.(\d+)(?:\.(\d+))?/.exec(v.trim()) : null;
  return m ? [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)] : null;
}

/** a ≥ b, versions as strings; an unknown `a` counts as current (newest). */
function atOrAfter(a: string | null, b: string): boolean {
  const x = triple(a);
  const y = triple(b)!;
  if (!x) return true;
  for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return x[i]! > y[i]!;
  return true;
}

export type KeyStatus =
  /** Exists in this version and does something on this manager and deploy mode. */
  'ok' | 'unknown' | 'not-yet' | 'removed' | 'not-on-manager' | 'not-in-mode';

export interface AppContext {
  sparkVersion: string | null;
  manager: ClusterManager;
  deployMode: 'client' | 'cluster' | null;
}

/** Whether setting `key` would do anything for this application. */
export function keyStatus(key: string, app: AppContext): KeyStatus {
  const k = BY_KEY.get(key);
  if (!k) return 'unknown';
  if (!atOrAfter(app.sparkVersion, k.since)) return 'not-yet';
  if (k.removed !== undefined && app.sparkVersion !== null && atOrAfter(app.sparkVersion, k.removed)) return 'removed';
  if (app.manager !== 'unknown' && !k.managers.includes(app.manager)) return 'not-on-manager';
  if (k.deployModes && app.deployMode !== null && !k.deployModes.includes(app.deployMode)) return 'not-in-mode';
  return 'ok';
}

/** The default of `key` in this version ("200", "true"), or null when unset by default or derived. */
export function defaultOf(key: string, sparkVersion: string | null): string | null {
  const k = BY_KEY.get(key);
  if (!k) return null;
  let value: string | null = null;
  for (const d of k.defaults) if (atOrAfter(sparkVersion, d.from)) value = d.value;
  return value;
}

/** Whether spark-triage's key table lists `key` (under its name or an older one). */
export const isKnownKey = (key: string): boolean => BY_KEY.has(key) || CURRENT_NAME.has(key);

/** Older names (alternates, deprecated keys) → the key that superseded them. */
const CURRENT_NAME = new Map<string, string>([
  ...SPARK_KEYS.flatMap((k) => (k.alternates ?? []).map((a): [string, string] => [a, k.key])),
  ...SPARK_KEYS.flatMap((k): Array<[string, string]> => (k.deprecatedBy ? [[k.key, k.deprecatedBy.key]] : [])),
]);

/**
 * The name of `key` that does something for `app`: the newest name it goes by (a key's alternates
 * and deprecated names all mean one setting), unless that name is too new for the version; then the
 * older name that works there. `key` itself when the table knows no other.
 */
export function keyFor(key: string, app: AppContext): string {
  let current = key;
  for (let i = 0; i < 4 && CURRENT_NAME.has(current); i++) current = CURRENT_NAME.get(current)!;
  if (keyStatus(current, app) === 'ok') return current;
  const older = [...CURRENT_NAME].filter(([, to]) => to === current).map(([from]) => from);
  return older.find((k) => keyStatus(k, app) === 'ok') ?? current;
}

/** The first release that reads `key` (keys-table.ts `since`), or null for a key the table does not list. */
export const keySince = (key: string): string | null => BY_KEY.get(key)?.since ?? null;

/** How spark-submit reads `key`'s value (keys-table.ts), or null for a key the table does not list. */
export const keyUnit = (key: string): KeyInfo['unit'] | null => BY_KEY.get(key)?.unit ?? null;

/** The newest name of `key` (see keyFor), whatever the version. */
export function canonicalKey(key: string): string {
  let current = key;
  for (let i = 0; i < 4 && CURRENT_NAME.has(current); i++) current = CURRENT_NAME.get(current)!;
  return current;
}

/** A cluster-side setting (yarn-site.xml, the kubelet): an administrator's change, never a --conf. */
export function adminFile(key: string): string | null {
  return ADMIN.get(key)?.file ?? null;
}

/**
 * What to say of a key a user passed with --conf: nothing when spark-triage knows it or it belongs to a
 * family Spark accepts without checking (spark.sql.*, spark.hadoop.*, …); 'typo' with the nearest known
 * key when one is within two edits ("spark.executor.memry"); else 'unknown' (passed on, changes nothing
 * spark-triage computes).
 */
export function checkUserKey(key: string): null | { kind: 'typo'; nearest: string } | { kind: 'unknown' } {
  if (BY_KEY.has(key) || EXTRA_KNOWN.has(key)) return null;
  const near = nearestKey(key, 3);
  if (near !== null) return { kind: 'typo', nearest: near };
  return FAMILIES.test(key) ? null : { kind: 'unknown' };
}

/** Keys the memory model reads that the table does not list (testing and Java options). */
const EXTRA_KNOWN = new Set([
  'spark.testing',
  'spark.testing.memory',
  'spark.executor.defaultJavaOptions',
  'spark.driver.defaultJavaOptions',
  'spark.master',
  'spark.submit.deployMode',
  'spark.yarn.isPython',
  'spark.kubernetes.resource.type',
  'spark.kubernetes.submitInDriver',
  'spark.submit.pyFiles',
  'spark.pyspark.python',
  'spark.pyspark.driver.python',
  'spark.mesos.driver.frameworkId',
  'spark.executor.resource.gpu.amount',
]);
const FAMILIES =
  /^spark\.(sql|hadoop|kubernetes|yarn|mesos|executorEnv|eventLog|history|ui|jars|files|app|metrics|dynamicAllocation|speculation|scheduler|serializer|authenticate|ssl|redaction|plugins|cleaner|security|decommission|excludeOnFailure|blacklist|locality|graphx|streaming|connect|databricks|rapids|gluten)\./;

/** The known key nearest to `key` within `within` edits, for "did you mean". */
function nearestKey(key: string, within = 3): string | null {
  let best: string | null = null;
  let bestD = within;
  for (const k of [...BY_KEY.keys(), ...EXTRA_KNOWN]) {
    if (Math.abs(k.length - key.length) >= bestD) continue;
    const d = distance(key, k, bestD);
    if (d < bestD) {
      best = k;
      bestD = d;
    }
  }
  return best;
}

/** Levenshtein distance, giving up (returning `cap`) once every path exceeds it. */
function distance(a: string, b: string, cap: number): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let low = i;
    for (let j = 1; j <= b.length; j++) {
      const v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      cur.push(v);
      low = Math.min(low, v);
    }
    if (low >= cap) return cap;
    prev = cur;
  }
  return prev[b.length]!;
}
