package sparktriage.realspark.yarn;

import java.io.BufferedReader;
import java.io.File;
import java.io.FileOutputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.concurrent.TimeUnit;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.yarn.api.records.ApplicationId;
import org.apache.hadoop.yarn.api.records.ApplicationReport;
import org.apache.hadoop.yarn.api.records.LogAggregationStatus;
import org.apache.hadoop.yarn.api.records.YarnApplicationState;
import org.apache.hadoop.yarn.client.api.YarnClient;
import org.apache.hadoop.yarn.client.cli.ApplicationCLI;
import org.apache.hadoop.yarn.client.cli.LogsCLI;
import org.apache.hadoop.yarn.conf.YarnConfiguration;
import org.apache.hadoop.yarn.server.MiniYARNCluster;
import org.apache.hadoop.yarn.webapp.util.WebServiceClient;

/**
 * A real YARN on loopback: Hadoop's MiniYARNCluster (one ResourceManager, one NodeManager) with the
 * NodeManager's physical- and virtual-memory checks ON and log aggregation ON, kept running while
 * run.mjs submits Spark applications to it.
 *
 * <pre>
 * java -cp yarn-cluster.jar:lib/* sparktriage.realspark.yarn.YarnCluster WORKDIR VMEM_PMEM_RATIO
 * </pre>
 *
 * Protocol (one command per stdin line, one answer per stdout line):
 * <ul>
 *   <li>on start: {@code READY <hadoop conf dir>} — a yarn-site.xml for HADOOP_CONF_DIR;</li>
 *   <li>{@code logs <appId> <file>}: waits (bounded) for log aggregation, then writes what
 *       {@code yarn logs -applicationId <appId>} prints (Hadoop's LogsCLI) → {@code DONE <aggregation status> <rc>};</li>
 *   <li>{@code status <appId> <file>}: writes {@code yarn application -status <appId>} (ApplicationCLI) → {@code DONE <state> <rc>};</li>
 *   <li>{@code stop}: stops the cluster and exits. End of stdin does the same.</li>
 * </ul>
 */
public final class YarnCluster {
  private YarnCluster() {}

  /** How long the NodeManager may take to aggregate a finished application's logs (our choice: ample on 2 cores). */
  static final long AGGREGATION_WAIT_MS = 120_000;

