// A reverse proxy on loopback in front of a real server, as a gateway (Knox, an ingress) stands in
// front of a History Server: it serves under a path prefix, may demand a bearer token, and can be
// told to fail in the ways networks fail — a 500, a 503, S3's SlowDown, a 429 with Retry-After, a connection dropped
// half-way through a body — so the client's retries and resumes are tested against real answers.
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

type Fault = 'status-500' | 'status-503' | 'status-429' | 's3-slow-down' | 'drop-mid-body';

export interface ProxyOptions {
  target: string;
  /** Served under this prefix (e.g. /gateway/spark); stripped before forwarding. */
  prefix?: string;
  /** Required `Authorization` header value; 401 otherwise. */
  authorization?: string;
  /** Faults to inject, each on the first request whose path includes the key. */
  faults?: Array<{ pathIncludes: string; fault: Fault }>;
}

export interface Proxy {
  url: string;
  /** Requests seen, as `METHOD path` (after the prefix). */
  seen: string[];
  close: () => Promise<void>;
}

export async function startProxy(opts: ProxyOptions): Promise<Proxy> {
  const target = new URL(opts.target);
  const prefix = opts.prefix ?? '';
  const faults = [...(opts.faults ?? [])];
  const seen: string[] = [];
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const raw = req.url ?? '/';
    if (!raw.startsWith(prefix)) {
      res.writeHead(404).end('not under the prefix');
      return;
    }
    const path = raw.slice(prefix.length) || '/';
    seen.push(`${req.method ?? 'GET'} ${path}`);
    if (opts.authorization !== undefined && req.headers.authorization !== opts.authorization) {
      res.writeHead(401, { 'WWW-Authenticate': 'Bearer' }).end('Unauthorized: a bearer token is required');
      return;
    }
    const i = faults.findIndex((f) => path.includes(f.pathIncludes));
    const taken = i >= 0 ? faults.splice(i, 1)[0]! : null;
    const fault = taken?.fault ?? null;
    if (fault === 'status-500' || fault === 'status-503') {
      res.writeHead(fault === 'status-500' ? 500 : 503).end(fault === 'status-500' ? 'Internal Server Error' : 'Service Unavailable');
      return;
    }
    if (fault === 's3-slow-down') {
      // S3's throttling answer: 503 with the error code SlowDown in its XML body (S3 API Reference, "Error responses").
      res
        .writeHead(503, { 'Content-Type': 'application/xml' })
        .end(
          '<?xml version="1.0" encoding="UTF-8"?><Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>',
        );
      return;
    }
    if (fault === 'status-429') {
      res.writeHead(429, { 'Retry-After': '1' }).end('Too Many Requests');
      return;
    }
    // The Host header stays as the client sent it: a SigV4 signature covers it.
    const headers = { ...req.headers };
    if (opts.authorization !== undefined) delete headers.authorization;
    const up = request({ host: target.hostname, port: target.port, path, method: req.method, headers }, (upRes) => {
      res.writeHead(upRes.statusCode ?? 502, upRes.headers);
      // Only a body can be cut: a redirect or an error answer passes, and the fault waits for the next.
      if (fault === 'drop-mid-body' && upRes.statusCode !== 200 && upRes.statusCode !== 206) faults.push(taken!);
      if (fault !== 'drop-mid-body' || (upRes.statusCode !== 200 && upRes.statusCode !== 206)) {
        upRes.pipe(res);
        return;
      }
      // Half of the first chunk, then the connection is cut.
      upRes.once('data', (chunk: Buffer) => {
        res.write(chunk.subarray(0, Math.max(1, chunk.length >> 1)));
        upRes.destroy();
        res.socket?.destroy();
      });
    });
    up.on('error', () => res.socket?.destroy());
    req.pipe(up);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${prefix}`,
    seen,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
