// Our HTTP/1.1 client (src/sources/remote/pump.ts) on its own, on the receiving thread and on the
// calling one, against a plain HTTP server on loopback that serves a body whole or cuts it: the
// bytes arrive in order, in chunks, each once; a cut is an error after the bytes before it; a body
// left unread is dropped. (Reading from the real S3 API server, through faults, is in ./s3.test.ts.)
import { createServer, type Server } from 'node:http';
import { createServer as createTcpServer, type AddressInfo, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { POOLED_SIZE, recycleChunk } from '../../../src/sources/chunk-pool.js';
import { pumpGet, type PumpTarget } from '../../../src/sources/remote/pump.js';
import { onePiece } from '../../../src/sources/remote/store.js';

/** The pieces of an answer's body: a small one whole, a large one as it streams. */
function piecesOf(r: Awaited<ReturnType<typeof pumpGet>>): AsyncIterable<Buffer> {
  return r.whole !== null ? onePiece(r.whole) : r.body;
}

/** 5 MiB and a bit of bytes that say where they are. */
const BODY = Buffer.alloc(5 * 1024 * 1024 + 123);
for (let i = 0; i + 4 <= BODY.length; i += 4) BODY.writeUInt32LE(i, i);
BODY.fill(7, BODY.length - (BODY.length % 4));

describe.each([
  ['on a thread of its own', true],
  ['on the calling thread', false],
])('receiving a body %s', (_where, onThread) => {
  const get = (t: PumpTarget): ReturnType<typeof pumpGet> => pumpGet(t, onThread);
  let server: Server;
  let port = 0;
  /** Connections the server accepted. */
  let connections = 0;
  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === '/chunked' || req.url === '/chunked-small') {
        // No Content-Length: the body in chunks of odd sizes (Transfer-Encoding: chunked).
        const body = req.url === '/chunked' ? BODY : BODY.subarray(0, 1000);
        res.writeHead(200);
        for (let at = 0; at < body.length; at += 77_777) res.write(body.subarray(at, at + 77_777));
        res.end();
        return;
      }
      if (req.url === '/chunked-error') {
        res.writeHead(503);
        res.write('<Error><Code>SlowDown</Code>');
        res.end('<Message>Please reduce your request rate.</Message></Error>');
        return;
      }
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
    server.on('connection', () => connections++);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  });

  const target = (path: string): PumpTarget => ({ protocol: 'http:', hostname: '127.0.0.1', port, path, headers: {}, timeout: 10_000 });

  it('the whole body, in order, in 1 MiB chunks', async () => {
    const r = await get(target('/whole'));
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
    const r = await get(target('/cut'));
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
    const answers = await Promise.all([0, 4, 8, 12, 16, 20].map((k) => get(target(`/small/${k * 100_000}`))));
    for (const [i, r] of answers.entries()) {
      const pieces: Buffer[] = [];
      expect(r.whole).not.toBeNull();
      for await (const c of r.body) pieces.push(c);
      expect(pieces).toEqual([]);
      pieces.push(r.whole!);
      expect(pieces[0]!.equals(BODY.subarray(i * 400_000, i * 400_000 + 100_000))).toBe(true);
    }
  });

  it('another status: its text, no body; a body left unread is dropped and the next read served', async () => {
    const missing = await get(target('/missing'));
    expect(missing.head.status).toBe(404);
    expect(missing.head.text).toBe('no');
    const chunks: Buffer[] = [];
    for await (const c of missing.body) chunks.push(c);
    expect(chunks).toEqual([]);
    const r = await get(target('/whole'));
    for await (const c of r.body) {
      expect(c.length).toBeGreaterThan(0);
      break;
    }
    // Dropped before its first chunk was asked for.
    (await get(target('/whole'))).drop();
    const next = await get(target('/small/0'));
    const got: Buffer[] = [];
    for await (const c of piecesOf(next)) got.push(c);
    expect(Buffer.concat(got).equals(BODY.subarray(0, 100_000))).toBe(true);
  });

  it('a chunked body, large or small, and a chunked error answer: the bytes as sent, the text whole, on one connection', async () => {
    let after = 0;
    for (const [path, want] of [
      ['/chunked', BODY],
      ['/chunked-small', BODY.subarray(0, 1000)],
    ] as const) {
      const r = await get(target(path));
      expect(r.head.status).toBe(200);
      expect(r.head.length).toBeNull();
      const got: Buffer[] = [];
      for await (const c of r.body) {
        got.push(Buffer.from(c));
        recycleChunk(c);
      }
      expect(Buffer.concat(got).equals(want)).toBe(true);
      after ||= connections;
    }
    const slow = await get(target('/chunked-error'));
    expect(slow.head.status).toBe(503);
    expect(slow.head.text).toBe('<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>');
    // Each answer read to its end, the connection was kept (and left reading) for the next.
    expect(connections).toBe(after);
  });

  it('one connection for requests one after another', async () => {
    // A connection of the tests before may be kept: the count is taken after the first request.
    for await (const c of piecesOf(await get(target('/small/0')))) recycleChunk(c);
    const before = connections;
    for (let i = 0; i < 20; i++) {
      const r = await get(target(`/small/${i * 1000}`));
      const got: Buffer[] = [];
      for await (const c of piecesOf(r)) got.push(c);
      expect(Buffer.concat(got).equals(BODY.subarray(i * 1000, i * 1000 + 100_000))).toBe(true);
    }
    expect(connections).toBe(before);
  });

  it('a kept connection the server closes as the next request comes: the request is sent again on a new one', async () => {
    // Answers the first request of each connection; at a second one it closes the connection unanswered,
    // as a server does whose idle timeout ends a kept connection just as a request is sent on it.
    const sockets = new Set<Socket>();
    const once = createTcpServer((sock) => {
      sockets.add(sock);
      let requests = 0;
      sock.on('data', () => {
        if (++requests === 1) sock.write('HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\nhello');
        else sock.destroy();
      });
    });
    await new Promise<void>((r) => once.listen(0, '127.0.0.1', r));
    const at = { ...target('/'), port: (once.address() as AddressInfo).port };
    try {
      for (let i = 0; i < 3; i++) {
        const r = await get(at);
        const got: Buffer[] = [];
        for await (const c of piecesOf(r)) got.push(c);
        expect(Buffer.concat(got).toString()).toBe('hello');
      }
      expect(sockets.size).toBe(3);
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => once.close(() => r()));
    }
  });

  it('a body framed by the end of its connection (HTTP/1.0, no length): read to the end', async () => {
    const raw = createTcpServer((sock) =>
      sock.once('data', () => sock.end(Buffer.concat([Buffer.from('HTTP/1.0 200 OK\r\n\r\n'), BODY.subarray(0, 3_000_000)]))),
    );
    await new Promise<void>((r) => raw.listen(0, '127.0.0.1', r));
    try {
      const r = await get({ ...target('/'), port: (raw.address() as AddressInfo).port });
      expect(r.head.length).toBeNull();
      const got: Buffer[] = [];
      for await (const c of r.body) {
        got.push(Buffer.from(c));
        recycleChunk(c);
      }
      expect(Buffer.concat(got).equals(BODY.subarray(0, 3_000_000))).toBe(true);
    } finally {
      await new Promise<void>((r) => raw.close(() => r()));
    }
  });

  it('an interim answer (100 Continue) before the answer, in the same packet: the answer and its body', async () => {
    const raw = createTcpServer((sock) =>
      sock.once('data', () => sock.end('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\ncontent-length: 5\r\netag: "e"\r\n\r\nhello')),
    );
    await new Promise<void>((r) => raw.listen(0, '127.0.0.1', r));
    try {
      const r = await get({ ...target('/'), port: (raw.address() as AddressInfo).port });
      expect(r.head).toMatchObject({ status: 200, etag: '"e"', length: 5 });
      expect(r.whole?.toString()).toBe('hello');
    } finally {
      await new Promise<void>((r) => raw.close(() => r()));
    }
  });

  it('nobody listening: rejected', async () => {
    const s = createServer();
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    const closed = (s.address() as AddressInfo).port;
    await new Promise<void>((r) => s.close(() => r()));
    await expect(get({ ...target('/'), port: closed })).rejects.toThrow(/ECONNREFUSED/);
  });
});
