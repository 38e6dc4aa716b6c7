/**
 * Text from an input is data: each sink gets it escaped so that it cannot act there. Renderers call
 * these on every string that came from a log, a file name or a setting, never on their own words.
 */

/** Terminal: C0/C1 control characters (but tab) and DEL as \xNN, newlines as \n. */
export function escapeControl(s: string): string {
  return s.replace(/[\u0000-\u0008\u000a-\u001f\u007f-\u009f]/g, (c) =>
    c === '\n' ? '\\n' : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`,
  );
}

/** Markdown prose: the characters that would start emphasis, code, links, HTML or tables; controls as spaces. */
export function escapeMarkdown(s: string): string {
  return s.replace(/[\\`*_[\]<>|]/g, (c) => `\\${c}`).replace(/[\u0000-\u001f\u007f]/g, ' ');
}

/** CSV: a cell quoted when it holds a quote, comma or line break. */
export function escapeCsv(s: string): string {
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
