/**
 * Why an input could not be read, as a code and its data: the words are the renderers'
 * (src/render/words/input-errors.ts). Every code is part of the JSON contract (`inputs[].errors[].code`),
 * like a finding code: add codes, never rename one.
 */
export interface InputErrorData {
  // --- the file system -------------------------------------------------------------------------
  'no-such-file': Record<string, never>;
  'permission-denied': Record<string, never>;
  'is-a-directory': Record<string, never>;
  'symlink-loop': Record<string, never>;
  /** Any other errno: its code and the system's one-line message. */
  'os-error': { errno: string; detail: string };
  'not-a-file': Record<string, never>;
  'no-log-in-directory': Record<string, never>;
  'stdin-read-twice': Record<string, never>;
  interrupted: Record<string, never>;
  /** Read again (a batch too large to hold), the input no longer holds what it held. */
  'input-changed': Record<string, never>;
  // --- what the bytes are ----------------------------------------------------------------------
  'empty-file': Record<string, never>;
  /** Only blank lines (codec 'none'), or a compressed stream that decodes to nothing. */
  'no-content': { codec: string };
  'binary-data': { acceptText: boolean };
  /** Line 1 is not a JSON event; `readsAs` is the text kind it reads as, when one. */
  'not-an-event-log': { readsAs: string | null };
  'no-event-field': Record<string, never>;
  /** Text read to its end (diagnose reads any text) in which nothing was recognised: no Spark, YARN or kubectl log, no failure. */
  'not-recognised': Record<string, never>;
  /** A compressed stream cut mid-frame in a file not marked .inprogress. */
  'cut-short': { cause: Problem };
  'kubectl-json': { line: number; detail: string };
  /** kubectl JSON nested deeper than `max` levels (MAX_JSON_DEPTH), first at `line`. */
  'kubectl-json-depth': { line: number; max: number };
  // --- codecs ------------------------------------------------------------------------------------
  /** The stream ended while `what` was being read, at byte `at`: `expected` bytes wanted, `found` there. */
  truncated: { what: string; at: number; expected: number; found: number };
  'lz4-bad-magic': { at: number };
  'lz4-bad-header': { at: number };
  'lz4-bad-end': { at: number };
  'lz4-short-block': { at: number; decoded: number; expected: number };
  'lz4-checksum': { at: number };
  'lz4-corrupt-block': { at: number | null; what: BlockFault };
  'snappy-bad-magic': { at: number };
  'snappy-bad-block-length': { at: number; length: number };
  'snappy-corrupt-block': { at: number; what: BlockFault };
  'snappy-short-block': { at: number; decoded: number; expected: number };
  'lzf-bad-magic': { at: number };
  'lzf-bad-type': { at: number; type: number };
  'lzf-short-chunk': { at: number; decoded: number; expected: number };
  'lzf-corrupt-chunk': { at: number };
  'gzip-truncated': Record<string, never>;
  'gzip-corrupt': { detail: string };
  'zstd-truncated': { at: number };
  /** `at`: where the damaged unit starts (frame header, block, checksum); `unit` absent in older results. */
  'zstd-corrupt': { at: number; reason: string; unit?: ZstdUnit };
  'zstd-no-progress': { at: number; unit?: ZstdUnit };
  'zstd-no-decoder': Record<string, never>;
  'zstd-thread': { detail: string };
  // --- zip ----------------------------------------------------------------------------------------
  'zip-no-end-record': Record<string, never>;
  'zip-no-zip64-locator': Record<string, never>;
  'zip-bad-zip64-record': Record<string, never>;
  'zip-directory-past-end': Record<string, never>;
  'zip-bad-directory-entry': { index: number };
  'zip-bad-local-header': { entry: string };
  'zip-unsupported-method': { entry: string; method: number };
  'zip-corrupt-entry': { entry: string; detail: string };
  'zip-empty': Record<string, never>;
  /** Two entries share bytes (a zip bomb's construction; no writer does it). */
  'zip-overlapping-entries': { entry: string; other: string };
  /** An entry's data runs into the central directory. */
  'zip-entry-out-of-bounds': { entry: string };
  /** The entries declare more decoded bytes than the zip's size allows (src/sources/zip.ts ZIP_MAX_RATIO). */
  'zip-too-large': { declared: number; limit: number };
  'zip-directory-too-large': { bytes: number; limit: number };
  'zip-encrypted-entry': { entry: string };
  'zip-crc-mismatch': { entry: string; expected: number; actual: number };
  /** The entry decodes to a size other than its directory's; `atLeast`: reading stopped once it exceeded it. */
  'zip-entry-size-mismatch': { entry: string; declared: number; actual: number; atLeast: boolean };
  // --- standard input -----------------------------------------------------------------------------
  /** A zip on standard input is larger than we spool (src/sources/resolve.ts STDIN_SPOOL_MAX). */
  'stdin-too-large': { limit: number };
  /** The temporary directory a zip on standard input is spooled to cannot be used. */
  'temp-dir-unusable': { dir: string; errno: string; detail: string; for: 'stdin-zip' | 'scan-rows' | 'output' | 'remote-zip' };
  // --- remote sources (src/sources/remote/): the failure line names the URL ----------------------------
  /** A URL this tool cannot read: an unknown scheme, no bucket, a History Server path it does not know. */
  'bad-url': { reason: 'scheme' | 'no-bucket' | 'no-host' | 'history-path' | 'not-history-server' | 'syntax' };
  /** The server says there is no such object, directory, bucket or application (HTTP 404). */
  'remote-not-found': Record<string, never>;
  /** The server refused the request: 401 (no or bad credentials) or 403 (not allowed); `detail`: its own word. */
  'remote-denied': { status: number; detail: string };
  /** The server kept failing (5xx, throttling, dropped connections) until the retries ran out. */
  'remote-gave-up': { attempts: number; status: number | null; detail: string };
  /** Any other refusal (4xx other than 401/403/404), said once, not retried. */
  'remote-refused': { status: number; detail: string };
  /** No credentials were found for the store (the SDK's chain found none). */
  'remote-no-credentials': { detail: string };
  /** The store's client library is not installed (an install that left out optional packages). */
  'remote-client-missing': { module: string };
  /** A download that must be spooled (a zip) is larger than we spool (src/sources/remote/history-server.ts REMOTE_ZIP_MAX). */
  'remote-too-large': { limit: number };
  /** scan --state: the state file could not be read, written or replaced. */
  'state-unusable': { file: string; errno: string; detail: string };
  // --- command-line values -------------------------------------------------------------------------
  /** A glob (scan --app-name) that cannot be compiled; `at`: the 0-based character where it goes wrong. */
  'bad-glob': { glob: string; at: number; reason: 'reversed-range' };
  // --- anything else is a bug, still reported in one line ------------------------------------------
  internal: { detail: string };
}

