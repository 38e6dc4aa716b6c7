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
