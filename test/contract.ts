/**
 * The JSON contracts of README ("inspect --format json", "diagnose --format json", "memory --format
 * json", "scan --format jsonl") as strict zod schemas: a field renamed, dropped or added without the
 * contract saying so fails the end-to-end tests. Beside v1's fields: evidence file/line/messageId/data,
 * remediation messageId/data, inputs[].errors[], applications[].problems[] and diagnose's `exit`.
 * Closed vocabularies are written as Record<Union, true> so the type checker fails here when src
 * adds a member without the contract following.
 */
import { z } from 'zod';
import { CLASSIFIERS } from '../src/classifiers/index.js';
import type { EvidenceData, EvidenceId, HolderKind } from '../src/classifiers/evidence.js';
import type { RemedyId } from '../src/classifiers/remedies.js';
import type { Codec } from '../src/codecs/index.js';
import type { InputErrorCode } from '../src/errors.js';
import { CONFIDENCES, REGIONS, ROLES, SEVERITIES } from '../src/findings.js';
import type { InputKind } from '../src/input/sniff.js';
import type { Layout } from '../src/sources/types.js';
import type { ClusterManager, Outcome } from '../src/state/app.js';
import type { Need } from '../src/plan/needs.js';
import type { SignalSource } from '../src/state/signals.js';

/** The members of a string union, from an object that must name each exactly once. */
const members = <K extends string>(r: Record<K, true>): [K, ...K[]] => Object.keys(r) as [K, ...K[]];

