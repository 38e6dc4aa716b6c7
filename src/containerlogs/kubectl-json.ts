import { createRequire } from 'node:module';
import { StringDecoder } from 'node:string_decoder';
import { MAX_JSON_DEPTH } from '../eventlog/shape.js';
import type { Location } from '../input/stats.js';
import type { AppState } from '../state/app.js';
import { emitPod, emptyContainer, emptyPod, type PodFacts } from './pods.js';

type MakeParser = (options: { packValues: boolean; streamValues: boolean }) => NodeJS.ReadWriteStream & {
  on(ev: 'data', f: (t: Token) => void): void;
  readonly errored: Error | null;
};
const require = createRequire(import.meta.url);
let parserOf: MakeParser | undefined;
// stream-json 1.x is CommonJS; its parser emits tokens synchronously per write. Loaded at the first
// kubectl JSON, not at start-up: most runs read none.
const makeParser: MakeParser = (options) => (parserOf ??= (require('stream-json') as { parser: MakeParser }).parser)(options);

interface Token {
  name: string;
  value?: unknown;
}

/**
 * The most characters of JSON content (keys, strings, numbers; not whitespace) one pod is built
 * from. Kubernetes stores an object in etcd, whose requests are at most 1.5 MiB by default
 * (etcd server/embed/config.go DefaultMaxRequestBytes); kubectl's JSON of it is somewhat larger
 * than what is stored. Our choice: 4 MiB, over twice that; a larger "pod" is no pod Kubernetes
 * keeps, and is skipped and counted, never built.
 */
export const MAX_POD_CHARS = 4 * 1024 * 1024;

/**
 * Bytes given to the parser at once: it emits every token of a write before returning, so a
 * smaller write bounds that burst. Our choice: 64 KiB (measured with the built CLI, 20,000 pods on
 * one 25 MB line: peak RSS 146 MiB writing the reader's 1 MiB chunks whole, 99 MiB in 64 KiB writes).
 */
const WRITE_BYTES = 64 * 1024;

/** Keys outside a pod are read only to find the List's "items": longer ones are no key we look for. */
const MAX_OUTER_KEY = 64;

type Json = string | number | boolean | null | Json[] | { [k: string]: Json };

/** A pod being built from tokens, with what it has cost so far. */
interface PodBuild {
  /** The open objects and arrays, innermost last; the pod itself first. Null once over the budget. */
  stack: Array<{ node: Json[] | { [k: string]: Json }; key: string | null }> | null;
  root: { [k: string]: Json } | Json[] | null;
  chars: number;
  line: number;
}

/**
 * `kubectl get pod -o json`: one Pod or a List of them, of any size, on many lines or on one (a
 * 25 MB list of 20,000 pods on a single line is ordinary `kubectl get pods -o json | jq -c`
 * output). Fed the bytes as they come, never a line at a time, so no line is gathered whatever its
 * length; stream-json's tokens are built into one pod at a time (at most MAX_POD_CHARS), each
 * cited at its line. Nesting deeper than MAX_JSON_DEPTH stops the reading, as for event logs.
 */
export class KubectlJsonReader {
  private readonly parser = makeParser({ packValues: false, streamValues: true });
  private readonly decoder = new StringDecoder('utf8');
  private lineNo = 1;
  /** Bytes seen on the current line: whether there is a last line without a line end. */
  private lineBytes = 0;
  private started = false;
  private depth = 0;
  private keys: Array<string | null> = [];
  private pendingKey: string | null = null;
  /** The key, string or number being read, when it is kept (null: only counted). */
  private text: string | null = null;
  private textKind: 'key' | 'string' | 'number' = 'string';
  private build: PodBuild | null = null;
  private readonly reasonLines = new Map<string, number>();
  failed: { line: number; detail: string } | null = null;
  /** Nesting deeper than MAX_JSON_DEPTH, at this line. */
  tooDeep: number | null = null;

  constructor(
    private readonly app: AppState,
    private readonly file: string,
    /** A pod past MAX_POD_CHARS was skipped: where it started and how many characters it held. */
    private readonly onTooLarge: (line: number, chars: number) => void = () => {},
  ) {
    this.parser.on('data', (t: Token) => this.token(t));
    this.parser.on('error', (e: Error) => (this.failed ??= { line: this.lineNo, detail: e.message.split('\n')[0]! }));
  }

