import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers.js';

/**
 * The architecture as tests: no import cycle anywhere in src/ (type-only imports count: a cycle of
 * types is still a tangle to read), and detection never imports a renderer (BRIEF: renderers own
 * every word and every escape).
 */

const SRC = path.join(ROOT, 'src');

/** Every import and re-export specifier of a module: static, type-only, `import()` and `import('x').T`. */
function specifiers(file: string, text: string): string[] {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const out: string[] = [];
  const visit = (node: ts.Node): void => {
    if (
      (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      out.push(node.moduleSpecifier.text);
    } else if (
      ts.isImportEqualsDeclaration(node) &&
      ts.isExternalModuleReference(node.moduleReference) &&
      ts.isStringLiteral(node.moduleReference.expression)
    ) {
      out.push(node.moduleReference.expression.text);
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] &&
      ts.isStringLiteral(node.arguments[0])
    ) {
      out.push(node.arguments[0].text);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      out.push(node.argument.literal.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

/** The file a relative specifier names (NodeNext: `./x.js` is `./x.ts` in src), or null for a package. */
function resolve(from: string, spec: string): string | null {
  if (!spec.startsWith('.')) return null;
  const target = path.resolve(path.dirname(from), spec);
  for (const candidate of [target.replace(/\.js$/, '.ts'), target, `${target}.ts`, path.join(target, 'index.ts')]) {
    if (existsSync(candidate) && !candidate.endsWith(path.sep)) return candidate;
  }
  throw new Error(`${path.relative(ROOT, from)}: cannot resolve import "${spec}"`);
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const p = path.join(dir, d.name);
    if (d.isDirectory()) return sourceFiles(p);
    return d.name.endsWith('.ts') && !d.name.endsWith('.d.ts') ? [p] : [];
  });
}

/** Module → the src modules it imports, from the files on disk (`extra` adds planted lines). */
function importGraph(root: string, extra: Record<string, string> = {}): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of sourceFiles(root)) {
    const text = readFileSync(file, 'utf8') + (extra[file] ?? '');
    const deps = specifiers(file, text)
      .map((s) => resolve(file, s))
      .filter((p): p is string => p !== null);
    graph.set(file, [...new Set(deps)]);
  }
  return graph;
}

/** Every cycle, as the strongly connected components of more than one module (or a self-import). */
function cycles(graph: Map<string, string[]>): string[][] {
  // Tarjan's algorithm.
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  const strong = (v: string): void => {
    idx.set(v, index);
    low.set(v, index);
    index++;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!idx.has(w)) {
        strong(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, idx.get(w)!));
      }
    }
    if (low.get(v) === idx.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1 || (graph.get(v) ?? []).includes(v)) out.push(scc.map((f) => path.relative(ROOT, f)).sort());
    }
  };
  for (const v of graph.keys()) if (!idx.has(v)) strong(v);
  return out;
}

/** Folders that detect and read: none may import a renderer. */
const DETECTION = ['classifiers', 'state', 'containerlogs', 'memory', 'codecs', 'sources', 'eventlog', 'input', 'diagnose'];
const RENDER = path.join(SRC, 'render') + path.sep;

function renderImports(graph: Map<string, string[]>): string[] {
  const out: string[] = [];
  for (const [file, deps] of graph) {
    const folder = path.relative(SRC, file).split(path.sep)[0]!;
    if (!DETECTION.includes(folder)) continue;
    for (const d of deps) if (d.startsWith(RENDER)) out.push(`${path.relative(ROOT, file)} → ${path.relative(ROOT, d)}`);
  }
  return out.sort();
}

const at = (...p: string[]): string => path.join(SRC, ...p);

describe('architecture', () => {
  const graph = importGraph(SRC);

  it('reads the whole of src/ (every module, with its imports)', () => {
    expect(graph.size).toBeGreaterThan(100);
    expect(graph.get(at('cli.ts'))).toContain(at('commands', 'diagnose.ts'));
    // type-only imports are edges too
    expect(graph.get(at('findings.ts'))).toEqual(expect.arrayContaining([at('input', 'stats.ts'), at('classifiers', 'evidence.ts')]));
  });

  it('has no import cycle anywhere in src/', () => {
    expect(cycles(graph)).toEqual([]);
  });

  it('keeps src/render/ out of detection and reading', () => {
    expect(renderImports(graph)).toEqual([]);
  });

  // The checks above must be able to fail: a planted violation (never written to disk) is caught.
  it('would catch a planted cycle, type-only included', () => {
    const planted = importGraph(SRC, { [at('input', 'stats.ts')]: "\nimport type { InputRead } from './read.js';\n" });
    expect(cycles(planted)).toContainEqual(expect.arrayContaining(['src/input/read.ts', 'src/input/stats.ts']));
  });

  it('would catch a planted renderer import in detection', () => {
    const planted = importGraph(SRC, { [at('classifiers', 'heap-oom.ts')]: "\nexport { fmtBytes } from '../render/units.js';\n" });
    expect(renderImports(planted)).toEqual(['src/classifiers/heap-oom.ts → src/render/units.ts']);
    const dynamic = importGraph(SRC, {
      [at('diagnose', 'verdict.ts')]: "\nconst words = (): Promise<unknown> => import('../render/words/classifiers.js');\n",
    });
    expect(renderImports(dynamic)).toEqual(['src/diagnose/verdict.ts → src/render/words/classifiers.ts']);
  });
});
