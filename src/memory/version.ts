/** A Spark version as [major, minor, patch]; vendor suffixes ("3.3.0-amzn-0", "3.1.1.119") ignored. */
export type Version = readonly [number, number, number];

export function parseVersion(v: string | null | undefined): Version | null {
  if (!v) return null;
  const m = /^(\d+)\.(\d+)(?:\.(\d+))?/.exec(v.trim());
  return m ? [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)] : null;
}

/** True when `v` is at least major.minor; an unknown version counts as current. */
export function atLeast(v: Version | null, major: number, minor: number): boolean {
  if (!v) return true;
  return v[0] > major || (v[0] === major && v[1] >= minor);
}

/** "2.3" → [2, 3]; remembered, as the rule tables ask for the same few versions at every lookup. */
const parsed = new Map<string, readonly [number, number]>();
const mm = (s: string): readonly [number, number] => {
  let v = parsed.get(s);
  if (v === undefined) {
    const [a, b] = s.split('.').map(Number);
    parsed.set(s, (v = [a!, b ?? 0]));
  }
  return v;
};

/**
 * Whether a rule written for [since, until) holds for `v` (until exclusive, absent = still current).
 * An unknown version counts as current: it holds for rules with no end.
 */
export function holds(v: Version | null, since: string, until?: string): boolean {
  const [sa, sb] = mm(since);
  if (!atLeast(v, sa, sb)) return false;
  if (until === undefined) return true;
  if (!v) return false;
  const [ua, ub] = mm(until);
  return !atLeast(v, ua, ub);
}