const KINDS = members<InputKind>({
  'event-log': true,
  'yarn-aggregated-log': true,
  'yarn-diagnostics': true,
  'kubectl-describe': true,
  'kubectl-json': true,
  'spark-log': true,
  unknown: true,
});
const COMPRESSIONS = members<Codec | 'zip'>({ none: true, zstd: true, lz4: true, snappy: true, lzf: true, gzip: true, zip: true });
const LAYOUTS = members<Layout>({ single: true, rolling: true, 'databricks-rolled': true, 'legacy-dir': true, zip: true });
const MANAGERS = members<ClusterManager>({ yarn: true, kubernetes: true, standalone: true, local: true, mesos: true, unknown: true });
const OUTCOMES = members<Outcome>({ succeeded: true, failed: true, incomplete: true, unknown: true });
const SOURCES = members<SignalSource>({
  'task-exception': true,
  'executor-lost': true,
  'executor-removed': true,
  'stage-failure': true,
  'job-failure': true,
  'sql-failure': true,
});
const INPUT_ERROR_CODES = members<InputErrorCode>({
  'no-such-file': true,
  'permission-denied': true,
  'is-a-directory': true,
  'symlink-loop': true,
  'os-error': true,
  'not-a-file': true,
  'no-log-in-directory': true,
  'stdin-read-twice': true,
  interrupted: true,
  'input-changed': true,
  'empty-file': true,
  'no-content': true,
  'binary-data': true,
  'not-an-event-log': true,
  'no-event-field': true,
  'not-recognised': true,
  'cut-short': true,
  'kubectl-json': true,
  'kubectl-json-depth': true,
  truncated: true,
  'lz4-bad-magic': true,
  'lz4-bad-header': true,
  'lz4-bad-end': true,
  'lz4-short-block': true,
  'lz4-checksum': true,
  'lz4-corrupt-block': true,
  'snappy-bad-magic': true,
  'snappy-bad-block-length': true,
  'snappy-corrupt-block': true,
  'snappy-short-block': true,
  'lzf-bad-magic': true,
  'lzf-bad-type': true,
  'lzf-short-chunk': true,
  'lzf-corrupt-chunk': true,
  'gzip-truncated': true,
  'gzip-corrupt': true,
  'zstd-truncated': true,
  'zstd-corrupt': true,
  'zstd-no-progress': true,
  'zstd-no-decoder': true,
  'zstd-thread': true,
  'zip-no-end-record': true,
  'zip-no-zip64-locator': true,
  'zip-bad-zip64-record': true,
  'zip-directory-past-end': true,
  'zip-bad-directory-entry': true,
  'zip-bad-local-header': true,
  'zip-unsupported-method': true,
  'zip-corrupt-entry': true,
  'zip-empty': true,
  internal: true,
  'bad-glob': true,
  'stdin-too-large': true,
  'temp-dir-unusable': true,
  'state-unusable': true,
  'zip-crc-mismatch': true,
  'zip-directory-too-large': true,
  'zip-encrypted-entry': true,
  'zip-entry-out-of-bounds': true,
  'zip-entry-size-mismatch': true,
  'zip-overlapping-entries': true,
  'zip-too-large': true,
  'bad-url': true,
  'remote-not-found': true,
  'remote-denied': true,
  'remote-gave-up': true,
  'remote-refused': true,
  'remote-no-credentials': true,
  'remote-client-missing': true,
  'remote-too-large': true,
});
const REMEDY_IDS = members<RemedyId>({
  'more-heap': true,
  'fewer-cores': true,
  'more-partitions': true,
  'adaptive-skew': true,
  'pyspark-own-memory': true,
  'raise-overhead': true,
  'shift-heap-to-overhead': true,
  'keep-heap-container-kill': true,
  'driver-double-heap': true,
  'local-mode': true,
  'driver-results-hint': true,
  'raise-heap-no-layout': true,
  'raise-execution-no-layout': true,
  'raise-overhead-no-layout': true,
  'raise-overhead-plain': true,
  'persist-less': true,
  'lower-memory-fraction': true,
  'split-huge-record': true,
  'keep-heap-array-limit': true,
  'stop-auto-broadcast': true,
  'stop-auto-broadcast-plain': true,
  'shuffle-join-hint': true,
  'driver-broadcast-heap': true,
  'overhead-direct-buffers': true,
  'heap-shuffle-buffers': true,
  'find-driver-end': true,
  'driver-memory-if-oom': true,
  'confirm-sigkill': true,
  'use-g1': true,
  'shrink-heap': true,
  'network-timeout': true,
  'spill-task-share': true,
  'kryo-buffer': true,
  'kryo-at-cap': true,
  'offheap-enable': true,
  'collect-less': true,
  'max-result-size': true,
  'driver-holds-results': true,
  'metaspace-cap': true,
  'metaspace-causes': true,
  'thread-limits': true,
  'offheap-grow': true,
  'offheap-raise': true,
  'pod-request': true,
  'node-reserve': true,
  'pyspark-limit': true,
  'arrow-batch': true,
  faulthandler: true,
  'salt-keys': true,
  'driver-overhead': true,
  'vmem-check-off': true,
  'vmem-ratio': true,
  'keep-spark-memory-vmem': true,
  'read-container-log': true,
  'fetch-failed-cause': true,
  'context-shutdown-cause': true,
  'task-exception': true,
  'job-failure-read': true,
  'quake-threshold': true,
  'check-running': true,
  'check-submitted-settings': true,
  'am-memory': true,
  'offheap-stated': true,
  'driver-python-memory': true,
  'python-native-crash': true,
  'hash-build-side': true,
  'heap-minimum': true,
  'onoom-explained': true,
  'not-spark-pod': true,
  'gpu-fewer-tasks': true,
  'gpu-pool-fraction': true,
  'gpu-pool-max': true,
  'gpu-smaller-splits': true,
  'keep-heap-gpu': true,
  'heap-at-oops-limit': true,
  'heap-past-oops-band': true,
  'smaller-input-splits': true,
  'more-partitions-in-code': true,
});
const HOLDER_KINDS = members<HolderKind>({
  sorter: true,
  'hash-map': true,
  'hash-relation': true,
  'python-queue': true,
  native: true,
  other: true,
});
const CODES = CLASSIFIERS.map((c) => c.code) as [string, ...string[]];

const int = z.number().int();
const size = int.nonnegative();

// --- inspect ---------------------------------------------------------------------------------------

const InputErrorSchema = z
  .object({ part: z.string().nullable(), code: z.enum(INPUT_ERROR_CODES), data: z.record(z.string(), z.unknown()) })
  .strict();

const InputSchema = z
  .object({
    path: z.string(),
    kind: z.enum(KINDS),
    compression: z.enum(COMPRESSIONS),
    layout: z.enum(LAYOUTS),
    lines: size,
    malformedLines: size,
    longLines: size,
    missingParts: z.array(int.positive()).optional(),
    truncated: z.boolean(),
    error: z.string().min(1).optional(),
    errors: z.array(InputErrorSchema).min(1).optional(),
  })
  .strict()
  .refine((i) => (i.error === undefined) === (i.errors === undefined), 'error and errors come together');

