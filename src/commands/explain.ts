import { byCode, CLASSIFIERS } from '../classifiers/index.js';
import { POLICY } from '../classifiers/policy.js';
import { escapeControl } from '../render/escape.js';
import { fmtBytes } from '../render/units.js';
import { wordsFor } from '../render/words/classifiers.js';
import { EXIT_OK, EXIT_USAGE, type Io } from './io.js';

const KIND = {
  failure: 'failure (critical when the application failed or did not finish, else a warning)',
  warning: 'warning',
  info: 'info',
} as const;

/** `explain [code]`: what a finding code means, how it is detected and fixed, and the numbers behind it. */
export function explainCommand(code: string | undefined, io: Io): number {
  if (code === undefined) {
    for (const c of CLASSIFIERS) io.out(`${c.code.padEnd(22)} ${wordsFor(c.code).title}\n`);
    return EXIT_OK;
  }
  const c = byCode(code);
  if (!c) {
    io.err(`spark-triage: unknown finding code "${escapeControl(code)}"; known codes: ${CLASSIFIERS.map((x) => x.code).join(', ')}\n`);
    return EXIT_USAGE;
  }
  const w = wordsFor(c.code);
  const lines = [c.code, '', w.title, '', `Severity: ${KIND[c.meta.kind]}`, '', 'Detected by:', `  ${w.detects}`, '', 'Fix:', `  ${w.fix}`];
  if (c.meta.thresholds) {
    lines.push('', 'Thresholds:');
    for (const [k, t] of Object.entries(c.meta.thresholds)) lines.push(`  ${k} = ${t.value}  (${t.why})`);
  }
  if (c.meta.uses && c.meta.uses.length > 0) {
    lines.push('', 'Numbers behind the suggested values:');
    for (const k of c.meta.uses) {
      const p = POLICY[k];
      // A limit just under a GiB boundary (Kryo's 2047m) would read as the boundary: give its MiB too.
      const exact =
        p.unit === 'bytes' && p.value >= 2 ** 30 && p.value % 2 ** 30 !== 0 && p.value % 2 ** 20 === 0 ? ` (${p.value / 2 ** 20} MiB)` : '';
      lines.push(`  ${k} = ${p.unit === 'bytes' ? `${fmtBytes(p.value)}${exact}` : String(p.value)}  (${p.why})`);
    }
  }
  io.out(`${lines.join('\n')}\n`);
  return EXIT_OK;
}