  /** How many lines the bytes held, a last one without a line end included. */
  get lines(): number {
    return this.lineNo - (this.lineBytes === 0 ? 1 : 0);
  }

  /** The next bytes of the input: written to the parser a line's piece at a time, so tokens know their line. */
  chunk(buf: Buffer): void {
    let start = 0;
    if (!this.started && buf.length > 0) {
      this.started = true;
      if (buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) start = 3; // a UTF-8 BOM
    }
    while (start < buf.length && !this.stopped) {
      const lf = buf.indexOf(0x0a, start);
      const end = Math.min(lf < 0 ? buf.length : lf + 1, start + WRITE_BYTES);
      // Decoded here (a character split between chunks waits in the decoder): the parser gets a copy, the chunk is reused.
      this.write(this.decoder.write(buf.subarray(start, end)));
      this.lineBytes += end - start;
      if (end === lf + 1) {
        this.lineNo++;
        this.lineBytes = 0;
      }
      start = end;
    }
  }

  end(): void {
    if (this.stopped) return;
    const rest = this.decoder.end();
    if (rest) this.write(rest);
    if (this.stopped) return;
    this.parser.end();
    this.checkError();
  }

  private get stopped(): boolean {
    return this.failed !== null || this.tooDeep !== null;
  }

  private write(s: string): void {
    if (s === '' || this.stopped) return;
    this.parser.write(s);
    this.checkError();
  }

  /** A parse error is known as soon as write returns; its event comes later, when the line has moved on. */
  private checkError(): void {
    const e = this.parser.errored;
    if (e) this.failed ??= { line: this.lineNo, detail: e.message.split('\n')[0]! };
  }

  private token(t: Token): void {
    if (this.stopped) return;
    switch (t.name) {
      case 'startObject':
      case 'startArray': {
        // A pod is the root object (kind: Pod) or an element of the root's "items" array.
        if (t.name === 'startObject' && (this.depth === 0 || (this.depth === 2 && this.keys[2] === 'items'))) {
          this.build = { stack: [], root: null, chars: 0, line: this.lineNo };
          this.reasonLines.clear();
        }
        this.depth++;
        if (this.depth > MAX_JSON_DEPTH) {
          this.tooDeep = this.lineNo;
          return;
        }
        this.keys[this.depth] = this.pendingKey; // the key this object or array sits under
        this.open(t.name === 'startObject' ? {} : []);
        break;
      }
      case 'endObject':
      case 'endArray': {
        this.keys.length = this.depth;
        this.depth--;
        const b = this.build;
        if (b?.stack) b.stack.pop();
        if (b && (this.depth === 0 || (this.depth === 2 && this.keys[2] === 'items')) && (b.stack === null || b.stack.length === 0)) {
          this.build = null;
          if (b.stack === null) this.onTooLarge(b.line, b.chars);
          else if (b.root && !Array.isArray(b.root) && (b.root.kind === 'Pod' || (this.depth === 2 && b.root.status)))
            podFromObject(this.app, this.file, b.root, b.line, this.reasonLines);
        }
        break;
      }
      case 'startKey':
        this.textKind = 'key';
        this.text = '';
        break;
      case 'startString':
        this.textKind = 'string';
        this.text = '';
        break;
      case 'startNumber':
        this.textKind = 'number';
        this.text = '';
        break;
      case 'stringChunk':
      case 'numberChunk': {
        const chunk = String(t.value);
        if (this.build) this.spend(chunk.length);
        if (this.text !== null) {
          // Outside a pod only a short key is kept (to find "items"); in a pod, what the budget allows.
          const keep = this.build ? this.build.stack !== null : this.textKind === 'key' && this.text.length + chunk.length <= MAX_OUTER_KEY;
          this.text = keep ? this.text + chunk : null;
        }
        break;
      }
      case 'endKey':
        this.pendingKey = this.text;
        this.text = null;
        if (this.build?.stack) {
          const top = this.build.stack[this.build.stack.length - 1];
          if (top) top.key = this.pendingKey;
        }
        break;
      case 'endString':
        if (this.text === 'OOMKilled' || this.text === 'Error' || this.text === 'Evicted') this.reasonLines.set(this.text, this.lineNo);
        this.value(this.text);
        this.text = null;
        break;
      case 'endNumber':
        this.value(this.text === null ? null : Number(this.text));
        this.text = null;
        break;
      case 'nullValue':
      case 'trueValue':
      case 'falseValue':
        if (this.build) this.spend(4);
        this.value(t.value as boolean | null);
        break;
    }
  }

