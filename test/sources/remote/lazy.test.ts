// A local run must not pay for the object stores' SDKs: they are imported only when a URL of their
// kind is given (src/sources/remote/index.ts). Checked on the sources: no value import of an SDK,
// and the modules that use one are reached only through import().
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../helpers.js';

const SDKS = /^@(aws-sdk|azure|smithy|google-cloud)\//;
const LAZY = ['s3.js', 'azure.js', 'gcs.js'];

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? files(path.join(dir, d.name)) : d.name.endsWith('.ts') ? [path.join(dir, d.name)] : [],
  );
}

/** Static imports (`import … from 'x'`, `export … from 'x'`) that are not type-only, by specifier. */
function valueImports(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/^(import|export)\s+(type\s+)?[^;]*?from\s+'([^']+)'/gms)) if (!m[2]) out.push(m[3]!);
  return out;
}

describe('the stores’ SDKs load lazily', () => {
  const sources = files(path.join(ROOT, 'src')).map((f) => ({ f: path.relative(ROOT, f), text: readFileSync(f, 'utf8') }));

  it('finds the SDK imports it checks (type-only ones, in the store modules)', () => {
    const typed = sources.filter((s) => /import type[^;]*from '@(aws-sdk|azure|google-cloud)\//.test(s.text)).map((s) => s.f);
    expect(typed.sort()).toEqual(['src/sources/remote/azure.ts', 'src/sources/remote/gcs.ts', 'src/sources/remote/s3.ts']);
  });

  it('no source imports an SDK as a value, nor a store module but through import()', () => {
    const bad = sources.flatMap((s) =>
      valueImports(s.text)
        .filter((spec) => SDKS.test(spec) || LAZY.some((l) => spec.endsWith(`/${l}`)))
        .map((spec) => `${s.f}: ${spec}`),
    );
    expect(bad).toEqual([]);
  });
});
