import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { DiagnoseReportSchema, parseJson } from '../contract.js';
import { fixture, only, ROOT, runCli } from '../helpers.js';

const kill = fixture('diagnose', 'yarn-memory-exceeded', 'spark35-pyspark');
const healthy = fixture('diagnose', 'traps', 'maxresultsize-property');
const garbage = fixture('layouts', 'not-eventlogs', 'binary-garbage');

const diagnoseJson = (...args: string[]) => {
  const r = runCli(['diagnose', '--format', 'json', ...args]);
  return { ...r, report: parseJson(DiagnoseReportSchema, r.stdout) };
};

describe('spark-triage diagnose (built bin)', () => {
  it('exits 1 when a failure is diagnosed, 0 when not, 2 when an input is unreadable', () => {
    expect(runCli(['diagnose', kill]).status).toBe(1);
    expect(runCli(['diagnose', healthy]).status).toBe(0);
    const bad = runCli(['diagnose', healthy, garbage]);
    expect(bad.status).toBe(2);
    // One line on stderr, naming the file; the readable input is still diagnosed.
    expect(bad.stderr.trimEnd().split('\n')).toEqual([expect.stringMatching(/^spark-triage: .*\/not-eventlogs\/binary-garbage: \S/)]);
    expect(bad.stdout).toContain('application_1700000000000_0042');
    const { report } = diagnoseJson(healthy, garbage);
    expect(only(report.inputs, (i) => i.path === garbage, 'the garbage input').errors).toEqual([
      { part: null, code: 'binary-data', data: { acceptText: true } },
    ]);
    expect(only(report.inputs, (i) => i.path === healthy, 'the healthy input').errors).toBeUndefined();
    expect(report.applications.map((a) => a.verdict)).toEqual([null]);
  });

  it('lets an unreadable input (2) win over a diagnosed failure (1), and says both in the JSON', () => {
    const { status, report } = diagnoseJson(kill, garbage);
    expect(status).toBe(2);
    expect(report.exit).toEqual({ code: 2, critical: 1, unreadable: 1 });
    expect(report.applications.map((a) => a.verdict?.code ?? null)).toEqual(['yarn-memory-exceeded']);
    expect(diagnoseJson(kill).report.exit).toEqual({ code: 1, critical: 1, unreadable: 0 });
    expect(diagnoseJson(healthy).report.exit).toEqual({ code: 0, critical: 0, unreadable: 0 });
  });

  it('prints the JSON contract, field names exactly', () => {
    const { status, report } = diagnoseJson(kill, healthy);
    expect(status).toBe(1);
    expect(report.applications.map((a) => a.verdict?.code ?? null)).toEqual(['yarn-memory-exceeded', null]);
    const app = only(report.applications, (a) => a.verdict?.code === 'yarn-memory-exceeded', 'the killed application');
    const f = only(app.findings, (x) => x.code === 'yarn-memory-exceeded', 'yarn-memory-exceeded finding');
    expect(f.evidence).toContainEqual(expect.objectContaining({ source: `${kill}:11`, file: kill, line: 11, messageId: 'matched' }));
    expect(f.remediation).toContainEqual(
      expect.objectContaining({ conf: 'spark.executor.memoryOverhead', current: '819m', suggested: '1536m', messageId: 'raise-overhead' }),
    );
  });

  it('applies --conf overrides to the layout and the fix', () => {
    const r = runCli(['diagnose', '--format', 'json', '--conf', 'spark.executor.memoryOverhead=1g', kill]);
    const app = only(parseJson(DiagnoseReportSchema, r.stdout).applications, () => true, 'application');
    expect(app.memory?.executor.overhead).toBe(1024 * 2 ** 20);
    const f = only(app.findings, (x) => x.code === 'yarn-memory-exceeded', 'yarn-memory-exceeded finding');
    expect(only(f.remediation, (m) => m.conf === 'spark.executor.memoryOverhead', 'overhead fix').current).toBe('1g');
  });

  it('refuses a --conf value that is not of its type as bad usage: one line naming the flag and the value, exit 2', () => {
    // Not a note on a diagnosis that then exits 1: the run's premise is wrong, nothing was diagnosed.
    for (const format of ['text', 'json']) {
      const r = runCli(['diagnose', '--format', format, '--conf', 'spark.executor.memory=banana', kill]);
      expect(r.status).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.trimEnd().split('\n')).toEqual([
        'spark-triage: --conf spark.executor.memory=banana: not a size (Spark: "Failed to parse byte string: banana")',
      ]);
    }
    const esc = runCli(['diagnose', '--conf', 'spark.executor.cores=4\u001b]8;;x\u0007', kill]);
    expect(esc.status).toBe(2);
    expect(esc.stderr).toBe('spark-triage: --conf spark.executor.cores=4\\x1b]8;;x\\x07: not a whole number\n');
  });

  it('shows a path with a backtick exactly in Markdown, in a code span it cannot close', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'st-md-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const log = path.join(dir, 'we`ird | [x](y)', 'app');
    mkdirSync(path.dirname(log));
    copyFileSync(kill, log);
    const md = runCli(['diagnose', '--format', 'markdown', log]).stdout;
    expect(md).toContain(`- \`\`${log}:11\`\`: Container killed by YARN`);
  });

  it('says a text file that is no log it reads was not recognised, naming it, exit 2; text holding a failure is still read', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'st-text-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const hostname = path.join(dir, 'hostname');
    writeFileSync(hostname, 'worker-17.example\n');
    const r = runCli(['diagnose', hostname]);
    expect(r.status).toBe(2);
    expect(r.stdout).not.toContain('no memory failure found');
    expect(r.stderr).toBe(
      `spark-triage: ${hostname}: not recognised as any log spark-triage reads: not a Spark event log, a driver or executor log, YARN or kubectl output, and no memory failure in it\n`,
    );
    const { report } = diagnoseJson(hostname);
    expect(report.applications).toEqual([]);
    expect(report.inputs.map((i) => i.errors?.map((e) => e.code))).toEqual([['not-recognised']]);
    // Beside a log (an executor's stdout given with its event log): passed over, the log diagnosed.
    const both = runCli(['diagnose', hostname, kill]);
    expect([both.status, both.stderr]).toEqual([1, '']);
    expect(both.stdout).toContain('[yarn-memory-exceeded]');
    // Notes of no known kind that quote a failure are evidence, read as before.
    const notes = path.join(dir, 'notes.txt');
    writeFileSync(notes, 'what we saw\njava.lang.OutOfMemoryError: Java heap space\n');
    const n = runCli(['diagnose', notes]);
    expect([n.status, n.stderr]).toEqual([1, '']);
    expect(n.stdout).toContain('[heap-oom]');
  });

  it('renders text and markdown the same way every time', () => {
    const text = runCli(['diagnose', kill]).stdout.replaceAll(ROOT + path.sep, '');
    expect(text).toMatchSnapshot();
    const md = runCli(['diagnose', '--format', 'markdown', kill]).stdout.replaceAll(ROOT + path.sep, '');
    expect(md).toMatchSnapshot();
  });

  it('reads text logs given with the event log, and standard input', () => {
    const yarnLogs = fixture('containerlogs', 'yarn-hadoop3', 'yarn-logs.txt');
    const { report } = diagnoseJson(kill, yarnLogs);
    expect(report.inputs.map((i) => [i.path, i.kind])).toEqual([
      [kill, 'event-log'],
      [yarnLogs, 'yarn-aggregated-log'],
    ]);
    const app = only(report.applications, () => true, 'the joined application');
    expect(app.problems).toContainEqual(
      expect.objectContaining({
        code: 'joined',
        sources: [
          { path: kill, kind: 'event-log' },
          { path: yarnLogs, kind: 'yarn-aggregated-log' },
        ],
      }),
    );
    const stdin = runCli(['diagnose', '--format', 'json', '-'], {
      input: Buffer.from(JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' } })),
    });
    expect(parseJson(DiagnoseReportSchema, stdin.stdout).inputs.map((i) => [i.path, i.kind])).toEqual([['-', 'kubectl-json']]);
  });
});
