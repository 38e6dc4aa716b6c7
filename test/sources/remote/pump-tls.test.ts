// Our HTTP/1.1 client (src/sources/remote/pump.ts), on the receiving thread and on the calling one, speaks it over node:tls itself: against a
// real HTTPS server on loopback (node:https) with a certificate made here by `openssl` for
// "localhost", bodies large and small arrive as sent when the process trusts the certificate
// (NODE_EXTRA_CA_CERTS, read by Node at start, hence a child process using the built module), and
// the connection is refused when it does not, or when the name asked for is not the certificate's.
import { execFile, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../../helpers.js';

const hasOpenssl = spawnSync('openssl', ['version']).status === 0;
const PUMP = pathToFileURL(path.join(ROOT, 'dist', 'sources', 'remote', 'pump.js')).href;

/** 3 MiB and a bit of bytes that say where they are. */
const BODY = Buffer.alloc(3 * 1024 * 1024 + 5);
for (let i = 0; i + 4 <= BODY.length; i += 4) BODY.writeUInt32LE(i, i);
const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

describe.skipIf(!hasOpenssl)('receiving on the thread over TLS (openssl makes the certificate)', () => {
  let dir = '';
  let server: Server;
  let port = 0;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'spark-triage-tls-'));
    const made = spawnSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '2',
        '-subj',
        '/CN=localhost',
        '-addext',
        'subjectAltName=DNS:localhost',
        '-keyout',
        path.join(dir, 'key.pem'),
        '-out',
        path.join(dir, 'cert.pem'),
      ],
      { encoding: 'utf8' },
    );
    expect(made.status, made.stderr).toBe(0);
    server = createServer({ key: readFileSync(path.join(dir, 'key.pem')), cert: readFileSync(path.join(dir, 'cert.pem')) }, (req, res) => {
      if (req.url === '/large') res.writeHead(200, { 'content-length': BODY.length }).end(BODY);
      else if (req.url === '/chunked') {
        res.writeHead(200);
        for (let at = 0; at < BODY.length; at += 100_003) res.write(BODY.subarray(at, at + 100_003));
        res.end();
      } else res.writeHead(200, { 'content-length': 100_000 }).end(BODY.subarray(0, 100_000));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    server?.closeAllConnections();
    await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
    rmSync(dir, { recursive: true, force: true });
  });

  /** GETs `paths` on the thread from a child process; each body's SHA-256 and length, or the error. */
  const fetchAll = async (hostname: string, paths: string[], trust: boolean): Promise<{ ok: boolean; out: string[] }> => {
    const script = `
      const { pumpGet } = await import(${JSON.stringify(PUMP)});
      const { createHash } = await import('node:crypto');
      const out = [];
      for (const onThread of [true, false]) for (const p of ${JSON.stringify(paths)}) {
        try {
          const r = await pumpGet({ protocol: 'https:', hostname: ${JSON.stringify(hostname)}, port: ${port}, path: p, headers: {}, timeout: 10000 }, onThread);
          const parts = r.whole !== null ? [r.whole] : [];
          for await (const c of r.body) parts.push(Buffer.from(c));
          const b = Buffer.concat(parts);
          out.push(r.head.status + ' ' + b.length + ' ' + createHash('sha256').update(b).digest('hex'));
        } catch (e) { out.push('error ' + e.message); }
      }
      console.log(JSON.stringify(out));
      process.exit(0);`;
    const env = { ...process.env };
    delete env.NODE_EXTRA_CA_CERTS;
    if (trust) env.NODE_EXTRA_CA_CERTS = path.join(dir, 'cert.pem');
    // A file, not `-e`: the thread inherits the process's flags, and `--input-type=module` would make its code a module.
    const file = path.join(dir, 'fetch.mjs');
    writeFileSync(file, script);
    // Not spawnSync: the server answers from this process's event loop.
    const r = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
      execFile(process.execPath, [file], { encoding: 'utf8', env, timeout: 60_000 }, (e, stdout, stderr) =>
        resolve({ code: e ? ((e as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      ),
    );
    return { ok: r.code === 0, out: r.code === 0 ? (JSON.parse(r.stdout) as string[]) : [r.stderr] };
  };

  it('a trusted certificate: large, chunked and small bodies as sent, in order', async () => {
    const got = await fetchAll('localhost', ['/large', '/small', '/chunked', '/small'], true);
    expect(got.ok, got.out.join('\n')).toBe(true);
    const small = `200 100000 ${sha(BODY.subarray(0, 100_000))}`;
    // On the receiving thread, then on the calling one.
    const each = [`200 ${BODY.length} ${sha(BODY)}`, small, `200 ${BODY.length} ${sha(BODY)}`, small];
    expect(got.out).toEqual([...each, ...each]);
  });

  it('a certificate the process does not trust, or not for the name asked: refused', async () => {
    const untrusted = await fetchAll('localhost', ['/small'], false);
    expect(untrusted.ok).toBe(true);
    expect(untrusted.out).toHaveLength(2);
    for (const o of untrusted.out) expect(o).toMatch(/^error .*(SELF_SIGNED|self.signed)/i);
    const wrongName = await fetchAll('127.0.0.1', ['/small'], true);
    expect(wrongName.ok).toBe(true);
    expect(wrongName.out).toHaveLength(2);
    for (const o of wrongName.out) expect(o).toMatch(/^error .*(ALTNAME|does not match|not in the cert)/i);
  });
});
