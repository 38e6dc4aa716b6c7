import { CLASSIFIERS } from './index.js';

/**
 * The union of every classifier's triggers (Classifier.triggers): the text-log scanner's pre-filter.
 * Derived, never written by hand: a pattern a classifier adds is in the filter the moment it exists.
 * Patterns are joined by their flags (one alternation per set of flags, each with its own flags), so
 * the filter matches exactly where some classifier's pattern does.
 */
const UNIONS: readonly RegExp[] = (() => {
  const byFlags = new Map<string, string[]>();
  for (const r of CLASSIFIERS.flatMap((c) => c.triggers)) {
    const flags = r.flags.replace(/[gy]/g, '');
    byFlags.set(flags, [...(byFlags.get(flags) ?? []), `(?:${r.source})`]);
  }
  return [...byFlags].map(([flags, sources]) => new RegExp(sources.join('|'), flags));
})();

/** Where the first trigger of any classifier is in `text`, or -1. */
export function firstTrigger(text: string): number {
  let at = -1;
  for (const u of UNIONS) {
    const m = u.exec(text);
    if (m && (at === -1 || m.index < at)) at = m.index;
  }
  return at;
}

/** Whether any classifier's trigger is in `text`. */
export const anyTrigger = (text: string): boolean => UNIONS.some((u) => u.test(text));
