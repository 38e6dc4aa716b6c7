import { InputError } from '../errors.js';

/** "7d", "12h", "30m", "2w" before now, or a date Date.parse reads ("2024-01-31"). */
export function parseSince(value: string, now = Date.now()): number | null {
  const m = /^(\d+)\s*([smhdw])$/.exec(value.trim());
  if (m) return now - Number(m[1]) * { s: 1e3, m: 60e3, h: 3600e3, d: 86400e3, w: 604800e3 }[m[2] as 's'];
  const t = Date.parse(value);
  return Number.isNaN(t) ? null : t;
}

/** A compiled shell glob: `test` says whether a whole name matches. */
export interface Glob {
  readonly source: string;
  test(name: string): boolean;
}

type Token = { kind: 'char'; cp: number } | { kind: 'any' } | { kind: 'star' } | { kind: 'class'; ranges: number[]; negated: boolean };

/**
 * Compiles a shell glob: `*` (any run), `?` (one character), `[abc]`, `[a-z]`, `[!abc]` (`[^abc]`
 * too), a `]` first in a class is one of its characters, a `[` that is never closed is itself;
 * everything else, backslash included, stands for itself. Case-sensitive, anchored at both ends,
 * by Unicode code point.
 *
 * Matching never backtracks (application names are data: a regex made from `*N*N*N*x` took over
 * 60 s on an 8 MB name): the classic two-pointer wildcard matcher, which on a mismatch resumes
 * after the last `*` only, so its time is at most the name's length times the glob's.
 *
 * Throws InputError 'bad-glob' for a range whose ends are reversed (`[z-a]`), which a shell would
 * reject too, instead of matching nothing.
 */
export function compileGlob(glob: string): Glob {
  const tokens: Token[] = [];
  const cps = [...glob].map((c) => c.codePointAt(0)!);
  for (let i = 0; i < cps.length; i++) {
    const c = cps[i]!;
    if (c === 0x2a /* * */) {
      if (tokens[tokens.length - 1]?.kind !== 'star') tokens.push({ kind: 'star' });
    } else if (c === 0x3f /* ? */) tokens.push({ kind: 'any' });
    else if (c === 0x5b /* [ */) {
      const cls = parseClass(glob, cps, i);
      if (cls === null) tokens.push({ kind: 'char', cp: c });
      else {
        tokens.push(cls.token);
        i = cls.end;
      }
    } else tokens.push({ kind: 'char', cp: c });
  }
  return { source: glob, test: (name) => matchTokens(tokens, name) };
}

/** The class starting at `cps[open]` ('['), or null when it is never closed. */
function parseClass(glob: string, cps: number[], open: number): { token: Token; end: number } | null {
  let i = open + 1;
  let negated = false;
  if (cps[i] === 0x21 /* ! */ || cps[i] === 0x5e /* ^ */) {
    negated = true;
    i++;
  }
  const ranges: number[] = [];
  const first = i;
  for (; i < cps.length; i++) {
    const c = cps[i]!;
    if (c === 0x5d /* ] */ && i > first) return { token: { kind: 'class', ranges, negated }, end: i };
    if (cps[i + 1] === 0x2d /* - */ && i + 2 < cps.length && cps[i + 2] !== 0x5d) {
      const hi = cps[i + 2]!;
      if (hi < c) throw new InputError('bad-glob', { glob, at: i, reason: 'reversed-range' });
      ranges.push(c, hi);
      i += 2;
    } else ranges.push(c, c);
  }
  return null;
}

function inClass(t: Extract<Token, { kind: 'class' }>, cp: number): boolean {
  let found = false;
  for (let r = 0; r < t.ranges.length && !found; r += 2) found = cp >= t.ranges[r]! && cp <= t.ranges[r + 1]!;
  return found !== t.negated;
}

/** Two pointers over tokens and code points; on a mismatch, back to just after the last star. */
function matchTokens(tokens: Token[], name: string): boolean {
  let t = 0;
  let s = 0;
  let starT = -1;
  let starS = 0;
  while (s < name.length) {
    const cp = name.codePointAt(s)!;
    const width = cp > 0xffff ? 2 : 1;
    const tok = tokens[t];
    if (tok !== undefined && tok.kind === 'star') {
      starT = t++;
      starS = s;
      continue;
    }
    if (tok !== undefined && (tok.kind === 'any' || (tok.kind === 'char' ? tok.cp === cp : inClass(tok, cp)))) {
      t++;
      s += width;
      continue;
    }
    if (starT < 0) return false;
    // Let the last star take one more character, and try the rest again from there.
    t = starT + 1;
    const starCp = name.codePointAt(starS)!;
    starS += starCp > 0xffff ? 2 : 1;
    s = starS;
  }
  while (tokens[t]?.kind === 'star') t++;
  return t === tokens.length;
}
