import { CLASSIFIERS } from './index.js';

/**
 * The union of every classifier's triggers (Classifier.triggers): the text-log scanner's pre-filter.
 * Derived, never written by hand: a pattern a classifier adds is in the filter the moment it exists.
 * Case-insensitive and multi-line: a superset of each pattern's own flags, so the filter can only let
 * more through than the classifiers match, never less.
 */
export const ANY_TRIGGER: RegExp = new RegExp(
  CLASSIFIERS.flatMap((c) => c.triggers)
    .map((r) => `(?:${r.source})`)
    .join('|'),
  'im',
);