  private spend(chars: number): void {
    const b = this.build!;
    b.chars += chars;
    if (b.stack !== null && b.chars > MAX_POD_CHARS) {
      b.stack = null;
      b.root = null;
    }
  }

  /** A new object or array inside the pod being built. */
  private open(node: Json[] | { [k: string]: Json }): void {
    const b = this.build;
    if (!b) return;
    this.spend(1);
    if (!b.stack) return;
    if (b.root === null) b.root = node;
    else this.attach(node);
    b.stack.push({ node, key: null });
  }

  private value(v: Json): void {
    const b = this.build;
    if (!b?.stack || b.stack.length === 0) return;
    this.attach(v);
  }

  private attach(v: Json): void {
    const top = this.build!.stack![this.build!.stack!.length - 1]!;
    if (Array.isArray(top.node)) top.node.push(v);
    else if (top.key !== null) top.node[top.key] = v;
  }
}

/** A Pod object (from JSON or YAML) into pod facts, cited at the lines of its terminations. */
function podFromObject(app: AppState, file: string, obj: Record<string, unknown>, podLine: number, reasonLines: Map<string, number>): void {
  {
    const at: Location = { file, line: podLine };
    const lineOf = (o: unknown, reason: string | undefined): number =>
      (o !== null && typeof o === 'object' ? (o as { [LINE]?: number })[LINE] : undefined) ??
      (reason !== undefined ? reasonLines.get(reason) : undefined) ??
      podLine;
    const get = (o: unknown, ...path: string[]): unknown =>
      path.reduce<unknown>((x, k) => (x && typeof x === 'object' ? (x as Record<string, unknown>)[k] : undefined), o);
    const pod: PodFacts = emptyPod(at);
    pod.name = (get(obj, 'metadata', 'name') as string) ?? null;
    pod.labels = (get(obj, 'metadata', 'labels') as Record<string, string>) ?? {};
    pod.reason = (get(obj, 'status', 'reason') as string) ?? null;
    pod.message = (get(obj, 'status', 'message') as string) ?? null;
    if (pod.reason) pod.at = { file, line: reasonLines.get(pod.reason) ?? podLine };
    const specs = (get(obj, 'spec', 'containers') as Array<Record<string, unknown>>) ?? [];
    const statuses = (get(obj, 'status', 'containerStatuses') as Array<Record<string, unknown>>) ?? [];
    for (const spec of specs) {
      const c = emptyContainer((spec.name as string) ?? null);
      c.limitMemory = (get(spec, 'resources', 'limits', 'memory') as string) ?? null;
      for (const e of (spec.env as Array<{ name: string; value?: string }>) ?? [])
        if (e.name.startsWith('SPARK_') && e.value !== undefined) c.env[e.name] = e.value;
      pod.containers.push(c);
    }
    for (const st of statuses) {
      let c = pod.containers.find((x) => x.name === st.name);
      if (!c) pod.containers.push((c = emptyContainer((st.name as string) ?? null)));
      for (const which of ['state', 'lastState'] as const) {
        const term = get(st, which, 'terminated') as { reason?: string; exitCode?: number } | undefined;
        if (term)
          c.terminated.push({
            which,
            reason: term.reason ?? null,
            exitCode: term.exitCode ?? null,
            at: { file, line: lineOf(term, term.reason) },
          });
      }
    }
    emitPod(app, pod);
  }
}

/**
 * `kubectl get pod -o yaml`: a Pod, or a List whose items are parsed one at a time. kubectl writes
 * block YAML only (two-space maps, "- " lists at their key's indent, plain or quoted scalars), which
 * is what `parseBlockYaml` reads; each map remembers its first line, so evidence keeps line numbers.
 */