/** The part of a zstd stream a decoding error lies in (src/codecs/zstd-frames.ts). */
export type ZstdUnit = 'frame-header' | 'block' | 'checksum' | 'skippable-frame' | 'unknown-data';

/** What went wrong inside a compressed block (lz4, snappy): told apart for whoever debugs a file. */
export type BlockFault =
  | 'bad-length'
  | 'literal-length-past-block'
  | 'truncated-literal-length'
  | 'literal-overrun'
  | 'truncated-offset'
  | 'offset-out-of-range'
  | 'match-length-past-block'
  | 'match-overrun'
  | 'truncated-copy'
  | 'copy-out-of-range';

export type InputErrorCode = keyof InputErrorData;

/** A coded reason an input (or one part of it) could not be read. */
export type Problem = { [C in InputErrorCode]: { code: C; data: InputErrorData[C] } }[InputErrorCode];

/**
 * An input that cannot be read as what it claims to be. Thrown by the readers and codecs; callers
 * attach the file (and part) it concerns. Anything else thrown is a bug, reported as `internal`.
 */
export class InputError<C extends InputErrorCode = InputErrorCode> extends Error {
  override readonly name: string = 'InputError';
  readonly code: C;
  readonly data: InputErrorData[C];

  constructor(code: C, ...data: InputErrorData[C] extends Record<string, never> ? [] : [InputErrorData[C]]) {
    super(code);
    this.code = code;
    this.data = (data[0] ?? {}) as InputErrorData[C];
  }

  get problem(): Problem {
    return { code: this.code, data: this.data } as Problem;
  }
}

/** The compressed stream ended inside a frame: the normal state of a log whose writer died. */
export class TruncatedInputError<C extends InputErrorCode = InputErrorCode> extends InputError<C> {
  override readonly name: string = 'TruncatedInputError';
}

/** The coded problem behind anything thrown while reading an input: never a stack trace. */
export function problemOf(err: unknown): Problem {
  if (err instanceof InputError) return err.problem;
  const e = err as NodeJS.ErrnoException | undefined;
  if (e && typeof e === 'object' && typeof e.code === 'string') {
    switch (e.code) {
      case 'ENOENT':
        return { code: 'no-such-file', data: {} };
      case 'EACCES':
      case 'EPERM':
        return { code: 'permission-denied', data: {} };
      case 'EISDIR':
        return { code: 'is-a-directory', data: {} };
      case 'ELOOP':
        return { code: 'symlink-loop', data: {} };
      case 'Z_DATA_ERROR':
      case 'Z_BUF_ERROR':
        return { code: 'gzip-corrupt', data: { detail: firstLine(e.message) } };
      default:
        return { code: 'os-error', data: { errno: e.code, detail: firstLine(e.message) } };
    }
  }
  return { code: 'internal', data: { detail: firstLine(err instanceof Error ? err.message : String(err)) } };
}

function firstLine(s: string): string {
  const i = s.indexOf('\n');
  return i < 0 ? s : s.slice(0, i);
}
