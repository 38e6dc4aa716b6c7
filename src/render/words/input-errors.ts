import type { BlockFault, InputErrorCode, InputErrorData, Problem, ZstdUnit } from '../../errors.js';

const BLOCK_FAULTS: Record<BlockFault, string> = {
  'bad-length': 'bad length',
  'literal-length-past-block': 'literal length runs past the block',
  'truncated-literal-length': 'truncated literal length',
  'literal-overrun': 'literals overrun',
  'truncated-offset': 'truncated match offset',
  'offset-out-of-range': 'match offset out of range',
  'match-length-past-block': 'match length runs past the block',
  'match-overrun': 'match overruns the declared length',
  'truncated-copy': 'truncated copy',
  'copy-out-of-range': 'copy out of range',
};

const ZSTD_UNITS: Record<ZstdUnit, string> = {
  'frame-header': 'frame header',
  block: 'block',
  checksum: 'frame checksum',
  'skippable-frame': 'skippable frame',
  'unknown-data': 'data (not a zstd frame)',
};
const zstdUnit = (u: ZstdUnit | undefined): string => (u === undefined ? 'data' : ZSTD_UNITS[u]);

/** Zip compression methods (APPNOTE 4.4.5) a History Server never writes but an archiver may. */
const ZIP_METHODS: Record<number, string> = {
  1: 'Shrink',
  6: 'Implode',
  9: 'Deflate64',
  12: 'bzip2 (method 12)',
  14: 'LZMA (method 14)',
  93: 'Zstandard (method 93)',
  95: 'xz (method 95)',
  98: 'PPMd (method 98)',
  99: 'AES encryption (method 99)',
};
const hex8 = (n: number): string => n.toString(16).padStart(8, '0');

