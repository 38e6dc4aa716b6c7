import { InputError } from '../../errors.js';
import { remoteConfig } from './config.js';
import { httpRequest } from './http.js';
import type { Store, StoreAt, StoreEntry } from './store.js';

/**
 * HDFS over WebHDFS (or HttpFS, which speaks the same REST API), plain HTTP: LISTSTATUS lists a
 * directory, OPEN with an offset reads (and resumes) a file, following the NameNode's redirect to
 * a DataNode (hadoop-hdfs WebHDFS REST API, WebHdfsFileSystem).
 *
 * Addresses: `webhdfs://namenode:9870/path` (HTTP; `swebhdfs://` over HTTPS), as Hadoop names them;
 * `hdfs://namenode:8020/path` names the RPC port, which is not HTTP: the NameNode's HTTP address is
 * `--endpoint` when given, else the same host on port 9870.
 * Authentication: Hadoop's simple authentication by HADOOP_USER_NAME (sent as `user.name`), and any
 * header (SPARK_TRIAGE_HEADERS, --header @file): a gateway's token, say. Kerberos (SPNEGO) is not
 * supported: reach such a cluster through a gateway (Knox) or HttpFS with a token.
 */

/** dfs.namenode.http-address's default port since Hadoop 3 (DFSConfigKeys, HDFS-9427). */
const NAMENODE_HTTP_PORT = 9870;

interface WebHdfsLocation {
  /** As the user wrote it: the URLs shown start with it. */
  shownRoot: string;
  /** http(s)://host:port of the NameNode's web server. */
  http: string;
  key: string;
}

function parseHdfsUrl(url: string): WebHdfsLocation | InputError<'bad-url'> {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return new InputError('bad-url', { reason: 'syntax' });
  }
  if (u.hostname === '') return new InputError('bad-url', { reason: 'no-host' });
  const scheme = u.protocol.slice(0, -1).toLowerCase();
  const endpoint = remoteConfig().endpoint;
  const http =
    scheme === 'hdfs'
      ? (endpoint ?? `http://${u.hostname}:${NAMENODE_HTTP_PORT}`).replace(/\/+$/, '')
      : `${scheme === 'swebhdfs' ? 'https' : 'http'}://${u.host}`;
  return { shownRoot: `${scheme}://${u.host}`, http, key: decodeURIComponent(u.pathname).replace(/^\/+/, '') };
}

const encodePath = (key: string): string => key.split('/').map(encodeURIComponent).join('/');

function webHdfsStore(loc: WebHdfsLocation): Store {
  const headers = remoteConfig().headers;
  const user = process.env.HADOOP_USER_NAME;
  const op = (key: string, name: string, extra = ''): string =>
    `${loc.http}/webhdfs/v1/${encodePath(key)}?op=${name}${user ? `&user.name=${encodeURIComponent(user)}` : ''}${extra}`;
  return {
    url: (key) => `${loc.shownRoot}/${key}`,
    async *list(dir): AsyncGenerator<StoreEntry> {
      const res = await httpRequest(op(dir, 'LISTSTATUS'), headers);
      const body = (await res.json().catch(() => null)) as {
        FileStatuses?: { FileStatus?: Array<{ pathSuffix?: string; type?: string; length?: number; modificationTime?: number }> };
      } | null;
      const statuses = body?.FileStatuses?.FileStatus;
      if (!Array.isArray(statuses))
        throw new InputError('remote-refused', { status: res.status, detail: 'not a WebHDFS LISTSTATUS answer' });
      for (const s of statuses) {
        if (typeof s.pathSuffix !== 'string' || s.pathSuffix === '') continue; // LISTSTATUS of a file names the file itself
        yield { name: s.pathSuffix, dir: s.type === 'DIRECTORY', size: s.length ?? 0, mtime: s.modificationTime ?? 0 };
      }
    },
    async get(key, start) {
      try {
        const res = await httpRequest(op(key, 'OPEN', start > 0 ? `&offset=${start}` : ''), headers);
        return { body: res.body as AsyncIterable<Uint8Array>, version: null };
      } catch (e) {
        // FileNotFoundException: no such file, or "Path is not a file" (a directory).
        if (e instanceof InputError && e.code === 'remote-not-found') return null;
        throw e;
      }
    },
  };
}

/** The store and key a webhdfs://, swebhdfs:// or hdfs:// URL names, or why it names none. */
export function webHdfsStoreAt(url: string): StoreAt {
  const loc = parseHdfsUrl(url);
  return loc instanceof InputError ? loc : { store: webHdfsStore(loc), key: loc.key };
}