const ApplicationSummarySchema = z
  .object({
    appId: z.string().nullable(),
    attemptId: z.string().nullable(),
    appName: z.string().nullable(),
    sparkVersion: z.string().nullable(),
    clusterManager: z.enum(MANAGERS),
    outcome: z.enum(OUTCOMES),
    startTime: int.nullable(),
    endTime: int.nullable(),
    events: z.record(z.string(), size),
    executors: size,
    jobs: z.object({ total: size, failed: size }).strict(),
    stages: z.object({ total: size, failed: size }).strict(),
    tasks: z.object({ total: size, failed: size, killed: size }).strict(),
    overflow: z
      .object({ stages: size, executors: size, properties: size, learnt: size, signals: size, otherEvents: size })
      .strict()
      .optional(),
  })
  .strict();

export const InspectReportSchema = z.object({ inputs: z.array(InputSchema), applications: z.array(ApplicationSummarySchema) }).strict();

// --- memory ----------------------------------------------------------------------------------------

const observedJvm = z
  .object({ maxMemory: size.nullable(), maxOnHeap: size.nullable(), maxOffHeap: size.nullable(), peaks: z.record(z.string(), int) })
  .strict();

export const MemoryReportSchema = z
  .object({
    sparkVersion: z.string().nullable(),
    clusterManager: z.enum(MANAGERS),
    executor: z
      .object({
        heap: size,
        reserved: size,
        usable: size,
        user: size,
        unified: size,
        storage: size,
        execution: size,
        cores: size,
        perTaskMin: size,
        perTaskMax: size,
        overhead: size,
        offHeap: size,
        pyspark: size,
        container: size,
      })
      .strict(),
    driver: z.object({ heap: size, overhead: size, maxResultSize: size, container: size }).strict(),
    observed: z
      .object({
        executors: z.record(z.string(), observedJvm),
        /** The driver's BlockManager, when the log has one (added with the exact memory model). */
        driver: z.object({ maxMemory: size, maxOnHeap: size.nullable(), maxOffHeap: size.nullable() }).strict().optional(),
      })
      .strict()
      .nullable(),
    notes: z.array(z.string()),
    /** Each note as a code and its data (the words are `notes`, in the same order). */
    noteCodes: z.array(z.object({ code: z.string(), data: z.record(z.string(), z.unknown()) }).strict()),
  })
  .strict();

// --- diagnose --------------------------------------------------------------------------------------

const ids = z.array(z.string());
const time = int.nullable();
/** Each evidence message's data, held to src's own type (EvidenceData) by the annotation. */
const EVIDENCE_DATA: { [K in EvidenceId]: z.ZodType<EvidenceData[K]> } = {
  matched: z
    .object({
      text: z.string(),
      source: z.enum(SOURCES),
      count: int.positive(),
      executors: ids,
      stages: ids,
      firstTime: time,
      lastTime: time,
    })
    .strict(),
  'also-in': z.object({ text: z.string() }).strict(),
  'caused-stage-failure': z.object({ stages: ids, text: z.string() }).strict(),
  'caused-job-failure': z.object({ jobs: int.positive(), text: z.string() }).strict(),
  'log-ends': z.object({ running: int.positive() }).strict(),
  'gc-share': z.object({ share: z.number(), gcMs: size, runMs: size, heavyExecutors: size, severe: z.number() }).strict(),
  'stage-skew': z.object({ stage: size, attempt: size, name: z.string().nullable(), maxMs: size, medianMs: size, tasks: size }).strict(),
  'stage-spill': z
    .object({
      stage: size,
      attempt: size,
      name: z.string().nullable(),
      spilled: size,
      diskSpilled: size,
      tasks: size,
      largestPeak: size.nullable(),
    })
    .strict(),
  'heap-peak': z.object({ peak: size, heap: size }).strict(),
  'exit-decoded': z
    .object({
      code: int,
      cause: z.string() as z.ZodType<EvidenceData['exit-decoded']['cause']>,
      memory: z.enum(['yes', 'no', 'maybe']),
      executors: size,
      badNode: z.boolean(),
    })
    .strict(),
  'log-in-progress': z.object({ running: size }).strict(),
  'limit-stated': z.object({ stated: size, computed: size, role: z.enum(ROLES) }).strict(),
  process: z.union([
    z.object({ kind: z.literal('local-mode') }).strict(),
    z.object({ kind: z.literal('yarn-am'), mode: z.literal('client') }).strict(),
    z.object({ kind: z.literal('pod'), pods: z.array(z.string()).min(1) }).strict(),
  ]),
  'memory-holder': z
    .object({ task: z.string(), consumer: z.string(), kind: z.enum(HOLDER_KINDS), bytes: size, consumers: int.positive(), taskBytes: size })
    .strict(),
  'native-memory': z
    .object({
      task: z.string().nullable(),
      used: size.nullable(),
      taskCap: size.nullable(),
      pool: size.nullable(),
      largest: z.string().nullable(),
      largestBytes: size.nullable(),
      operator: z.string().nullable(),
      operatorBytes: size.nullable(),
    })
    .strict(),
  'onoom-kill': z.object({ signal: z.literal('kill -9') }).strict(),
  'python-dump': z.object({ fatal: z.string().nullable() }).strict(),
};
const evidenceOf = <K extends EvidenceId>(id: K) =>
  z
    .object({
      source: z.string(),
      text: z.string(),
      file: z.string().nullable(),
      line: int.positive().nullable(),
      messageId: z.literal(id),
      data: EVIDENCE_DATA[id],
    })
    .strict();

