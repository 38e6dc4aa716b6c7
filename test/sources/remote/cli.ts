// The built CLI run without blocking the test's event loop (the proxies the tests put in front of
// real servers run in the test process).
import { spawn } from 'node:child_process';
import { BIN } from '../../helpers.js';

export interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function runCliAsync(args: string[], env: Record<string, string | undefined> = {}): Promise<Run> {
  const full: Record<string, string | undefined> = { ...process.env, NO_COLOR: '1', TZ: 'UTC', ...env };
  for (const [k, v] of Object.entries(full)) if (v === undefined) delete full[k];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: full, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

/** Scan's JSON lines, by the fields the tests check. */
export interface ScanJsonRow {
  path: string;
  appId?: string;
  outcome?: string;
  verdict?: { code: string } | null;
  error?: unknown;
}

export const rowsOf = (stdout: string): ScanJsonRow[] =>
  stdout
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as ScanJsonRow);
