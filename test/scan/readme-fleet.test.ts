// The README's fleet examples, run as written where no cluster is needed: the plain-process loop
// (`for k in …; do spark-triage scan --shard $k/4 …`), and each Kubernetes manifest's command as the
// kubelet runs it — `sh -c` with JOB_COMPLETION_INDEX from 0 to `completions` − 1, /app, /logs and
// /out mapped to this checkout, a log directory and an output one. The shards' merge must equal one
// scan of the same directory; the CronJob's twice, with a log added between runs.
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, fixture, ROOT, runCli, sortedLines } from '../helpers.js';
import { generateLogDir } from './gen.mjs';

const README = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
const blocks = (lang: string): string[] => [...README.matchAll(new RegExp('```' + lang + '\\n([\\s\\S]*?)```', 'g'))].map((m) => m[1]!);

/** The Indexed Jobs of the README: kind, completions and the container's command. */
const manifests = blocks('yaml')
  .filter((b) => /completionMode: Indexed/.test(b))
  .map((b) => ({
    kind: /^kind: (\w+)/m.exec(b)![1]!,
    completions: Number(/completions: (\d+)/.exec(b)![1]),
    command: JSON.parse(/command: (\[.*\])/.exec(b)![1]!) as string[],
  }));
const loop = blocks('sh').find((b) => /for k in .*--shard \$k\//.test(b))!;

describe('the README’s sharded scans, run as written', () => {
  let work = '';
  let logs = '';
  let shim = '';
  const env = (): NodeJS.ProcessEnv => ({
    ...process.env,
    NO_COLOR: '1',
    TZ: 'UTC',
    PATH: `${shim}${path.delimiter}${path.dirname(process.execPath)}${path.delimiter}${process.env.PATH ?? ''}`,
  });
  const sh = (script: string, cwd: string, extra: Record<string, string> = {}): void => {
    const r = spawnSync('sh', ['-c', script], { cwd, env: { ...env(), ...extra }, encoding: 'utf8' });
    expect([r.status, r.stderr]).toEqual([0, '']);
  };
  /** What one scan of the directory shows, as the merge of `files` must. */
  const expectOneScan = (files: string[]): void => {
    for (const format of ['jsonl', 'table']) {
      const merged = runCli(['merge', '--format', format, '--root', logs, ...files]);
      expect(merged.status).toBe(0);
      expect(sortedLines(merged.stdout)).toEqual(sortedLines(runCli(['scan', '--format', format, logs]).stdout));
    }
  };

  beforeAll(() => {
    work = mkdtempSync(path.join(tmpdir(), 'st-readme-fleet-'));
    logs = path.join(work, 'logs');
    shim = path.join(work, 'bin');
    mkdirSync(logs);
    mkdirSync(shim);
    generateLogDir(logs, 24);
    // `spark-triage` on PATH, as `npm install -g` would put it.
    writeFileSync(path.join(shim, 'spark-triage'), `#!/bin/sh\nexec "${process.execPath}" "${BIN}" "$@"\n`, { mode: 0o755 });
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('finds the examples it runs: a Job and a CronJob, both Indexed, and the loop', () => {
    expect(manifests.map((m) => [m.kind, m.completions])).toEqual([
      ['Job', 4],
      ['CronJob', 4],
    ]);
    expect(loop).toContain('spark-triage merge');
  });

  it('the plain-process loop: four shards, merged, are one scan', () => {
    const out = mkdtempSync(path.join(work, 'loop-'));
    const script = loop.replaceAll('/mnt/spark-events', logs);
    // The loop's last line is the merge itself: run the scans, then compare the files it names.
    const [scans] = script.split('\nspark-triage merge');
    sh(scans!, out);
    const files = readdirSync(out).map((f) => path.join(out, f));
    expect(files).toHaveLength(4);
    expectOneScan(files);
  });

  for (const m of manifests) {
    it(`the ${m.kind}: each index's pod command, merged, is one scan${m.kind === 'CronJob' ? ', night after night' : ''}`, () => {
      const out = mkdtempSync(path.join(work, `${m.kind}-`));
      const [shell, flag, script] = m.command;
      expect([shell, flag]).toEqual(['sh', '-c']);
      const local = script!.replaceAll('/app/', `${ROOT}/`).replaceAll(' /logs', ` ${logs}`).replaceAll('/out/', `${out}/`);
      const night = (): string[] => {
        for (let i = 0; i < m.completions; i++) sh(local, work, { JOB_COMPLETION_INDEX: String(i) });
        return readdirSync(out)
          .filter((f) => f.endsWith('.jsonl'))
          .map((f) => path.join(out, f));
      };
      const files = night();
      expect(files).toHaveLength(m.completions);
      expectOneScan(files);
      if (m.kind === 'CronJob') {
        // The next night: one more log; each shard rewrites its file from its state.
        cpSync(fixture('diagnose', 'heap-oom', 'spark35-user-closure-hashmap'), path.join(logs, 'application_1799999999999_0001'));
        const again = night();
        expect(again).toHaveLength(m.completions);
        expect(again.map((f) => readFileSync(f, 'utf8')).join('')).toContain('application_1799999999999_0001');
        expectOneScan(again);
      }
    });
  }
});