const EvidenceSchema = z
  .discriminatedUnion('messageId', [
    evidenceOf('matched'),
    evidenceOf('also-in'),
    evidenceOf('caused-stage-failure'),
    evidenceOf('caused-job-failure'),
    evidenceOf('log-ends'),
    evidenceOf('gc-share'),
    evidenceOf('stage-skew'),
    evidenceOf('stage-spill'),
    evidenceOf('heap-peak'),
    evidenceOf('exit-decoded'),
    evidenceOf('log-in-progress'),
    evidenceOf('limit-stated'),
    evidenceOf('process'),
    evidenceOf('memory-holder'),
    evidenceOf('native-memory'),
    evidenceOf('onoom-kill'),
    evidenceOf('python-dump'),
  ])
  .refine((e) => (e.file === null) === (e.line === null), 'file and line come together')
  .refine((e) => e.file === null || e.source === `${e.file}:${String(e.line)}`, 'source is file:line');

const RemediationSchema = z
  .object({
    conf: z.string().nullable(),
    current: z.string().nullable(),
    suggested: z.string().nullable(),
    reason: z.string().min(1),
    messageId: z.enum(REMEDY_IDS),
    data: z.record(z.string(), z.unknown()),
  })
  .strict();

const text = z.string().min(1);
const NEED_KINDS = [
  'executor-room',
  'executor-heap',
  'task-execution',
  'driver-heap',
  'driver-room',
  'setting',
  'heap-trim',
  'admin',
] as const satisfies readonly Need['kind'][];
/** A need: its kind and raw data (src/plan/needs.ts), checked by kind where the plan reads it. */
const NeedSchema = z.object({ kind: z.enum(NEED_KINDS) }).passthrough();