export class KubectlYamlReader {
  private buf: Array<{ text: string; line: number }> = [];
  private inItems = false;

  constructor(
    private readonly app: AppState,
    private readonly file: string,
  ) {}

  line(text: string, lineNo: number): void {
    if (/^items:\s*$/.test(text)) {
      this.inItems = true;
      this.buf = [];
      return;
    }
    if (this.inItems) {
      if (/^- /.test(text)) this.flush();
      else if (/^\S/.test(text)) {
        this.flush();
        this.inItems = false;
        return;
      }
      if (this.inItems) this.buf.push({ text: text.replace(/^- /, '  ').replace(/^ {2}/, ''), line: lineNo });
      return;
    }
    this.buf.push({ text, line: lineNo });
  }

  end(): void {
    this.flush();
  }

  private flush(): void {
    const lines = this.buf;
    this.buf = [];
    if (lines.length === 0) return;
    const obj = parseBlockYaml(lines);
    if (obj && typeof obj === 'object' && !Array.isArray(obj) && (obj as Record<string, unknown>).kind === 'Pod') {
      podFromObject(this.app, this.file, obj, lines[0]!.line, new Map());
    }
  }
}

type Yaml = string | number | boolean | null | Yaml[] | { [k: string]: Yaml };
const LINE = Symbol('line');

/** Block YAML as kubectl prints it. Not a general YAML parser: no anchors, flow collections or tags. */
export function parseBlockYaml(input: Array<{ text: string; line: number }>): Yaml {
  const lines = input.filter((l) => l.text.trim() !== '' && !/^\s*#/.test(l.text) && l.text.trim() !== '---');
  let i = 0;
  const indentOf = (t: string): number => t.length - t.trimStart().length;
  const scalar = (raw: string): Yaml => {
    const v = raw.trim();
    if (v === '' || v === 'null' || v === '~') return null;
    if (v === '{}') return {};
    if (v === '[]') return [];
    if (v === 'true' || v === 'false') return v === 'true';
    if (/^-?\d+(?:\.\d+)?$/.test(v)) return Number(v);
    if (/^'.*'$/.test(v)) return v.slice(1, -1).replace(/''/g, "'");
    if (/^".*"$/.test(v)) return JSON.parse(v) as string;
    return v;
  };
  const node = (indent: number): Yaml => {
    const first = lines[i];
    if (!first) return null;
    if (first.text.slice(indent).startsWith('- ') && indentOf(first.text) === indent) {
      const list: Yaml[] = [];
      while (i < lines.length && indentOf(lines[i]!.text) === indent && lines[i]!.text.slice(indent).startsWith('- ')) {
        const l = lines[i]!;
        const rest = l.text.slice(indent + 2);
        if (/^[\w./-]+:(?:\s|$)/.test(rest)) {
          lines[i] = { text: `${' '.repeat(indent + 2)}${rest}`, line: l.line };
          list.push(node(indent + 2));
        } else {
          list.push(scalar(rest));
          i++;
        }
      }
      return list;
    }
    const map: { [k: string]: Yaml } = {};
    Object.defineProperty(map, LINE, { value: first.line, enumerable: false });
    while (i < lines.length && indentOf(lines[i]!.text) === indent) {
      const m = /^\s*([^:]+?):(?:\s+(.*))?$/.exec(lines[i]!.text);
      if (!m) {
        i++;
        continue;
      }
      const key = m[1]!.replace(/^["']|["']$/g, '');
      const value = m[2] ?? '';
      i++;
      if (value === '|' || value === '|-' || value === '>' || value === '>-') {
        const parts: string[] = [];
        while (i < lines.length && indentOf(lines[i]!.text) > indent) parts.push(lines[i++]!.text.trim());
        map[key] = parts.join(value.startsWith('|') ? '\n' : ' ');
      } else if (value === '') {
        const next = lines[i];
        if (next && (indentOf(next.text) > indent || (indentOf(next.text) === indent && next.text.slice(indent).startsWith('- '))))
          map[key] = node(indentOf(next.text));
        else map[key] = null;
      } else {
        map[key] = scalar(value);
      }
    }
    return map;
  };
  return node(lines[0] ? indentOf(lines[0].text) : 0);
}
