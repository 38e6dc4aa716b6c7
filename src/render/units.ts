const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

/** Sizes as people read them: binary units, at most one decimal. */
export function fmtBytes(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '?';
  const sign = n < 0 ? '-' : '';
  const a = Math.abs(n);
  if (a >= GiB) return `${sign}${trim(a / GiB)} GiB`;
  if (a >= MiB) return `${sign}${trim(a / MiB)} MiB`;
  if (a >= 1024) return `${sign}${trim(a / 1024)} KiB`;
  return `${sign}${a} B`;
}

function trim(x: number): string {
  return x >= 100 ? x.toFixed(0) : x.toFixed(1).replace(/\.0$/, '');
}

/**
 * Epoch milliseconds as ISO-8601 UTC, or null when there is no time or it lies past what a date can
 * hold (±8.64e15 ms): a log's timestamp is data, and a wild one must not stop the report.
 */
export function isoTime(ms: number | null | undefined): string | null {
  if (ms === null || ms === undefined || !Number.isFinite(ms) || Math.abs(ms) > 8.64e15) return null;
  return new Date(ms).toISOString();
}

/** Epoch milliseconds as ISO-8601 UTC to the second. */
export function fmtTime(ms: number | null | undefined): string {
  const iso = isoTime(ms);
  return iso === null ? '?' : iso.replace('.000Z', 'Z').replace(/\.\d{3}Z$/, 'Z');
}

export function fmtDuration(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  const whole = Math.round(s);
  const m = Math.floor(whole / 60);
  if (m < 60) return `${m} min ${whole - m * 60} s`;
  const h = Math.floor(m / 60);
  return `${h} h ${m - h * 60} min`;
}

export function plural(n: number, word: string, pluralWord = `${word}s`): string {
  return `${n} ${n === 1 ? word : pluralWord}`;
}

/** Ids as a short list: the first six, then "… (n)". */
export function compactIds(ids: readonly string[]): string {
  return ids.length > 6 ? `${ids.slice(0, 6).join(', ')} … (${ids.length})` : ids.join(', ');
}

/**
 * Words wrapped to `width` columns, each line after the first (and the first) indented by `indent`.
 * A word longer than a line stays whole on a line of its own.
 */
export function wrap(text: string, width: number, indent: string): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/ +/)) {
    if (line !== '' && indent.length + line.length + 1 + word.length > width) {
      lines.push(indent + line);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  if (line !== '') lines.push(indent + line);
  return lines;
}
