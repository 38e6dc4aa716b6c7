import { createRequire } from 'node:module';
import type { Location } from '../input/stats.js';
import type { AppState } from '../state/app.js';
import { emitPod, emptyContainer, emptyPod, type PodFacts } from './pods.js';

const require = createRequire(import.meta.url);
// stream-json 1.x is CommonJS; its parser emits tokens synchronously per write.
const { parser: makeParser } = require('stream-json') as {
  parser: () => NodeJS.ReadWriteStream & { on(ev: 'data', f: (t: Token) => void): void };
};
const Assembler = require('stream-json/Assembler') as new () => { consume(t: Token): void; current: unknown; done: boolean; depth: number };

interface Token {
  name: string;
  value?: unknown;
}

/**
 * `kubectl get pod -o json`: one Pod or a List of them, of any size. Streamed with stream-json, fed
 * one line at a time so each pod and each termination is cited at its line. Only one pod is held.
 */
export class KubectlJsonReader {
  private readonly parser = makeParser();
  private lineNo = 0;
  private depth = 0;
  private keys: Array<string | null> = [];
  private pendingKey: string | null = null;
  private asm: InstanceType<typeof Assembler> | null = null;
  private podLine = 0;
  private readonly reasonLines = new Map<string, number>();
  failed: { line: number; detail: string } | null = null;

  constructor(
    private readonly app: AppState,
    private readonly file: string,
  ) {
    this.parser.on('data', (t: Token) => this.token(t));
    this.parser.on('error', (e: Error) => (this.failed ??= { line: this.lineNo, detail: e.message.split('\n')[0]! }));
  }

  line(text: string, lineNo: number): void {
    this.lineNo = lineNo;
    if (!this.failed) this.parser.write(`${text}\n`);
  }

  end(): void {
    if (!this.failed) this.parser.end();
  }

  private token(t: Token): void {
    // A pod is the root object (kind: Pod) or an element of the root's "items" array.
    const atPodStart = t.name === 'startObject' && (this.depth === 0 || (this.depth === 2 && this.keys[2] === 'items'));
    if (atPodStart) {
      this.asm = new Assembler();
      this.podLine = this.lineNo;
      this.reasonLines.clear();
    }
    if (this.asm) {
      this.asm.consume(t);
      if (t.name === 'stringValue' && (t.value === 'OOMKilled' || t.value === 'Error' || t.value === 'Evicted'))
        this.reasonLines.set(String(t.value), this.lineNo);
    }
    switch (t.name) {
      case 'startObject':
      case 'startArray':
        this.depth++;
        this.keys[this.depth] = this.pendingKey; // the key this object or array sits under
        break;
      case 'endObject':
      case 'endArray':
        this.keys.length = this.depth;
        this.depth--;
        if (this.asm?.done && (this.depth === 0 || (this.depth === 2 && this.keys[2] === 'items'))) {
          const obj = this.asm.current as Record<string, unknown>;
          this.asm = null;
          if (obj.kind === 'Pod' || (this.depth === 2 && obj.status)) this.pod(obj);
        }
        break;
      case 'keyValue':
        this.pendingKey = String(t.value);
        break;
    }
  }

  private pod(obj: Record<string, unknown>): void {
    podFromObject(this.app, this.file, obj, this.podLine, this.reasonLines);
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
