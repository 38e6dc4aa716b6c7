import { describe, expect, it } from 'vitest';
import { CLASSIFIERS } from '../../src/classifiers/index.js';
import { POLICY } from '../../src/classifiers/policy.js';
import { diagnoseCommand } from '../../src/commands/diagnose.js';
import { explainCommand } from '../../src/commands/explain.js';
import { inspectCommand } from '../../src/commands/inspect.js';
import { EXIT_DIAGNOSED, EXIT_OK, EXIT_USAGE, type Io } from '../../src/commands/io.js';
import { memoryCommand } from '../../src/commands/memory.js';
import { makeStyle } from '../../src/render/style.js';
import { DiagnoseReportSchema, InspectReportSchema, parseJson } from '../contract.js';
import { fixture } from '../helpers.js';

/** An Io that keeps what a command writes: the commands run in-process, no spawning. */
function memoryIo(): Io & { stdout: () => string; stderr: () => string } {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out: (s) => void out.push(s),
    err: (s) => void err.push(s),
    isTTY: false,
    env: {},
    stdout: () => out.join(''),
    stderr: () => err.join(''),
  };
}
const plain = makeStyle(false);
const kill = fixture('diagnose', 'yarn-memory-exceeded', 'spark35-pyspark');
const healthy = fixture('diagnose', 'traps', 'maxresultsize-property');
const garbage = fixture('layouts', 'not-eventlogs', 'binary-garbage');

describe('diagnose command', () => {
  const run = async (paths: string[]) => {
    const io = memoryIo();
    const code = await diagnoseCommand(paths, { format: 'json', conf: {}, style: plain }, io);
    return { code, io, report: parseJson(DiagnoseReportSchema, io.stdout()) };
  };

  it('exit codes by precedence: unreadable (2) over critical (1) over none (0), the JSON saying both', async () => {
    expect((await run([healthy])).code).toBe(EXIT_OK);
    expect((await run([kill])).code).toBe(EXIT_DIAGNOSED);
    const both = await run([kill, garbage]);
    expect(both.code).toBe(EXIT_USAGE);
    expect(both.report.exit).toEqual({ code: EXIT_USAGE, critical: 1, unreadable: 1 });
    expect(both.io.stderr().trimEnd().split('\n')).toEqual([expect.stringMatching(new RegExp(`^spark-triage: ${garbage}: \\S`))]);
  });

  it('renders the same application in every format', async () => {
    for (const format of ['text', 'markdown'] as const) {
      const io = memoryIo();
      expect(await diagnoseCommand([kill], { format, conf: {}, style: plain }, io)).toBe(EXIT_DIAGNOSED);
      expect(io.stdout()).toContain('yarn-memory-exceeded');
      expect(io.stderr()).toBe('');
    }
  });
});

describe('diagnose command, a batch too large to hold', () => {
  // Every input the fixtures hold, in the order given: event logs, the container logs that join
  // them, and inputs that fail (the zip and codec cases), in one batch.
  const batch = [
    kill,
    fixture('containerlogs', 'yarn-hadoop3', 'yarn-logs.txt'),
    fixture('containerlogs', 'kubectl-yaml', 'pod-oomkilled.yaml'),
    fixture('diagnose'),
    fixture('containerlogs'),
    fixture('layouts'),
    fixture('codecs'),
  ];

  for (const format of ['json', 'text', 'markdown', 'html'] as const) {
    it(`${format}: read again one application at a time, summaries spooled to disk, the output is the same byte for byte`, async () => {
      const held = memoryIo();
      const again = memoryIo();
      const codeHeld = await diagnoseCommand(batch, { format, conf: {}, style: plain }, held);
      const codeAgain = await diagnoseCommand(batch, { format, conf: {}, style: plain, heldBytes: 0, summariesHeld: 0 }, again);
      expect(codeAgain).toBe(codeHeld);
      expect(again.stdout()).toBe(held.stdout());
      expect(again.stderr()).toBe(held.stderr());
      expect(held.stdout().length).toBeGreaterThan(100_000); // the batch is real: many applications
      if (format === 'json') {
        const report = parseJson(DiagnoseReportSchema, held.stdout());
        expect(report.applications.length).toBeGreaterThan(50);
        expect(report.applications.some((a) => a.problems.some((p) => p.code === 'joined'))).toBe(true);
      }
    });
  }
});

describe('inspect command', () => {
  it('reads every input, one stderr line per unreadable one, exit 2', async () => {
    const io = memoryIo();
    const code = await inspectCommand([kill, garbage, '/no/such/log'], { format: 'json', style: plain }, io);
    expect(code).toBe(EXIT_USAGE);
    const report = parseJson(InspectReportSchema, io.stdout());
    expect(report.inputs.map((i) => [i.path, i.errors?.map((e) => e.code) ?? []])).toEqual([
      [kill, []],
      [garbage, ['binary-data']],
      ['/no/such/log', ['no-such-file']],
    ]);
    const lines = io.stderr().trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    for (const p of [garbage, '/no/such/log'])
      expect(
        lines.filter((l) => l.startsWith(`spark-triage: ${p}: `)),
        p,
      ).toHaveLength(1);
  });
});

describe('memory command', () => {
  it('refuses --from a file that holds no event log, naming it', async () => {
    const io = memoryIo();
    const code = await memoryCommand(
      { conf: {}, master: null, sparkVersion: null, from: garbage, python: null, deployMode: null, format: 'json', style: plain },
      io,
    );
    expect(code).toBe(EXIT_USAGE);
    expect(io.stdout()).toBe('');
    expect(io.stderr()).toMatch(new RegExp(`^spark-triage: ${garbage}: \\S[^\\n]*\\n$`));
  });
});

describe('explain command', () => {
  const explain = (code: string): string => {
    const io = memoryIo();
    expect(explainCommand(code, io)).toBe(EXIT_OK);
    return io.stdout();
  };

  it('shows every threshold a classifier declares, with its value and source', () => {
    const declaring = CLASSIFIERS.filter((c) => c.meta.thresholds !== undefined);
    expect(declaring.length).toBeGreaterThan(0);
    for (const c of declaring) {
      const out = explain(c.code);
      for (const [key, t] of Object.entries(c.meta.thresholds ?? {})) {
        expect(out, `${c.code} ${key}`).toContain(key);
        expect(out, `${c.code} ${key}`).toContain(String(t.value));
        expect(out, `${c.code} ${key}`).toContain(t.why);
      }
    }
  });

  it("shows the policy numbers behind a classifier's suggestions", () => {
    for (const c of CLASSIFIERS) {
      const out = explain(c.code);
      for (const key of c.meta.uses ?? []) {
        expect(out, `${c.code} ${key}`).toContain(key);
        expect(out, `${c.code} ${key}`).toContain(POLICY[key].why);
      }
    }
  });
});
