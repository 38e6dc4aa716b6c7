import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { computeLayout, MemoryConfigError, type MemoryLayout } from '../../src/memory/index.js';
import type { ClusterManager } from '../../src/state/app.js';
import { fixture } from '../helpers.js';

/**
 * The table of hand-derived configurations (fixtures/memory/table.json): every version with a rule change,
 * every manager and deploy mode, Python on and off, off-heap on and off, explicit overheads and factors,
 * odd values. Each row states its arithmetic and the Spark source it rests on; the expected numbers are
 * the row's, never computed here.
 */
interface Row {
  name: string;
  spark: string;
  manager: ClusterManager;
  deploy?: 'client' | 'cluster';
  python?: boolean;
  java?: string;
  conf: Record<string, string>;
  expect?: Record<string, number | string | boolean>;
  error?: string;
  arithmetic: string;
  source: string;
}

const MiB = 1024 * 1024;
const table = JSON.parse(readFileSync(fixture('memory', 'table.json'), 'utf8')) as { rows: Row[] };

/** The value a table key names in a layout. */
function actual(l: MemoryLayout, key: string): number | string | boolean | null {
  const e = l.executor;
  const d = l.driver;
  switch (key) {
    case 'heapMiB':
      return e.heap / MiB;
    case 'overheadMiB':
      return e.overhead / MiB;
    case 'pysparkMiB':
      return e.pyspark / MiB;
    case 'offHeap':
      return e.offHeap;
    case 'containerMiB':
      return e.container / MiB;
    case 'unified':
      return e.unified;
    case 'storage':
      return e.storage;
    case 'execution':
      return e.execution;
    case 'reserved':
      return e.reserved;
    case 'maxMemory':
      return l.jvm.executor.maxMemory;
    case 'slots':
      return l.params.slots;
    case 'legacy':
      return l.legacyMode;
    case 'deployMode':
      return l.deployMode;
    case 'driverHeapMiB':
      return d.heap / MiB;
    case 'driverOverheadMiB':
      return d.overhead / MiB;
    case 'driverContainerMiB':
      return d.container / MiB;
    case 'maxResultSize':
      return d.maxResultSize;
    default:
      throw new Error(`unknown table key ${key}`);
  }
}

const layoutOf = (r: Row): MemoryLayout =>
  computeLayout({
    conf: r.conf,
    clusterManager: r.manager,
    sparkVersion: r.spark,
    isPython: r.python ?? false,
    deployMode: r.deploy ?? null,
    javaVersion: r.java ?? null,
  });

describe('the memory model against the hand-derived table', () => {
  it('has at least 60 rows, each with arithmetic and a source, and every manager and deploy mode', () => {
    expect(table.rows.length).toBeGreaterThanOrEqual(60);
    for (const r of table.rows) {
      expect(r.arithmetic.length, r.name).toBeGreaterThan(0);
      expect(r.source, r.name).toMatch(/@ v\d/);
      expect(r.expect !== undefined || r.error !== undefined, r.name).toBe(true);
    }
    expect(new Set(table.rows.map((r) => r.manager))).toEqual(new Set(['yarn', 'kubernetes', 'mesos', 'standalone', 'local']));
    expect(new Set(table.rows.map((r) => r.deploy).filter(Boolean))).toEqual(new Set(['client', 'cluster']));
    expect(table.rows.some((r) => r.python === true) && table.rows.some((r) => r.python === false)).toBe(true);
  });

  for (const r of table.rows) {
    it(`${r.spark} ${r.manager}: ${r.name}`, () => {
      if (r.error !== undefined) {
        let err: unknown = null;
        try {
          layoutOf(r);
        } catch (e) {
          err = e;
        }
        expect(err, `expected ${r.error}`).toBeInstanceOf(MemoryConfigError);
        expect((err as MemoryConfigError).code).toBe(r.error);
        return;
      }
      const l = layoutOf(r);
      for (const [key, want] of Object.entries(r.expect!)) expect([key, actual(l, key)]).toEqual([key, want]);
    });
  }
});
