import type { Codec } from '../codecs/index.js';
import type { Problem } from '../errors.js';
import type { InputKind } from './sniff.js';

/** Where a piece of evidence came from: the part file and its 1-based line. */
export interface Location {
  file: string;
  line: number;
}

/** What a counted diagnostic says about one line; words in src/render/words/diagnostics.ts. */
interface DiagnosticData {
  /** The last line has no newline and does not parse: the writer stopped mid-event. */
  'truncated-line': Record<string, never>;
  'invalid-json': Record<string, never>;
  'no-event-field': Record<string, never>;
  /** A known event whose fields do not match what we read; `detail` is the validator's own text. */
  'schema-mismatch': { event: string; path: string; detail: string };
  /** The compressed stream ended mid-frame here (normal for a log still being written). */
  'stream-truncated': { cause: Problem };
  /** A line longer than MAX_LINE_BYTES (src/eventlog/lines.ts) was skipped, never held: its length in bytes. */
  'line-too-long': { bytes: number; limit: number };
  /** A line nested deeper than MAX_JSON_DEPTH or holding more than MAX_JSON_VALUES values (src/eventlog/shape.ts) was skipped unparsed. */
  'line-too-complex': { bytes: number; limit: 'depth' | 'values'; max: number };
  /** A kubectl "pod" of more JSON than MAX_POD_CHARS (src/containerlogs/kubectl-json.ts) was skipped, never built. */
  'pod-too-large': { chars: number; limit: number };
  /** More distinct event names than MAX_EVENT_NAMES (src/eventlog/events.ts): the rest counted together. */
  'event-names-capped': { limit: number };
  /** A rolling log lacks these parts (events_<N>_…): what they held is missing from the reading. */
  'missing-parts': { indices: number[]; total: number };
}

type DiagnosticCode = keyof DiagnosticData;

export type Diagnostic = Location & { [C in DiagnosticCode]: { code: C; data: DiagnosticData[C] } }[DiagnosticCode];

/** What reading one application log found, besides its events. Bounded: diagnostics keep the first few. */
export class ReadStats {
  static readonly MAX_DIAGNOSTICS = 20;
  compression: Codec | null = null;
  kind: InputKind | null = null;
  lines = 0;
  malformedLines = 0;
  /**
   * Lines skipped unread for their size: longer than MAX_LINE_BYTES ('line-too-long'), or shaped to
   * cost far more than their length ('line-too-complex'); each a diagnostic, the first few kept.
   */
  longLines = 0;
  /** Events whose names came past MAX_EVENT_NAMES distinct ones: counted, not by name. */
  otherEvents = 0;
  schemaMismatches = 0;
  truncated = false;
  events = 0;
  readonly eventCounts = new Map<string, number>();
  readonly diagnostics: Diagnostic[] = [];

  diagnose(d: Diagnostic): void {
    if (this.diagnostics.length < ReadStats.MAX_DIAGNOSTICS) this.diagnostics.push(d);
  }

  /** The stream of `file` ended mid-way (`line`: the line it broke in): truncated, and said. */
  streamCut(file: string, line: number, cause: Problem): void {
    this.truncated = true;
    this.diagnose({ file, line, code: 'stream-truncated', data: { cause } });
  }
}