const PlanSchema = z
  .object({
    conf: z.record(z.string(), z.string()),
    admin: z.array(z.object({ file: z.string(), key: z.string(), value: z.string(), why: text }).strict()),
    executor: z.object({ containerBefore: size, containerAfter: size, heapBefore: size, heapAfter: size }).strict().nullable(),
    driver: z.object({ containerBefore: size, containerAfter: size }).strict().nullable(),
    executors: size.nullable(),
    clusterMemoryBefore: size.nullable(),
    clusterMemoryAfter: size.nullable(),
    holds: z.boolean(),
    noLayout: z.lazy(() => LayoutProblemSchema).nullable(),
    why: text,
    strategies: z.array(z.enum(['shift-heap-to-overhead', 'raise-overhead', 'pyspark-memory', 'fewer-cores', 'more-heap'])),
    changes: z.array(
      z
        .object({
          key: z.string(),
          from: z.string().nullable(),
          to: z.string(),
          reason: text,
          messageId: z.enum(REMEDY_IDS),
          data: z.record(z.string(), z.unknown()),
          findings: z.array(z.enum(CODES)).min(1),
        })
        .strict(),
    ),
    unmet: z.array(z.object({ finding: z.enum(CODES), need: NeedSchema, why: z.string() }).strict()),
  })
  .strict()
  // The plan's conf is exactly its changes.
  .refine(
    (p) => Object.keys(p.conf).length === p.changes.length && p.changes.every((c) => p.conf[c.key] === c.to),
    'conf lists the changes',
  )
  // Sizes are there exactly when a layout is: without one, no container, heap or cluster figure, and why.
  .refine(
    (p) =>
      (p.executor === null) === (p.noLayout !== null) &&
      (p.executor !== null || (p.driver === null && p.clusterMemoryBefore === null && p.clusterMemoryAfter === null)),
    'sizes only with a layout, and noLayout without one',
  );

const FindingSchema = z
  .object({
    code: z.enum(CODES),
    severity: z.enum(SEVERITIES),
    role: z.enum(ROLES),
    region: z.enum(REGIONS),
    confidence: z.enum(CONFIDENCES),
    // gc-pressure counts the executors over the threshold on their own: 0 when only the whole app is.
    occurrences: size,
    executors: ids,
    evidence: z.array(EvidenceSchema).min(1),
    needs: z.array(NeedSchema),
    remediation: z.array(RemediationSchema),
  })
  .strict();

const VerdictSchema = z
  .object({
    code: z.enum(CODES),
    role: z.enum(ROLES),
    region: z.enum(REGIONS),
    confidence: z.enum(CONFIDENCES),
    summary: z.string().min(1),
  })
  .strict();

const at = z.object({ file: z.string(), line: int.positive() }).strict();
const DerivedSourceSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('xmx'), at }).strict(),
  z.object({ kind: z.literal('flag'), at }).strict(),
  z.object({ kind: z.literal('pod-env'), pod: z.string().nullable() }).strict(),
  z.object({ kind: z.literal('pod-limit'), pod: z.string().nullable(), limit: z.string(), heap: z.string() }).strict(),
  z.object({ kind: z.literal('input'), path: z.string() }).strict(),
]);
const LearntSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('setting'), key: z.string(), value: z.string(), source: DerivedSourceSchema }).strict(),
  z.object({ kind: z.literal('pod-limit'), pod: z.string().nullable(), limit: z.string(), bytes: size }).strict(),
]);
const LayoutProblemSchema = z.discriminatedUnion('code', [
  z.object({ code: z.literal('heap-unknown') }).strict(),
  z
    .object({
      code: z.literal('config'),
      error: z.object({ code: z.string(), data: z.record(z.string(), z.unknown()) }).strict(),
    })
    .strict(),
]);
const ProblemSchema = z.discriminatedUnion('code', [
  z
    .object({ code: z.literal('joined'), sources: z.array(z.object({ path: z.string(), kind: z.enum(KINDS) }).strict()).min(2), text })
    .strict(),
  z.object({ code: z.literal('layout'), problem: LayoutProblemSchema, text }).strict(),
  z.object({ code: z.literal('learnt'), fact: LearntSchema, text }).strict(),
  z.object({ code: z.literal('learnt-capped'), kept: z.number().int(), more: z.number().int().positive(), text }).strict(),
  z.object({ code: z.literal('classifier-failed'), classifier: z.string(), detail: z.string(), text }).strict(),
  z
    .object({ code: z.literal('capped'), stages: size, executors: size, properties: size, learnt: size, signals: size, lines: size, text })
    .strict(),
  z.object({ code: z.literal('conf-typo'), key: z.string(), nearest: z.string(), text }).strict(),
  z.object({ code: z.literal('conf-unknown'), key: z.string(), text }).strict(),
  z
    .object({
      code: z.literal('conf-ignored'),
      key: z.string(),
      status: z.string(),
      sparkVersion: z.string().nullable(),
      manager: z.enum(MANAGERS),
      text,
    })
    .strict(),
]);

