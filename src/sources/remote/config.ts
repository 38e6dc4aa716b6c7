import { readFileSync } from 'node:fs';

/**
 * What reaching remote sources needs beyond the URL: HTTP headers (History Server and WebHDFS auth)
 * and an S3-compatible endpoint. Set once by the command line (src/cli.ts), and by scan's workers
 * from their workerData: module state, because every source of a run shares it.
 *
 * Secrets never need a flag (a flag's value lands in shell history and `ps`): headers come from the
 * environment (SPARK_TRIAGE_HEADERS) or a file (`--header @file`, as curl's `-H @file`); the
 * stores' own credentials come from each platform's standard chain (./s3.ts, ./azure.ts, ./webhdfs.ts).
 */
export interface RemoteConfig {
  /** Sent with every History Server and WebHDFS request, in order. */
  headers: Array<[string, string]>;
  /** S3 endpoint (an S3-compatible store), or the Azure Blob service URL; null: the platform's own. */
  endpoint: string | null;
}

let current: RemoteConfig = { headers: [], endpoint: null };

export function configureRemote(c: RemoteConfig): void {
  current = c;
}

export function remoteConfig(): RemoteConfig {
  return current;
}

/** The environment variable holding extra headers, one `Name: value` a line. */
const HEADERS_ENV = 'SPARK_TRIAGE_HEADERS';

/** An HTTP header name (RFC 9110 token). */
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/**
 * `Name: value` lines (blank lines and `#` comments skipped) as header pairs. Returns the 1-based
 * number of the first line that is not a header instead, so the caller can name it.
 */
function parseHeaderLines(text: string): Array<[string, string]> | { badLine: number } {
  const out: Array<[string, string]> = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '' || line.startsWith('#')) continue;
    const colon = line.indexOf(':');
    const name = colon > 0 ? line.slice(0, colon).trim() : '';
    if (!TOKEN.test(name)) return { badLine: i + 1 };
    out.push([name, line.slice(colon + 1).trim()]);
  }
  return out;
}

/**
 * The headers of a run: SPARK_TRIAGE_HEADERS first, then each `--header` in order (a value
 * `@path` reads the file's lines). Throws Error with a one-line message naming what is wrong.
 */
export function collectHeaders(flags: readonly string[], env: NodeJS.ProcessEnv): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  const add = (text: string, from: string): void => {
    const parsed = parseHeaderLines(text);
    if ('badLine' in parsed) throw new Error(`${from}: line ${parsed.badLine} is not "Name: value"`);
    out.push(...parsed);
  };
  const fromEnv = env[HEADERS_ENV];
  if (fromEnv) add(fromEnv, HEADERS_ENV);
  for (const flag of flags) {
    if (flag.startsWith('@')) {
      let text: string;
      try {
        text = readFileSync(flag.slice(1), 'utf8');
      } catch (e) {
        throw new Error(`--header ${flag}: ${(e as Error).message.split('\n')[0]!}`, { cause: e });
      }
      add(text, `--header ${flag}`);
    } else {
      const parsed = parseHeaderLines(flag);
      if ('badLine' in parsed || parsed.length !== 1) throw new Error(`--header ${flag}: not "Name: value"`);
      out.push(parsed[0]!);
    }
  }
  return out;
}
