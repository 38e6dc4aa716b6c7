// The receiving thread (src/sources/remote/pump.ts) on its own, against a plain HTTP server on
// loopback that serves a body whole or cuts it: the bytes arrive in order, in chunks, each once; a
// cut is an error after the bytes before it; a body left unread is dropped. (The thread
// reading from the real S3 API server, through faults, is in ./s3.test.ts.)
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { POOLED_SIZE, recycleChunk } from '../../../src/sources/chunk-pool.js';
import { pumpGet, type PumpTarget } from '../../../src/sources/remote/pump.js';

/** 5 MiB and a bit of bytes that say where they are. */
const BODY = Buffer.alloc(5 * 1024 * 1024 + 123);
for (let i = 0; i + 4 <= BODY.length; i += 4) BODY.writeUInt32LE(i, i);
BODY.fill(7, BODY.length - (BODY.length % 4));

describe('receiving a body on a thread of its own', () => {
  let server: Server;
  let port = 0;
  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === '/missing') {
        res.writeHead(404).end('no');
        return;
      }
      if (req.url?.startsWith('/small/')) {
        // 100 KB from the offset the path names.
        const at = Number(req.url.slice('/small/'.length));
        res.writeHead(200, { 'content-length': 100_000 }).end(BODY.subarray(at, at + 100_000));
        return;
      }
      res.writeHead(200, { 'content-length': BODY.length, etag: '"v1"' });
      if (req.url === '/cut') {
        // Two and a half MiB, then the connection is cut.
        res.write(BODY.subarray(0, 2.5 * 1024 * 1024), () => res.socket?.destroy());
        return;
      }
      res.end(BODY);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  });

  const target = (path: string): PumpTarget => ({ protocol: 'http:', hostname: '127.0.0.1', port, path, headers: {}, timeout: 10_000 });

  it('the whole body, in order, in 1 MiB chunks', async () => {
    const r = await pumpGet(target('/whole'));
    expect(r.head.status).toBe(200);
    expect(r.head.etag).toBe('"v1"');
    expect(r.head.length).toBe(BODY.length);
    const got: Buffer[] = [];
    for await (const c of r.body) {
      got.push(Buffer.from(c)); // copied: the chunk goes back to the thread
      recycleChunk(c);
    }
    expect(got.slice(0, -1).every((c) => c.length === POOLED_SIZE)).toBe(true);
    expect(Buffer.concat(got).equals(BODY)).toBe(true);
  });

  it('a cut body: the bytes before the cut, then an error', async () => {
    const r = await pumpGet(target('/cut'));
    const got: Buffer[] = [];
    await expect(
      (async () => {
        for await (const c of r.body) got.push(Buffer.from(c));
      })(),
    ).rejects.toThrow(/closed before the end|aborted|ECONNRESET/);
    const bytes = Buffer.concat(got);
    expect(bytes.length).toBeGreaterThan(0);
    expect(bytes.length).toBeLessThanOrEqual(2.5 * 1024 * 1024);
    expect(bytes.equals(BODY.subarray(0, bytes.length))).toBe(true);
  });

  it('small bodies, many at once: each whole, in one piece, its own', async () => {
    const answers = await Promise.all([0, 4, 8, 12, 16, 20].map((k) => pumpGet(target(`/small/${k * 100_000}`))));
    for (const [i, r] of answers.entries()) {
      const pieces: Buffer[] = [];
      for await (const c of r.body) pieces.push(c);
      expect(pieces).toHaveLength(1);
      expect(pieces[0]!.equals(BODY.subarray(i * 400_000, i * 400_000 + 100_000))).toBe(true);
    }
  });

  it('another status: its text, no body; a body left unread is dropped and the next read served', async () => {
    const missing = await pumpGet(target('/missing'));
    expect(missing.head.status).toBe(404);
    expect(missing.head.text).toBe('no');
    const chunks: Buffer[] = [];
    for await (const c of missing.body) chunks.push(c);
    expect(chunks).toEqual([]);
    const r = await pumpGet(target('/whole'));
    for await (const c of r.body) {
      expect(c.length).toBeGreaterThan(0);
      break;
    }
    // Dropped before its first chunk was asked for.
    (await pumpGet(target('/whole'))).drop();
    const next = await pumpGet(target('/small/0'));
    const got: Buffer[] = [];
    for await (const c of next.body) got.push(c);
    expect(Buffer.concat(got).equals(BODY.subarray(0, 100_000))).toBe(true);
  });

  it('nobody listening: rejected', async () => {
    const s = createServer();
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    const closed = (s.address() as AddressInfo).port;
    await new Promise<void>((r) => s.close(() => r()));
    await expect(pumpGet({ ...target('/'), port: closed })).rejects.toThrow(/ECONNREFUSED/);
  });
});
