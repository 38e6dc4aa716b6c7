import { readdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { describeError } from '../errors.js';
import { classifyGroup, isIgnoredName } from '../sources/layout.js';

/** One thing to read: a log file, a zip, or a log directory (rolling, Databricks, ≤1.2). */
export interface Unit {
  path: string;
  /** Newest modification time of its files (ms), for --since and --limit. */
  mtime: number;
  /** Set when the path could not be listed or stat'ed: the scan reports it as an error row. */
  error?: string;
}

/**
 * Walks a History Server log directory without opening any file: what --since and --limit need is
 * in the directory entries. Hidden and .crc files are skipped, symlink loops are walked once.
 */
export async function* listUnits(root: string): AsyncGenerator<Unit> {
  yield* walk(root, new Set());
}

async function* walk(dir: string, seen: Set<string>): AsyncGenerator<Unit> {
  let names: string[];
  try {
    const real = await realpath(dir);
    if (seen.has(real)) return;
    seen.add(real);
    names = (await readdir(dir)).filter((n) => !isIgnoredName(n)).sort();
  } catch (e) {
    yield { path: dir, mtime: 0, error: describeError(e) };
    return;
  }
  const group = classifyGroup(path.basename(dir), names);
  if (group) {
    let mtime = 0;
    for (const f of group.files) mtime = Math.max(mtime, await mtimeOf(path.join(dir, f)));
    yield { path: dir, mtime };
    return;
  }
  for (const name of names) {
    const p = path.join(dir, name);
    let st;
    try {
      st = await stat(p);
    } catch (e) {
      yield { path: p, mtime: 0, error: describeError(e) };
      continue;
    }
    if (st.isDirectory()) yield* walk(p, seen);
    else if (st.isFile()) yield { path: p, mtime: st.mtimeMs };
  }
}

async function mtimeOf(p: string): Promise<number> {
  try {
    return (await stat(p)).mtimeMs;
  } catch {
    return 0;
  }
}

/** "7d", "12h", "30m", "2w" before now, or a date Date.parse reads ("2024-01-31"). */
export function parseSince(value: string, now = Date.now()): number | null {
  const m = /^(\d+)\s*([smhdw])$/.exec(value.trim());
  if (m) return now - Number(m[1]) * { s: 1e3, m: 60e3, h: 3600e3, d: 86400e3, w: 604800e3 }[m[2] as 's']!;
  const t = Date.parse(value);
  return Number.isNaN(t) ? null : t;
}

/** A shell glob (*, ?, [abc]) as an anchored, case-sensitive RegExp. */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*') re += '.*';
    else if (c === '?') re += '.';
    else if (c === '[') {
      const end = glob.indexOf(']', i + 1);
      if (end < 0) re += '\\[';
      else {
        re += `[${glob.slice(i + 1, end).replace(/^!/, '^').replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else re += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}
