import { readFileSync } from 'node:fs';
import path from 'node:path';
import { EVENTLOGS } from '../helpers.js';

/** One row of ../shared/eventlogs/MANIFEST.tsv, with the counts its collector made independently. */
export interface ManifestRow {
  path: string;
  compression: string;
  sparkVersion: string | null;
  events: number | null;
  unparseable: number;
  complete: boolean | null;
  notes: string;
}

export function readManifest(): ManifestRow[] {
  const [header, ...rows] = readFileSync(path.join(EVENTLOGS, 'MANIFEST.tsv'), 'utf8').trimEnd().split('\n');
  const cols = header!.split('\t');
  const col = (name: string): number => cols.indexOf(name);
  return rows.map((line) => {
    const f = line.split('\t');
    const notes = f[col('notes')] ?? '';
    const num = (key: string): number | null => {
      const m = new RegExp(`(?:^|; )${key}=(\\d+)`).exec(notes);
      return m ? Number(m[1]) : null;
    };
    return {
      path: path.join(EVENTLOGS, f[col('local_path')]!),
      compression: f[col('compression')] ?? '',
      sparkVersion: f[col('spark_version')] || null,
      events: num('events'),
      unparseable: num('unparseable_lines') ?? 0,
      complete: /(?:^|; )complete(?:;|$)/.test(notes) ? true : notes.includes('NO_ApplicationEnd') ? false : null,
      notes,
    };
  });
}
