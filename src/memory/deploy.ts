/**
 * Client or cluster mode: where the driver runs decides whether it has a container of its own.
 * Decided, in order, by:
 *  1. an explicit choice (the --deploy-mode option);
 *  2. spark.kubernetes.submitInDriver=true: BasicDriverFeatureStep sets it in every cluster-mode driver pod,
 *     whose JVM is started by `spark-submit --deploy-mode client` (the image's entrypoint), so the log's
 *     spark.submit.deployMode says "client" there and must not be believed;
 *  3. the 1.x master URLs yarn-cluster / yarn-client (SparkSubmit, deprecated in 2.0);
 *  4. spark.mesos.driver.frameworkId: set by the Mesos dispatcher for the drivers it launches (cluster mode);
 *  5. spark.submit.deployMode (SparkSubmit writes it for every submission);
 *  6. for logs without it, the driver's main class (sun.java.command): org.apache.spark.deploy.yarn.ApplicationMaster
 *     runs the driver inside YARN (cluster mode), org.apache.spark.deploy.SparkSubmit runs it outside;
 *  7. spark.yarn.am.* settings (memory, cores, extraJavaOptions, memoryOverhead) only mean something in YARN
 *     client mode (Client.scala), so a log that sets them was most likely run in client mode;
 *  8. otherwise client, SparkSubmit's default.
 * Local mode has no deploy mode (null).
 */
import type { ClusterManager } from '../state/app.js';
import type { Deploy } from './rules.js';

type DeployReason =
  | 'option'
  | 'k8s-submit-in-driver'
  | 'master-url'
  | 'java-command'
  | 'mesos-dispatcher'
  | 'submit-deploy-mode'
  | 'yarn-am-settings'
  | 'default';

export interface DeployDecision {
  mode: Deploy | null;
  reason: DeployReason | 'local';
}

const AM_KEYS = ['spark.yarn.am.memory', 'spark.yarn.am.cores', 'spark.yarn.am.extraJavaOptions', 'spark.yarn.am.memoryOverhead'];

export function decideDeployMode(
  conf: Record<string, string>,
  cm: ClusterManager,
  javaCommand: string | null,
  explicit: Deploy | null | undefined,
): DeployDecision {
  if (cm === 'local') return { mode: null, reason: 'local' };
  if (explicit) return { mode: explicit, reason: 'option' };
  const get = (k: string): string => (conf[k] ?? '').trim().toLowerCase();
  if (cm === 'kubernetes' && get('spark.kubernetes.submitInDriver') === 'true') return { mode: 'cluster', reason: 'k8s-submit-in-driver' };
  const master = get('spark.master');
  if (master === 'yarn-cluster') return { mode: 'cluster', reason: 'master-url' };
  if (master === 'yarn-client') return { mode: 'client', reason: 'master-url' };
  if (cm === 'mesos' && (conf['spark.mesos.driver.frameworkId'] ?? '').trim() !== '')
    return { mode: 'cluster', reason: 'mesos-dispatcher' };
  const mode = get('spark.submit.deployMode');
  if (mode === 'cluster' || mode === 'client') return { mode, reason: 'submit-deploy-mode' };
  const cmd = (javaCommand ?? '').trim();
  if (cm === 'yarn' && cmd.startsWith('org.apache.spark.deploy.yarn.ApplicationMaster')) return { mode: 'cluster', reason: 'java-command' };
  if (cm === 'yarn' && cmd.startsWith('org.apache.spark.deploy.SparkSubmit')) return { mode: 'client', reason: 'java-command' };
  if (cm === 'yarn' && AM_KEYS.some((k) => (conf[k] ?? '').trim() !== '')) return { mode: 'client', reason: 'yarn-am-settings' };
  return { mode: 'client', reason: 'default' };
}