/** One line for the user per input error code; data are shown as given (the sink escapes them). */
const WORDS: { [C in InputErrorCode]: (d: InputErrorData[C]) => string } = {
  'no-such-file': () => 'no such file or directory',
  'permission-denied': () => 'permission denied',
  'is-a-directory': () => 'is a directory',
  'symlink-loop': () => 'too many levels of symbolic links',
  'os-error': (d) => (d.detail.startsWith(`${d.errno}:`) ? d.detail : `${d.errno}: ${d.detail}`),
  'not-a-file': () => 'not a regular file or directory',
  'no-log-in-directory': () => 'no Spark event log found in this directory',
  'stdin-read-twice': () => 'standard input can be read only once',
  interrupted: () => 'reading stopped by an interrupt',
  'input-changed': () => 'changed while the batch was read (a batch too large to hold is read twice); run again',
  'empty-file': () => 'empty file',
  'no-content': (d) =>
    d.codec === 'none'
      ? 'no content: the file holds only blank lines'
      : `no content: the ${d.codec} stream decodes to blank lines or nothing`,
  'binary-data': (d) => `binary data: not a Spark event log${d.acceptText ? ' nor a text log' : ''}`,
  'not-an-event-log': (d) =>
    `not a Spark event log: line 1 is not a JSON event${d.readsAs !== null ? ` (it reads as ${d.readsAs}; diagnose takes it)` : ''}`,
  'no-event-field': () => 'not a Spark event log: no line has an "Event" field',
  'not-recognised': () =>
    'not recognised as any log spark-triage reads: not a Spark event log, a driver or executor log, YARN or kubectl output, and no memory failure in it',
  'cut-short': (d) => `${inputErrorText(d.cause)}; the file is not marked .inprogress, so it was cut short after it was written`,
  'kubectl-json': (d) => `not valid JSON near line ${d.line}: ${d.detail}`,
  'kubectl-json-depth': (d) => `JSON nested deeper than ${d.max} levels at line ${d.line}: no kubectl output nests so deep`,
  truncated: (d) => `truncated ${d.what} at byte ${d.at}: expected ${d.expected} bytes, found ${d.found}`,
  'lz4-bad-magic': (d) => `bad lz4 block magic at byte ${d.at}`,
  'lz4-bad-header': (d) => `corrupt lz4 block header at byte ${d.at}`,
  'lz4-bad-end': (d) => `corrupt lz4 end block at byte ${d.at}`,
  'lz4-short-block': (d) => `corrupt lz4 block at byte ${d.at}: decoded ${d.decoded} of ${d.expected} bytes`,
  'lz4-checksum': (d) => `lz4 checksum mismatch in block at byte ${d.at}`,
  'lz4-corrupt-block': (d) => `corrupt lz4 block${d.at !== null ? ` at byte ${d.at}` : ''}: ${BLOCK_FAULTS[d.what]}`,
  'snappy-bad-magic': (d) => `bad snappy stream magic at byte ${d.at}`,
  'snappy-bad-block-length': (d) => `corrupt snappy block length ${d.length} at byte ${d.at}`,
  'snappy-corrupt-block': (d) => `corrupt snappy block at byte ${d.at}: ${BLOCK_FAULTS[d.what]}`,
  'snappy-short-block': (d) => `corrupt snappy block at byte ${d.at}: decoded ${d.decoded} of ${d.expected} bytes`,
  'lzf-bad-magic': (d) => `bad lzf chunk magic at byte ${d.at}`,
  'lzf-bad-type': (d) => `bad lzf chunk type ${d.type} at byte ${d.at}`,
  'lzf-short-chunk': (d) => `corrupt lzf chunk at byte ${d.at}: decoded ${d.decoded} of ${d.expected} bytes`,
  'lzf-corrupt-chunk': (d) => `corrupt lzf chunk at byte ${d.at}`,
  'gzip-truncated': () => 'truncated gzip stream',
  'gzip-corrupt': (d) => `corrupt gzip data: ${d.detail}`,
  'zstd-truncated': (d) => `truncated zstd frame (input ends at byte ${d.at})`,
  'zstd-corrupt': (d) => `corrupt zstd ${zstdUnit(d.unit)} at byte ${d.at}: ${d.reason}`,
  'zstd-no-progress': (d) => `corrupt zstd ${zstdUnit(d.unit)} at byte ${d.at}: the decoder made no progress`,
  'zstd-no-decoder': () => 'zstd: cannot allocate the decoder',
  'zstd-thread': (d) => `zstd decoder thread ${d.detail}`,
  'zip-no-end-record': () => 'corrupt zip: no end-of-central-directory record (truncated download?)',
  'zip-no-zip64-locator': () => 'corrupt zip: missing Zip64 locator',
  'zip-bad-zip64-record': () => 'corrupt zip: bad Zip64 end record',
  'zip-directory-past-end': () => 'corrupt zip: central directory lies past the end of the file',
  'zip-bad-directory-entry': (d) => `corrupt zip: bad central directory entry ${d.index}`,
  'zip-bad-local-header': (d) => `corrupt zip: bad local header for ${d.entry}`,
  'zip-unsupported-method': (d) =>
    `zip entry ${d.entry} is compressed with ${ZIP_METHODS[d.method] ?? `method ${d.method}`}; only stored and deflated entries can be read (unzip it and pass the files)`,
  'zip-corrupt-entry': (d) => `corrupt zip entry ${d.entry}: ${d.detail}`,
  'zip-empty': () => 'the zip holds no files',
  'zip-overlapping-entries': (d) => `corrupt zip: entry ${d.entry} overlaps entry ${d.other} (a zip bomb's construction); not read`,
  'zip-entry-out-of-bounds': (d) => `corrupt zip: entry ${d.entry} runs into the central directory`,
  'zip-too-large': (d) =>
    `zip entries declare ${d.declared} bytes decoded, more than the ${d.limit} read from a zip of this size (a zip bomb?); unzip it and pass the files`,
  'zip-directory-too-large': (d) => `zip central directory of ${d.bytes} bytes is larger than the ${d.limit} read`,
  'zip-encrypted-entry': (d) => `zip entry ${d.entry} is encrypted; decrypt the zip and pass the files`,
  'zip-crc-mismatch': (d) => `corrupt zip entry ${d.entry}: CRC-32 ${hex8(d.actual)} does not match ${hex8(d.expected)} in the directory`,
  'zip-entry-size-mismatch': (d) =>
    d.atLeast
      ? `corrupt zip entry ${d.entry}: decodes to more than the ${d.declared} bytes its directory entry declares`
      : `corrupt zip entry ${d.entry}: decodes to ${d.actual} bytes, its directory entry declares ${d.declared}`,
  'stdin-too-large': (d) => `the zip on standard input is larger than the ${d.limit} bytes spooled; save it to a file and pass the file`,
  'temp-dir-unusable': (d) =>
    `cannot ${TEMP_USE[d.for]} the temporary directory ${d.dir}: ${d.detail.startsWith(`${d.errno}:`) ? d.detail : `${d.errno}: ${d.detail}`} (set TMPDIR to a writable directory)`,
  'state-unusable': (d) =>
    `--state ${d.file}: ${d.detail.startsWith(`${d.errno}:`) ? d.detail : `${d.errno}: ${d.detail}`} (the state file must be readable, and its directory writable)`,
  'bad-url': (d) => BAD_URL[d.reason],
  'remote-not-found': () => 'not found (HTTP 404): no such object, directory, bucket or application',
  'remote-denied': (d) =>
    `${d.status === 401 ? 'credentials missing or refused' : 'access denied'} (HTTP ${d.status})${d.detail ? `: ${d.detail}` : ''}`,
  'remote-gave-up': (d) =>
    `gave up after ${d.attempts} attempts: ${d.status !== null ? `HTTP ${d.status}` : 'connection failed'}${d.detail ? ` (${d.detail})` : ''}`,
  'remote-refused': (d) => `refused (HTTP ${d.status})${d.detail ? `: ${d.detail}` : ''}`,
  'remote-no-credentials': (d) => `no credentials found: ${d.detail}`,
  'remote-client-missing': (d) => `the package ${d.module} is not installed (npm install ${d.module})`,
  'remote-too-large': (d) => `the download is larger than the ${d.limit} bytes spooled; download it and pass the file`,
  'bad-glob': (d) => `--app-name ${d.glob}: the range at character ${d.at + 1} runs backwards (write [a-z], not [z-a])`,
  internal: (d) => `internal error: ${d.detail}`,
};

const TEMP_USE = {
  'scan-rows': 'keep scan rows in',
  output: 'keep output in',
  'stdin-zip': 'spool the zip on standard input to',
  'remote-zip': 'spool a downloaded zip to',
} as const;

const BAD_URL: Record<InputErrorData['bad-url']['reason'], string> = {
  scheme: 'not a URL this tool reads (http, https, s3, s3a, gs, hdfs, webhdfs, swebhdfs, abfss, abfs, wasbs, wasb)',
  'no-bucket':
    'the URL names no bucket or container (s3://<bucket>/<path>, gs://<bucket>/<path>, abfss://<container>@<account>.dfs.core.windows.net/<path>)',
  'no-host': 'the URL names no host',
  'history-path': 'not a History Server address: expected its root, /history/<app id>, or /api/v1/applications[/<app id>[/<attempt>]]',
  'not-history-server': 'the server does not answer as a Spark History Server (its /api/v1/applications is not a JSON list)',
  syntax: 'not a valid URL',
};

/** The user's line for a coded input problem (unescaped: the caller escapes it for its sink). */
export function inputErrorText(p: Problem): string {
  return (WORDS[p.code] as (d: unknown) => string)(p.data);
}
