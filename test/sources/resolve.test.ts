import { mkdtempSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { summarizeApp, summarizeInput } from '../../src/inspect.js';
import { readInput, type InputRead } from '../../src/read.js';
import { resolveInputs } from '../../src/sources/resolve.js';
import { fixture } from '../helpers.js';

const readAll = async (...paths: string[]): Promise<InputRead[]> => {
  const out: InputRead[] = [];
  for await (const input of resolveInputs(paths)) out.push(await readInput(input));
  return out;
};

describe('layouts', () => {
  it('reads rolling parts in numeric order, each with its own codec, and honours the in-progress marker', async () => {
    const [r] = await readAll(fixture('layouts', 'rolling-inprogress', 'eventlog_v2_application_1700000000000_0002_1'));
    expect(r!.layout).toBe('rolling');
    expect(r!.apps[0]!.log.parts.map((p) => path.basename(p.name).split('_')[1])).toEqual(['1', '2', '10']);
    const s = summarizeInput(r!);
    expect(s).toMatchObject({ compression: 'none', truncated: true, malformedLines: 0 });
    expect(s.error).toBeUndefined();
    const app = summarizeApp(r!.apps[0]!);
    expect(app).toMatchObject({ appId: 'application_1700000000000_0002', attemptId: '1', outcome: 'incomplete', tasks: { total: 3, failed: 0, killed: 1 } });
  });

  it('reads each application of a History Server zip, including a rolling log inside it', async () => {
    const [r] = await readAll(fixture('layouts', 'zip-attempts', 'eventLogs-application_1700000000000_0005.zip'));
    expect(summarizeInput(r!)).toMatchObject({ layout: 'zip', compression: 'zip' });
    expect(r!.apps.map((a) => [a.state.attemptId, summarizeApp(a).outcome])).toEqual([
      ['1', 'incomplete'],
      ['2', 'succeeded'],
      ['3', 'succeeded'],
    ]);
    expect(r!.apps[1]!.stats.compression).toBe('gzip');
  });

  it('reads CRLF, a BOM and a missing final newline as plain lines', async () => {
    const [r] = await readAll(fixture('layouts', 'text-variants', 'crlf-bom-no-final-newline'));
    expect(summarizeInput(r!)).toMatchObject({ lines: 10, malformedLines: 0, truncated: false });
    expect(summarizeApp(r!.apps[0]!)).toMatchObject({ sparkVersion: '2.4.8', clusterManager: 'local', outcome: 'succeeded' });
  });

  it('reports a log whose driver died as incomplete and truncated, not as an error', async () => {
    const [r] = await readAll(fixture('layouts', 'truncated', 'application_1700000000000_0004.inprogress'));
    expect(summarizeInput(r!)).toMatchObject({ truncated: true, malformedLines: 0 });
    expect(r!.error).toBeUndefined();
    expect(summarizeApp(r!.apps[0]!).outcome).toBe('incomplete');
  });

  it('gives every bad input a one-line error and still reads the others', async () => {
    const dir = fixture('layouts', 'not-eventlogs');
    const reads = await readAll(path.join(dir, 'empty'), path.join(dir, 'binary-garbage'), path.join(dir, 'empty-dir'), fixture('codecs', 'lzf'), '/nonexistent/log');
    expect(reads.map((r) => r.error)).toEqual([
      'empty file',
      'binary data: not a Spark event log',
      'no Spark event log found in this directory',
      undefined,
      'no such file or directory',
    ]);
    expect(reads[3]!.apps[0]!.stats.events).toBe(304);
  });

  it('survives a symlink loop', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'st-loop-'));
    onTestFinished(() => rmSync(root, { recursive: true, force: true }));
    mkdirSync(path.join(root, 'a'));
    writeFileSync(path.join(root, 'a', 'app'), '{"Event":"SparkListenerLogStart","Spark Version":"3.5.1"}\n');
    symlinkSync(root, path.join(root, 'a', 'loop'));
    const reads = await readAll(root);
    expect(reads.map((r) => path.relative(root, r.path))).toEqual([path.join('a', 'app')]);
  });
});
