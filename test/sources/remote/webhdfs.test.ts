// HDFS over WebHDFS, plain HTTP, against Hadoop's MiniDFSCluster (test/real-spark/stores.mjs) holding
// the real served logs (./logs.ts). Needs java and mvn; skipped with one line when they are absent.
import { rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { haveJavaAndMaven, startHdfs } from '../../real-spark/stores.mjs';
import { rowsOf, runCliAsync } from './cli.js';
import { expectServedRows, SECOND_ATTEMPT, SERVED, servedDir } from './logs.js';
import { startProxy, type Proxy } from './proxy.js';

const HAVE: boolean = haveJavaAndMaven();
if (!HAVE) console.warn('skipping WebHDFS source test: java and mvn are not both on PATH');

const ALL = [...SERVED, SECOND_ATTEMPT];

describe.skipIf(!HAVE)('reading logs from HDFS over WebHDFS (MiniDFSCluster)', () => {
  let dir = '';
  let hdfs: { address: string; stop: () => Promise<void> } | null = null;
  let root = '';

  beforeAll(async () => {
    dir = servedDir();
    hdfs = await startHdfs({ dir, hdfsDir: '/spark-logs', privateFile: path.join(dir, SERVED[0]!.name) });
    root = `webhdfs://${hdfs.address}/spark-logs`;
  }, 600_000);

  afterAll(async () => {
    await hdfs?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('scan lists the directory and reads every layout: single, .inprogress, rolling, zstd', async () => {
    const r = await runCliAsync(['scan', root, '-f', 'jsonl']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const rows = rowsOf(r.stdout);
    expect(rows.map((row) => row.path).sort()).toEqual(ALL.map((l) => `${root}/${l.name}`).sort());
    expectServedRows(rows, root);
    const limited = await runCliAsync(['scan', root, '-f', 'jsonl', '--limit', '1']);
    expect(rowsOf(limited.stdout)).toHaveLength(1);
  }, 120_000);

  it('hdfs:// names the RPC address: --endpoint gives the NameNode’s HTTP one', async () => {
    const r = await runCliAsync([
      'diagnose',
      '-f',
      'json',
      '--endpoint',
      `http://${hdfs!.address}`,
      `hdfs://namenode:8020/spark-logs/${SERVED[3]!.name}`,
    ]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const doc = JSON.parse(r.stdout) as { inputs: Array<{ path: string; layout: string }> };
    expect(doc.inputs.map((i) => [i.path, i.layout])).toEqual([[`hdfs://namenode:8020/spark-logs/${SERVED[3]!.name}`, 'rolling']]);
  }, 60_000);

  it('a file another user may not read, and a missing one: one line each naming the URL, exit 2; the rest is read', async () => {
    const r = await runCliAsync(
      [
        'diagnose',
        '-f',
        'json',
        `webhdfs://${hdfs!.address}/private/${SERVED[0]!.name}`,
        `${root}/no-such-log`,
        `${root}/${SERVED[4]!.name}`,
      ],
      { HADOOP_USER_NAME: 'nobody' },
    );
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([
      `spark-triage: webhdfs://${hdfs!.address}/private/${SERVED[0]!.name}: access denied (HTTP 403): Permission denied: user=nobody, access=EXECUTE, inode="/private":root:supergroup:drwx------`,
      `spark-triage: ${root}/no-such-log: not found (HTTP 404): no such object, directory, bucket or application`,
    ]);
    expect((JSON.parse(r.stdout) as { applications: unknown[] }).applications).toHaveLength(1);
  }, 60_000);

  describe('through a gateway that fails', () => {
    let proxy: Proxy | null = null;
    beforeAll(async () => {
      proxy = await startProxy({
        target: `http://${hdfs!.address}`,
        faults: [
          { pathIncludes: 'op=LISTSTATUS', fault: 'status-503' },
          { pathIncludes: `${SERVED[4]!.name}?op=OPEN`, fault: 'status-503' },
          { pathIncludes: `${SERVED[2]!.name}?op=OPEN`, fault: 'status-429' },
        ],
      });
    });
    afterAll(async () => proxy?.close());

    // The NameNode redirects OPEN to a DataNode, which answers directly, not through the gateway: the
    // faults are the NameNode's (a cut body and its resume are tested against S3 and the History Server).
    it('every log once: the listing and the opens retried', async () => {
      const r = await runCliAsync(['scan', `hdfs://gateway/spark-logs`, '--endpoint', proxy!.url, '-f', 'jsonl']);
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      const rows = rowsOf(r.stdout);
      expect(rows.map((row) => row.path).sort()).toEqual(ALL.map((l) => `hdfs://gateway/spark-logs/${l.name}`).sort());
      expect(rows.find((row) => row.path.endsWith(SERVED[4]!.name))!.verdict?.code).toBe('heap-oom');
      expect(proxy!.seen.filter((s) => s.includes(`${SERVED[4]!.name}?op=OPEN`)).length).toBeGreaterThanOrEqual(2);
      expect(proxy!.seen.filter((s) => s.includes('op=LISTSTATUS')).length).toBeGreaterThanOrEqual(2);
    }, 120_000);
  });
});