  public static void main(String[] args) throws Exception {
    File work = new File(args[0]).getAbsoluteFile();
    float vmemRatio = Float.parseFloat(args[1]);
    work.mkdirs();

    YarnConfiguration conf = new YarnConfiguration();
    // As Spark's BaseYarnClusterSuite: no disk-full health check, and the capacity scheduler's queue
    // (hadoop-client-minicluster lacks capacity-scheduler.xml).
    conf.set("yarn.nodemanager.disk-health-checker.max-disk-utilization-per-disk-percentage", "100.0");
    conf.set("yarn.scheduler.capacity.root.queues", "default");
    conf.setInt("yarn.scheduler.capacity.root.default.capacity", 100);
    conf.setFloat("yarn.scheduler.capacity.root.default.user-limit-factor", 1);
    conf.setInt("yarn.scheduler.capacity.root.default.maximum-capacity", 100);
    conf.set("yarn.scheduler.capacity.root.default.state", "RUNNING");
    conf.set("yarn.scheduler.capacity.root.default.acl_submit_applications", "*");
    conf.set("yarn.scheduler.capacity.root.default.acl_administer_queue", "*");
    conf.setInt("yarn.scheduler.capacity.node-locality-delay", -1);
    // Loopback only: every daemon address derives from this name (MiniYARNCluster binds host:0).
    conf.set("yarn.resourcemanager.hostname", "localhost");
    conf.set("yarn.resourcemanager.bind-host", "127.0.0.1");
    conf.set("yarn.nodemanager.bind-host", "127.0.0.1");
    conf.set("yarn.timeline-service.bind-host", "127.0.0.1");
    conf.setBoolean("yarn.timeline-service.enabled", false);

    // The memory checks, ON. MiniYARNCluster turns them off unless told the caller controls them
    // (YarnConfiguration.YARN_MINICLUSTER_CONTROL_RESOURCE_MONITORING); the monitor reads /proc,
    // as Hadoop's own TestContainerManager-style tests configure it.
    conf.setBoolean(YarnConfiguration.YARN_MINICLUSTER_CONTROL_RESOURCE_MONITORING, true);
    conf.set(YarnConfiguration.NM_CONTAINER_MON_RESOURCE_CALCULATOR,
        "org.apache.hadoop.yarn.util.LinuxResourceCalculatorPlugin");
    conf.set(YarnConfiguration.NM_CONTAINER_MON_PROCESS_TREE,
        "org.apache.hadoop.yarn.util.ProcfsBasedProcessTree");
    conf.setBoolean(YarnConfiguration.NM_PMEM_CHECK_ENABLED, true);
    conf.setBoolean(YarnConfiguration.NM_VMEM_CHECK_ENABLED, true);
    conf.setFloat(YarnConfiguration.NM_VMEM_PMEM_RATIO, vmemRatio);
    // No cgroups here: the polling monitor enforces the limits, as on a NodeManager without cgroup
    // memory control. With yarn.nodemanager.resource.memory.enforced at its default (true)
    // ContainersMonitorImpl.checkLimit returns early, leaving enforcement to the cgroup OOM killer.
    conf.setBoolean(YarnConfiguration.NM_MEMORY_RESOURCE_ENFORCED, false);
    // A short monitoring period (default 3000 ms) so a growing process is caught within a second.
    conf.setLong("yarn.nodemanager.container-monitor.interval-ms", 1000);
    // Small containers: sizes round up to the minimum allocation (default 1024 MiB).
    conf.setInt(YarnConfiguration.RM_SCHEDULER_MINIMUM_ALLOCATION_MB, 128);
    conf.setInt(YarnConfiguration.RM_SCHEDULER_MAXIMUM_ALLOCATION_MB, 4096);
    conf.setInt(YarnConfiguration.YARN_MINICLUSTER_NM_PMEM_MB, 4096);
    conf.setInt(YarnConfiguration.NM_PMEM_MB, 4096);

    // Log aggregation ON, into a directory of this run (fs.defaultFS is the local file system).
    conf.setBoolean(YarnConfiguration.LOG_AGGREGATION_ENABLED, true);
    conf.set(YarnConfiguration.NM_REMOTE_APP_LOG_DIR, new File(work, "app-logs").toURI().toString());
    conf.setLong(YarnConfiguration.DEBUG_NM_DELETE_DELAY_SEC, 600);

    MiniYARNCluster cluster = new MiniYARNCluster("real-spark", 1, 1, 1);
    cluster.init(conf);
    cluster.start();

    Configuration live = cluster.getConfig();
    long t0 = System.nanoTime();
    // MiniYARNCluster may return before the RM's address is updated (see BaseYarnClusterSuite).
    while (live.get(YarnConfiguration.RM_ADDRESS).endsWith(":0")) {
      if (System.nanoTime() - t0 > TimeUnit.SECONDS.toNanos(30)) throw new IllegalStateException("RM did not start");
      Thread.sleep(100);
    }
    File confDir = new File(work, "hadoop-conf");
    confDir.mkdirs();
    try (OutputStream out = new FileOutputStream(new File(confDir, "yarn-site.xml"))) {
      live.writeXml(out);
    }
    YarnClient yarn = YarnClient.createYarnClient();
    yarn.init(new YarnConfiguration(live));
    yarn.start();

    System.out.println("READY " + confDir.getPath());
    System.out.flush();

    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    String line;
    while ((line = in.readLine()) != null) {
      String[] cmd = line.trim().split("\\s+");
      if (cmd.length == 0 || cmd[0].isEmpty()) continue;
      try {
        if (cmd[0].equals("stop")) break;
        if (cmd[0].equals("logs")) {
          ApplicationId id = ApplicationId.fromString(cmd[1]);
          String status = waitForAggregation(yarn, id);
          int rc = capture(new File(cmd[2]), () -> {
            // As LogsCLI.main does before run(): its REST client (used for running applications).
            WebServiceClient.initialize(live);
            LogsCLI cli = new LogsCLI();
            cli.setConf(new YarnConfiguration(live));
            return cli.run(new String[] {"-applicationId", cmd[1]});
          });
          System.out.println("DONE " + status + " " + rc);
        } else if (cmd[0].equals("status")) {
          ApplicationReport r = yarn.getApplicationReport(ApplicationId.fromString(cmd[1]));
          int rc = capture(new File(cmd[2]), () -> {
            ApplicationCLI cli = new ApplicationCLI();
            cli.setConf(new YarnConfiguration(live));
            cli.setSysOutPrintStream(System.out);
            cli.setSysErrPrintStream(System.err);
            return cli.run(new String[] {"application", "-status", cmd[1]});
          });
          System.out.println("DONE " + r.getYarnApplicationState() + " " + rc);
        } else {
          System.out.println("ERROR unknown command " + cmd[0]);
        }
      } catch (Exception e) {
        System.out.println("ERROR " + e.toString().replace('\n', ' '));
      }
      System.out.flush();
    }
    yarn.stop();
    cluster.stop();
    System.exit(0);
  }

  interface Body {
    int run() throws Exception;
  }

  /** Runs a Hadoop CLI with System.out going to `file`, as `yarn … > file` would. */
  static int capture(File file, Body body) throws Exception {
    PrintStream saved = System.out;
    try (PrintStream ps = new PrintStream(new FileOutputStream(file), true, StandardCharsets.UTF_8)) {
      System.setOut(ps);
      return body.run();
    } finally {
      System.setOut(saved);
    }
  }

  static String waitForAggregation(YarnClient yarn, ApplicationId id) throws Exception {
    long deadline = System.currentTimeMillis() + AGGREGATION_WAIT_MS;
    EnumSet<YarnApplicationState> done = EnumSet.of(YarnApplicationState.FINISHED, YarnApplicationState.FAILED, YarnApplicationState.KILLED);
    EnumSet<LogAggregationStatus> final_ = EnumSet.of(LogAggregationStatus.SUCCEEDED, LogAggregationStatus.FAILED,
        LogAggregationStatus.TIME_OUT, LogAggregationStatus.DISABLED);
    LogAggregationStatus status = null;
    while (System.currentTimeMillis() < deadline) {
      ApplicationReport r = yarn.getApplicationReport(id);
      status = r.getLogAggregationStatus();
      if (done.contains(r.getYarnApplicationState()) && status != null && final_.contains(status)) break;
      Thread.sleep(500);
    }
    return String.valueOf(status);
  }
}
