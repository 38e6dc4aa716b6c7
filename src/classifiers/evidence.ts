import type { SignalSource } from '../state/signals.js';
import type { ExitCause, MemoryLikelihood } from './exit-codes.js';

/**
 * Evidence messages: an id and its data. The words are in src/render/words/evidence.ts; sizes are
 * bytes, times epoch milliseconds, durations milliseconds, shares fractions.
 */
export interface EvidenceData {
  /** A failure text where it was first seen, with how often and where it recurred. */
  matched: {
    text: string;
    source: SignalSource;
    count: number;
    executors: string[];
    stages: string[];
    firstTime: number | null;
    lastTime: number | null;
  };
  /** The same text in another input of the application (a YARN log beside the event log). */
  'also-in': { text: string };
  /** A stage failure that quotes the finding's own evidence. */
  'caused-stage-failure': { stages: string[]; text: string };
  /** Job failures that quote it. */
  'caused-job-failure': { jobs: number; text: string };
  /** Where an event log stops without ApplicationEnd while jobs ran. */
  'log-ends': { running: number };
  /** GC time over task run time, for the application and its executors at or above `severe`. */
  'gc-share': { share: number; gcMs: number; runMs: number; heavyExecutors: number; severe: number };
  'stage-skew': { stage: number; attempt: number; name: string | null; maxMs: number; medianMs: number; tasks: number };
  'stage-spill': {
    stage: number;
    attempt: number;
    name: string | null;
    spilled: number;
    diskSpilled: number;
    tasks: number;
    largestPeak: number;
  };
  'heap-peak': { peak: number; heap: number };
  /** What an exit code means (exit-codes.ts), and how many executors ended with it. */
  'exit-decoded': { code: number; cause: ExitCause; memory: MemoryLikelihood; executors: number };
  /** The log is still being written (.inprogress): `running` jobs had not ended when it was read. */
  'log-in-progress': { running: number };
  /** A limit a message states for a container, against the one the log's configuration computes. */
  'limit-stated': { stated: number; computed: number; role: 'executor' | 'driver' };
}

export type EvidenceId = keyof EvidenceData;
export type EvidenceMessage = { [K in EvidenceId]: { messageId: K; data: EvidenceData[K] } }[EvidenceId];