const applicationShape = {
  appId: z.string().nullable(),
  appName: z.string().nullable(),
  sparkVersion: z.string().nullable(),
  clusterManager: z.enum(MANAGERS),
  outcome: z.enum(OUTCOMES),
  memory: MemoryReportSchema.nullable(),
  verdict: VerdictSchema.nullable(),
  /** What failed, for a failed application with no memory cause (a finding whose region is 'none'). */
  failure: VerdictSchema.nullable(),
  plan: PlanSchema.nullable(),
  alternatives: z.array(PlanSchema),
  findings: z.array(FindingSchema),
  problems: z.array(ProblemSchema),
};
export const DiagnosisSchema = z.object(applicationShape).strict();

export const DiagnoseReportSchema = z
  .object({
    inputs: z.array(InputSchema),
    applications: z.array(DiagnosisSchema),
    exit: z.object({ code: z.union([z.literal(0), z.literal(1), z.literal(2)]), critical: size, unreadable: size }).strict(),
  })
  .strict();

// --- scan --------------------------------------------------------------------------------------------

const ScanAppRowSchema = z
  .object({
    ...applicationShape,
    path: z.string(),
    attempt: z.string().nullable(),
    user: z.string().nullable(),
    startTime: int.nullable(),
    endTime: int.nullable(),
    run: z
      .object({
        executorMs: size.nullable(),
        inputBytes: size.nullable(),
        python: z.boolean(),
        conf: z.record(z.string(), z.string()),
      })
      .strict(),
    // scan --for-html only: the diagnosis as the HTML renderer takes it, and its timeline (versioned).
    page: z
      .object({
        v: z.literal(1),
        index: size,
        diagnosis: z.record(z.string(), z.unknown()),
        timeline: z.record(z.string(), z.unknown()).nullable(),
      })
      .strict()
      .optional(),
    // A log read only in part (cut short, a corrupt part): what stopped the reading, as an error row says it.
    error: z.string().min(1).optional(),
    errors: z.array(InputErrorSchema).min(1).optional(),
  })
  .strict();
const ScanErrorRowSchema = z.object({ path: z.string(), error: z.string().min(1), errors: z.array(InputErrorSchema).min(1) }).strict();
export const ScanRowSchema = z.union([ScanAppRowSchema, ScanErrorRowSchema]);
export type ScanRow = z.infer<typeof ScanRowSchema>;
export type ScanAppRow = z.infer<typeof ScanAppRowSchema>;

// --- scan --by app-name / merge --by app-name ----------------------------------------------------------

const FleetRegionSchema = z.enum(['heap', 'unified', 'offHeap', 'overhead', 'pyspark', 'container']);
export const FleetGroupSchema = z
  .object({
    appName: z.string(),
    runs: int.positive(),
    failed: size,
    died: size,
    unfinished: size,
    sparkVersion: z.string().nullable(),
    clusterManager: z.string(),
    firstStart: int.nullable(),
    lastStart: int.nullable(),
    kept: size,
    regions: z.array(z.object({ region: FleetRegionSchema, size: size, runs: int.positive(), p50: size, p95: size, max: size }).strict()),
    plan: z
      .object({
        conf: z.record(z.string(), z.string()),
        changes: z
          .array(
            z.object({ key: z.string(), from: z.string().nullable(), to: z.string(), direction: z.enum(['up', 'down', 'set']) }).strict(),
          )
          .min(1),
        executorContainerBefore: size.nullable(),
        executorContainerAfter: size.nullable(),
        driverContainerBefore: size.nullable(),
        driverContainerAfter: size.nullable(),
        executorHours: z.number().nonnegative().nullable(),
        driverHours: z.number().nonnegative().nullable(),
        byteHours: int.nullable(),
      })
      .strict()
      .nullable(),
    grows: z
      .object({
        code: z.literal('memory-grows'),
        region: z.literal('heap'),
        runs: int.min(3),
        from: size,
        to: size,
        share: z.number(),
        input: z.object({ from: size, to: size, share: z.number() }).strict().nullable(),
      })
      .strict()
      .nullable(),
  })
  .strict();
export type FleetGroup = z.infer<typeof FleetGroupSchema>;

/** JSON text parsed and held to a schema (the only way tests read JSON: no `any`). */
export const parseJson = <T>(schema: z.ZodType<T>, json: string): T => schema.parse(JSON.parse(json) as unknown);
