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

/**
 * Markdown prose (GitHub-flavoured): the characters that would start emphasis, code, links,
 * images, HTML, entities or table cells are backslash-escaped; controls shown visibly, so no
 * input can start a new line (a heading, a list item) either.
 */
export function escapeMarkdown(s: string): string {
  return escapeControl(s).replace(/[\\`*_[\]<>|&]/g, (c) => `\\${c}`);
}

/**
 * A Markdown code span around text from an input: a backtick cannot close it (it becomes a
 * quote), a line break cannot end it, and a pipe cannot split the table cell it may sit in.
 */
export function markdownCode(s: string): string {
  return `\`${escapeControl(s).replace(/`/g, "'").replace(/\|/g, '\\|')}\``;
}

/**
 * CSV (RFC 4180) for spreadsheets: a cell quoted when it holds a quote, comma or line break, and
 * a cell that a spreadsheet would run as a formula (= + - @, tab or CR first) prefixed with a
 * quote, as OWASP's CSV-injection guidance and the spreadsheet tools expect.
 */
export function escapeCsv(s: string): string {
  const safe = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
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
