import { mkdtempSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { InputRead } from '../../src/input/read.js';
import { applicationJson, inputJson } from '../../src/render/json.js';
import { fixture, only, readPaths } from '../helpers.js';

/** The one input `p` resolves to, read. */
const readOne = async (p: string): Promise<InputRead> => only(await readPaths([p]), () => true, `input of ${p}`);
const onlyApp = (r: InputRead) => only(r.apps, () => true, `application of ${r.path}`);

describe('layouts', () => {
  it('reads rolling parts in numeric order, each with its own codec, and honours the in-progress marker', async () => {
    const r = await readOne(fixture('layouts', 'rolling-inprogress', 'eventlog_v2_application_1700000000000_0002_1'));
    expect(r.layout).toBe('rolling');
    expect(onlyApp(r).log.parts.map((p) => path.basename(p.name).split('_')[1])).toEqual(['1', '2', '10']);
    expect(r.failures).toEqual([]);
    expect(inputJson(r)).toMatchObject({ compression: 'none', truncated: true, malformedLines: 0 });
    const app = applicationJson(onlyApp(r));
    expect(app).toMatchObject({
      appId: 'application_1700000000000_0002',
      attemptId: '1',
      outcome: 'incomplete',
      tasks: { total: 3, failed: 0, killed: 1 },
    });
  });

  it('reads each application of a History Server zip, including a rolling log inside it', async () => {
    const r = await readOne(fixture('layouts', 'zip-attempts', 'eventLogs-application_1700000000000_0005.zip'));
    expect(inputJson(r)).toMatchObject({ layout: 'zip', compression: 'zip' });
    expect(r.apps.map((a) => [a.state.attemptId, applicationJson(a).outcome, a.stats.compression])).toEqual([
      ['1', 'incomplete', 'none'],
      ['2', 'succeeded', 'gzip'],
      ['3', 'succeeded', 'none'],
    ]);
  });

  it('reads CRLF, a BOM and a missing final newline as plain lines', async () => {
    const r = await readOne(fixture('layouts', 'text-variants', 'crlf-bom-no-final-newline'));
    expect(inputJson(r)).toMatchObject({ lines: 10, malformedLines: 0, truncated: false });
    expect(applicationJson(onlyApp(r))).toMatchObject({ sparkVersion: '2.4.8', clusterManager: 'local', outcome: 'succeeded' });
  });

  it('reports a log whose driver died as incomplete and truncated, not as an error', async () => {
    const r = await readOne(fixture('layouts', 'truncated', 'application_1700000000000_0004.inprogress'));
    expect(inputJson(r)).toMatchObject({ truncated: true, malformedLines: 0 });
    expect(r.failures).toEqual([]);
    expect(applicationJson(onlyApp(r)).outcome).toBe('incomplete');
  });

  it('gives every bad input its coded reason and still reads the others', async () => {
    const dir = fixture('layouts', 'not-eventlogs');
    const inputs = [
      path.join(dir, 'empty'),
      path.join(dir, 'binary-garbage'),
      path.join(dir, 'empty-dir'),
      fixture('codecs', 'lzf'),
      '/nonexistent/log',
    ];
    const reads = await readPaths(inputs);
    const problems = Object.fromEntries(reads.map((r) => [r.path, r.failures.map((f) => f.problem)]));
    expect(problems).toEqual({
      [path.join(dir, 'empty')]: [{ code: 'empty-file', data: {} }],
      [path.join(dir, 'binary-garbage')]: [{ code: 'binary-data', data: { acceptText: false } }],
      [path.join(dir, 'empty-dir')]: [{ code: 'no-log-in-directory', data: {} }],
      [fixture('codecs', 'lzf')]: [],
      '/nonexistent/log': [{ code: 'no-such-file', data: {} }],
    });
    expect(onlyApp(only(reads, (r) => r.path === fixture('codecs', 'lzf'), 'lzf input')).stats.events).toBe(304);
  });

  it('survives a symlink loop', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'st-loop-'));
    onTestFinished(() => rmSync(root, { recursive: true, force: true }));
    mkdirSync(path.join(root, 'a'));
    writeFileSync(path.join(root, 'a', 'app'), '{"Event":"SparkListenerLogStart","Spark Version":"3.5.1"}\n');
    symlinkSync(root, path.join(root, 'a', 'loop'));
    const reads = await readPaths([root]);
    expect(reads.map((r) => path.relative(root, r.path))).toEqual([path.join('a', 'app')]);
  });
});
