/**
 * A pattern's literal pre-filter: strings of which every match of the pattern contains at least one,
 * read from its source. A text holding none of them cannot match, so the pattern is not run on it:
 * V8 compiles a pattern at its first run (and again, to machine code, at its second), and compiling
 * patterns took 27 million instructions of a 5 KB log's diagnosis, 9 million with the filter
 * (callgrind, RegExpImpl::CompileIrregexp inclusive; the whole diagnosis ~11 million fewer), where
 * most texts hold none of most patterns' words. The result is the same by construction: the filter
 * only says "cannot match" (test/classifiers/literals.test.ts holds it to every match of every
 * trigger in the fixtures and snippets).
 *
 * The reading is conservative: a run of plain characters counts only where each must appear once, in
 * order (no quantifier after it, outside any lookaround); a group counts when every one of its
 * alternatives has such a run; a class, an escape that is not one character, an anchor or a
 * backreference ends a run. A pattern none of whose alternatives gives a long enough run gets no
 * filter (null), nor does one with the u or v flag (its case folding is Unicode's).
 */

/**
 * The shortest literal worth checking. Our choice: a one- or two-character literal is in most texts
 * (`ms`, `GB`), so checking it costs a scan and rarely spares a run.
 */
const MIN_LITERAL = 3;

/** Characters a backslash turns into one character (the rest of the letters and the digits are classes, assertions or references). */
const CHAR_ESCAPES: Readonly<Record<string, string>> = { n: '\n', t: '\t', r: '\r', f: '\f', v: '\v' };

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';
const isHex = (c: string | undefined): boolean => isDigit(c) || (c !== undefined && ((c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')));
const isLetter = (c: string | undefined): boolean => c !== undefined && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'));

/**
 * Where the escape whose letter is at `i` (after its backslash) ends, so that its digits are not read
 * as characters: \x41, \u0041, \012, \cJ, \k<name> (ECMA-262 Annex B's forms included).
 */
function escapeEnd(src: string, i: number): number {
  const e = src[i];
  let j = i + 1;
  if (e === 'x' || e === 'u') for (const max = j + (e === 'x' ? 2 : 4); j < max && isHex(src[j]);) j++;
  else if (isDigit(e)) while (isDigit(src[j])) j++;
  else if (e === 'c' && isLetter(src[j])) j++;
  else if (e === 'k' && src[j] === '<') {
    const close = src.indexOf('>', j);
    j = close === -1 ? src.length : close + 1;
  }
  return j;
}

/**
 * How many characters of `src` from `i` are a quantifier (0: none). A \{ that is not one is a
 * character in a pattern without the u flag; it is counted as one here all the same (the atom before
 * it then counts for nothing, which only makes the filter weaker).
 */
function quantifierLength(src: string, i: number): number {
  const c = src[i];
  if (c === '*' || c === '+' || c === '?') return 1;
  if (c !== '{') return 0;
  let j = i + 1;
  const digits = j;
  while (isDigit(src[j])) j++;
  if (j > digits && src[j] === ',') for (j++; isDigit(src[j]);) j++;
  return j > digits && src[j] === '}' ? j + 1 - i : 1;
}

/** Where the class `[` at `i` ends (the index after its `]`). */
function classEnd(src: string, i: number): number {
  let j = i + 1;
  if (src[j] === '^') j++;
  for (; j < src.length; j++) {
    if (src[j] === '\\') j++;
    else if (src[j] === ']') return j + 1;
  }
  return src.length;
}

/** Where the group `(` at `i` ends (the index after its `)`). */
function groupEnd(src: string, i: number): number {
  let depth = 0;
  for (let j = i; j < src.length; j++) {
    const c = src[j];
    if (c === '\\') j++;
    else if (c === '[') j = classEnd(src, j) - 1;
    else if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return j + 1;
  }
  return src.length;
}

/** The alternatives of `src` at its top level. */
function alternatives(src: string): string[] {
  const out: string[] = [];
  let from = 0;
  for (let j = 0; j < src.length; j++) {
    const c = src[j];
    if (c === '\\') j++;
    else if (c === '[') j = classEnd(src, j) - 1;
    else if (c === '(') j = groupEnd(src, j) - 1;
    else if (c === '|') {
      out.push(src.slice(from, j));
      from = j + 1;
    }
  }
  out.push(src.slice(from));
  return out;
}

/** The shortest string of a set: how selective it is. */
const weakest = (set: readonly string[]): number => Math.min(...set.map((s) => s.length));

/** Strings one of which every match of the sequence `seq` (one alternative) holds; null if none is long enough. */
function ofSequence(seq: string): string[] | null {
  const found: string[][] = [];
  let run = '';
  const end = (): void => {
    if (run.length > 0) found.push([run]);
    run = '';
  };
  let i = 0;
  while (i < seq.length) {
    const c = seq[i]!;
    let next: number;
    let literal: string | null = null;
    let group: string[] | null = null;
    if (c === '\\') {
      const e = seq[i + 1] ?? '';
      next = escapeEnd(seq, i + 1);
      if (e in CHAR_ESCAPES) literal = CHAR_ESCAPES[e]!;
      else if (e !== '' && !isLetter(e) && !isDigit(e)) literal = e;
    } else if (c === '[') {
      next = classEnd(seq, i);
    } else if (c === '(') {
      next = groupEnd(seq, i);
      // (?:…) and (?<name>…) are read as groups; a lookaround matches nothing, and any other (?…) is read as nothing too.
      let body = i + 1;
      if (seq[body] === '?') {
        if (seq[body + 1] === ':') body += 2;
        else if (seq[body + 1] === '<' && seq[body + 2] !== '=' && seq[body + 2] !== '!') body = seq.indexOf('>', body) + 1;
        else body = -1;
      }
      if (body > 0) group = ofPattern(seq.slice(body, next - 1));
    } else {
      next = i + 1;
      if (!'.^$*+?{}()[]|'.includes(c)) literal = c;
    }
    // A quantified atom may be absent or repeated: it ends the run and counts for nothing.
    const q = quantifierLength(seq, next);
    if (q > 0 || literal === null) {
      end();
      if (q === 0 && group) found.push(group);
      next += q;
      if (q > 0 && seq[next] === '?') next++; // lazy
    } else {
      run += literal;
    }
    i = next;
  }
  end();
  let best: string[] | null = null;
  for (const f of found) if (weakest(f) >= MIN_LITERAL && (best === null || weakest(f) > weakest(best))) best = f;
  return best;
}

/** Strings one of which every match of `src` holds; null if some alternative gives none. */
function ofPattern(src: string): string[] | null {
  const out: string[] = [];
  for (const alt of alternatives(src)) {
    const set = ofSequence(alt);
    if (set === null) return null;
    out.push(...set);
  }
  return [...new Set(out)];
}

/** The filter of `re`: its strings (lower-cased when it ignores case), or null when it has none. */
export function literalsOf(re: RegExp): { strings: readonly string[]; ignoreCase: boolean } | null {
  if (re.unicode || re.flags.includes('v')) return null;
  const strings = ofPattern(re.source);
  if (strings === null) return null;
  // Without the u flag, ignoring case matches an ASCII letter with ASCII letters only (ECMA-262
  // Canonicalize), which toLowerCase maps in place; other characters are left to the pattern.
  if (re.ignoreCase && strings.some((s) => [...s].some((c) => c > '~' || (c < ' ' && !'\n\t\r\f\v'.includes(c))))) return null;
  return { strings: re.ignoreCase ? strings.map((s) => s.toLowerCase()) : strings, ignoreCase: re.ignoreCase };
}

const FILTERS = new WeakMap<RegExp, ReturnType<typeof literalsOf>>();

/**
 * False when `re` cannot match `text` (it holds none of the pattern's literals); true when it may.
 * `lower` gives the text lower-cased, for patterns that ignore case (computed once per text by the caller).
 */
export function mayMatch(re: RegExp, text: string, lower: () => string): boolean {
  let f = FILTERS.get(re);
  if (f === undefined) {
    f = literalsOf(re);
    FILTERS.set(re, f);
  }
  if (f === null) return true;
  const t = f.ignoreCase ? lower() : text;
  return f.strings.some((s) => t.includes(s));
}
