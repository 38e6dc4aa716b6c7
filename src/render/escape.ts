/**
 * Text from an input is data: each sink gets it escaped so that it cannot act there. Renderers call
 * these on every string that came from a log, a file name or a setting, never on their own words.
 *
 * What cannot be shown as itself is shown visibly, never dropped: C0 controls as \xNN (a newline as
 * \n), DEL and C1 controls as \xNN, and the Unicode format characters that reorder or hide text
 * (bidi embeddings, overrides and isolates, the line and paragraph separators) as \u{NNNN}, so that
 * what a reader sees is what the log holds ("Trojan Source", CVE-2021-42574).
 */
const UNSAFE = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

function visible(c: string): string {
  if (c === '\n') return '\\n';
  const code = c.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u{${code.toString(16)}}`;
}

/** Terminal: control and reordering characters shown visibly; tab kept. */
export function escapeControl(s: string): string {
  return s.replace(UNSAFE, visible);
}

/** A name from an input, in quotes, for the terminal: escaped as all log text is (not as JSON), so ESC reads \x1b everywhere. */
export const quoted = (s: string): string => `"${escapeControl(s)}"`;

/**
 * Markdown prose (GitHub-flavoured): shown exactly, acting as nothing. The characters that would start
 * emphasis, strikethrough, code, links, images, HTML, entities, table cells or close a heading are
 * backslash-escaped (CommonMark: any ASCII punctuation may be), and so is what GFM would turn into a
 * link by itself (its autolink literals: `://` after a scheme, `www.`, the `@` of an address); controls
 * are shown visibly, so no input can start a new line (a heading, a list item) either.
 */
export function escapeMarkdown(s: string): string {
  return escapeControl(s)
    .replace(/[\\`*_~[\]<>|&#@]/g, (c) => `\\${c}`)
    .replace(/:\/\//g, '\\://')
    .replace(/\b(www)\./gi, '$1\\.');
}

/**
 * A Markdown code span around text from an input, showing it exactly (CommonMark 6.1): fenced with
 * one backtick more than the longest run inside, so no backtick from the input can close it, and
 * padded with a space each side when the text begins or ends with a backtick or a space (the one
 * space each side that CommonMark strips is then the padding). A line break cannot end it (controls
 * are shown visibly). Not for a table cell: a pipe inside stays a pipe, which would split the cell.
 */
export function markdownCode(s: string): string {
  const text = escapeControl(s);
  if (text === '') return '` `';
  const longest = (text.match(/`+/g) ?? []).reduce((n, run) => Math.max(n, run.length), 0);
  const fence = '`'.repeat(longest + 1);
  const pad = /^[` ]|[` ]$/.test(text) && !/^ +$/.test(text) ? ' ' : '';
  return `${fence}${pad}${text}${pad}${fence}`;
}

/**
 * CSV (RFC 4180) for spreadsheets: a cell quoted when it holds a quote, comma or line break, and
 * a cell that a spreadsheet would run as a formula (= + - @, tab or CR first) prefixed with a
 * quote, as OWASP's CSV-injection guidance and the spreadsheet tools expect. Controls are shown
 * visibly as in the terminal (a CSV is read with cat and less too, and a line break inside a cell
 * breaks many CSV readers); the exact strings are JSON's.
 */
export function escapeCsv(s: string): string {
  const shown = escapeControl(s);
  const safe = /^[=+\-@\t\r]/.test(shown) ? `'${shown}` : shown;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** What JSON.stringify leaves raw in strings though a terminal may act on it: DEL, C1, bidi, separators. */
const JSON_UNSAFE = /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * JSON whose strings are exactly the input's, but printable: JSON.stringify escapes C0 controls
 * only, so DEL, C1 (0x9b is CSI to some terminals) and the reordering characters are written as
 * \uNNNN escapes too. Outside strings JSON is ASCII, so replacing everywhere touches strings only.
 */
export function jsonText(value: unknown, indent?: number): string {
  return JSON.stringify(value, null, indent).replace(JSON_UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * A spark-submit argument as a POSIX shell reads it: as it is when it holds only characters no shell
 * treats specially, else in single quotes (a quote inside closes, escapes and reopens them). Escaped
 * for the terminal too: what cannot be shown is shown visibly (escapeControl).
 */
export function shellArg(s: string): string {
  const shown = escapeControl(s);
  return /^[\w@%+=:,./-]+$/.test(shown) ? shown : `'${shown.replace(/'/g, "'\\''")}'`;
}
