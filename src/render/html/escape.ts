import { escapeControl } from '../escape.js';

/**
 * Text from an input, for an HTML page: controls and the characters that reorder text shown visibly
 * (escape.ts escapeControl: what the reader sees is what the log holds), then the five characters
 * that could open a tag, an entity or close an attribute written as entities. The same string is
 * safe as element text and inside a double- or single-quoted attribute value (OWASP XSS prevention,
 * rules 1 and 2); the page never puts input inside a script, a style, a URL or an unquoted attribute.
 */
export function html(s: string): string {
  return escapeControl(s).replace(/[&<>"']/g, (c) => ENTITY[c]!);
}

const ENTITY: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
