import { BROADCAST_OPS, PYTHON_OPS } from '../state/plan-ops.js';

/**
 * SQL execution starts at least this long have their plan's operators read from the line's bytes
 * (planOperatorsLine) instead of their plan made a string. A line is parsed as one string and its
 * plan becomes another: a 5 MB plan left ~10 MB of garbage in V8's large-object space, which only a
 * full collection frees, and the bench's 4 GiB log (a 5 MB plan every 40 jobs) peaked with ~10 such
 * objects held. Our choice: 1 MiB, as the shape check's (shape.ts SHAPE_CHECK_BYTES): the longest
 * plan line of the real logs in ../shared/eventlogs is 1.0 MB, and shorter lines cost little held.
 */
export const PLAN_LINE_BYTES = 1024 * 1024;

/** Bytes of the plan decoded and searched at a time. */
const WINDOW = 64 * 1024;
/** Characters of the window before kept in front of the next: longer than any operator name PYTHON_OPS or BROADCAST_OPS matches. */
const OVERLAP = 64;

const KEY = 'physicalPlanDescription';
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
/** The escapes JSON allows but \u (each stands for a character no operator name holds: it ends a word as its two characters do). */
const SHORT_ESCAPE = /["\\/bfnrt]/;
/** An escape: two characters. */
const ESCAPE = /\\[\s\S]/g;
/** A character JSON forbids unescaped in a string. */
const CONTROL = /[\x00-\x1f]/;
/** That, or an odd run of backslashes before a character it may not escape here (\u among them: an escape could spell an operator's letter). */
const CONTROL_OR_BAD_ESCAPE = /[\x00-\x1f]|(?:^|[^\\])(?:\\\\)*\\[^"\\/bfnrt]/;

/**
 * The text of a SparkListenerSQLExecutionStart line (bytes `from`..`end` of `buf`) for JSON.parse, with
 * its physicalPlanDescription replaced by the operators AppState reads of it (PYTHON_OPS' matches in
 * order, then BROADCAST_OPS' first), one per line as asFolded (src/state/app.ts) keeps them: the same
 * counts follow from either. The plan is decoded 64 KiB at a time, never whole. Null, and the line is
 * read whole, unless it is as JsonProtocol writes one: the key at the top level after strings, numbers
 * and literals only, once; the plan a string without control bytes or \u escapes (an escape could
 * spell an operator's letter). `window` is for tests.
 */
export function planOperatorsLine(buf: Buffer, from: number, end: number, window = WINDOW): string | null {
  const plan = findPlan(buf, from, end);
  if (plan === null) return null;
  const ops = operators(buf, plan.start, plan.end, window);
  if (ops === null) return null;
  return buf.toString('utf8', from, plan.start) + JSON.stringify(ops.join('\n')).slice(1, -1) + buf.toString('utf8', plan.end, end);
}

/** Where the plan string's characters are (between its quotes), or null (planOperatorsLine's conditions). */
function findPlan(buf: Buffer, from: number, end: number): { start: number; end: number } | null {
  /** The byte at `i` of the line (-1 past its end: the buffer may hold the next line). */
  const at = (i: number): number => (i < end ? buf[i]! : -1);
  let p = skipSpace(buf, from, end);
  if (at(p) !== 0x7b) return null; // {
  p++;
  for (;;) {
    p = skipSpace(buf, p, end);
    if (at(p) !== QUOTE) return null;
    const keyEnd = stringEnd(buf, p + 1, end);
    if (keyEnd < 0) return null;
    const key = buf.toString('latin1', p + 1, keyEnd);
    p = skipSpace(buf, keyEnd + 1, end);
    if (at(p) !== 0x3a) return null; // :
    p = skipSpace(buf, p + 1, end);
    if (key === KEY) {
      if (at(p) !== QUOTE) return null;
      const close = stringEnd(buf, p + 1, end);
      if (close < 0) return null;
      // Given twice, JSON.parse keeps the last: read whole.
      const again = buf.indexOf(`"${KEY}"`, close, 'latin1');
      if (again >= 0 && again < end) return null;
      return { start: p + 1, end: close };
    }
    if (key.includes('\\')) return null;
    p = skipValue(buf, p, end);
    if (p < 0) return null;
    p = skipSpace(buf, p, end);
    if (at(p) !== 0x2c) return null; // , (a } here: no plan)
    p++;
  }
}

const skipSpace = (buf: Buffer, p: number, end: number): number => {
  while (p < end && (buf[p] === 0x20 || buf[p] === 0x09 || buf[p] === 0x0a || buf[p] === 0x0d)) p++;
  return p;
};

/** The index of the quote that ends a string whose characters start at `p`, or -1. */
function stringEnd(buf: Buffer, p: number, end: number): number {
  for (;;) {
    const q = buf.indexOf(QUOTE, p);
    if (q < 0 || q >= end) return -1;
    let slashes = 0;
    while (q - slashes - 1 >= p && buf[q - slashes - 1] === BACKSLASH) slashes++;
    if (slashes % 2 === 0) return q;
    p = q + 1;
  }
}

/** Past a string, number or literal starting at `p`; -1 for an object, an array or anything else. */
function skipValue(buf: Buffer, p: number, end: number): number {
  if (p >= end) return -1;
  const c = buf[p];
  if (c === QUOTE) {
    const q = stringEnd(buf, p + 1, end);
    return q < 0 ? -1 : q + 1;
  }
  const start = p;
  // Numbers and true/false/null: JSON.parse judges them; here they only need an end.
  while (p < end && isTokenByte(buf[p]!)) p++;
  return p > start ? p : -1;
}

/** A byte of a number or a literal: a letter, a digit, '-', '+' or '.'. */
const isTokenByte = (c: number): boolean =>
  (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x2d || c === 0x2b || c === 0x2e;

/** BROADCAST_OPS, searched window after window (matchAll takes a global pattern). */
const BROADCAST_ALL = new RegExp(BROADCAST_OPS.source, 'g');

/**
 * PYTHON_OPS' matches in the plan's characters (bytes `start`..`end`), in order, then BROADCAST_OPS'
 * first; null when a character JSON forbids in a string, or a \u escape, is there. Each window is read
 * as latin1 (a byte of a UTF-8 sequence is a character no operator name holds, as the sequence's own
 * character is not) with each escape as two spaces, so that matches, and the word boundaries around
 * them, are those of the decoded plan; OVERLAP characters before it are searched again, and a match is
 * taken once, where it ends: in the new part, and before the window's end unless the plan ends there.
 */
function operators(buf: Buffer, start: number, end: number, window: number): string[] | null {
  const python: string[] = [];
  let broadcast: string | null = null;
  let tail = '';
  let escaping = false;
  for (let at = start; at < end; at += window) {
    const to = Math.min(end, at + window);
    let text = buf.toString('latin1', at, to);
    if (escaping) {
      // The window before ended inside an escape: this character is what it escapes.
      if (!SHORT_ESCAPE.test(text[0]!)) return null;
      text = ` ${text.slice(1)}`;
      escaping = false;
    }
    if (!text.includes('\\')) {
      if (CONTROL.test(text)) return null;
    } else {
      if (CONTROL_OR_BAD_ESCAPE.test(text)) return null;
      let run = 0;
      while (run < text.length && text[text.length - 1 - run] === '\\') run++;
      if (run % 2 === 1) {
        // The escape goes on in the next window.
        escaping = true;
        text = `${text.slice(0, -1)} `;
      }
      text = text.replace(ESCAPE, '  ');
    }
    const last = to === end;
    const searched = tail + text;
    const taken = (m: RegExpMatchArray): boolean => {
      const e = m.index! + m[0].length;
      return e >= tail.length && (last || e < searched.length);
    };
    for (const m of searched.matchAll(PYTHON_OPS)) if (taken(m)) python.push(m[0]);
    if (broadcast === null)
      for (const m of searched.matchAll(BROADCAST_ALL))
        if (taken(m)) {
          broadcast = m[0];
          break;
        }
    tail = searched.slice(-OVERLAP);
  }
  if (escaping) return null;
  return broadcast === null ? python : [...python, broadcast];
}
