package sparktriage.realspark;

import java.io.File;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.ServiceLoader;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.SparkConf;
import org.apache.spark.deploy.history.EventLogFileReader;
import org.apache.spark.deploy.history.EventLogFileReader$;
import org.apache.spark.scheduler.ReplayListenerBus;
import org.apache.spark.scheduler.ReplayListenerBus$;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.status.AppHistoryServerPlugin;
import org.apache.spark.status.AppStatusListener;
import org.apache.spark.status.ElementTrackingStore;
import org.apache.spark.util.kvstore.InMemoryStore;

import scala.Option;
import scala.collection.Iterator;

/**
 * Times what Spark's History Server does when a user opens an application: FsHistoryProvider
 * .rebuildAppStore — an AppStatusListener (not live) and every AppHistoryServerPlugin's listeners
 * (the SQL tab's among them) over an in-memory store, fed by ReplayListenerBus from each file of
 * the event log (EventLogFileReader: single files, rolling directories, every codec).
 *
 * <pre>
 * java -cp apps.jar:jars/* sparktriage.realspark.ReplayBench [--runs N] PATH…
 * </pre>
 *
 * One JSON line per path on stdout: {"path","bytes","files","runsMs":[…],"firstMs","medianMs",
 * "jobs","stages","tasks","completed"}. The first run includes class loading and JIT warm-up, as a
 * History Server's first replay does; later runs are warm.
 */
public final class ReplayBench {
  private ReplayBench() {}

  public static void main(String[] args) throws Exception {
    int runs = 3;
    List<String> paths = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--runs")) runs = Integer.parseInt(args[++i]);
      else paths.add(args[i]);
    }
    if (paths.isEmpty()) {
      System.err.println("usage: ReplayBench [--runs N] PATH…");
      System.exit(2);
    }
    FileSystem fs = FileSystem.getLocal(new Configuration()).getRawFileSystem();
    for (String p : paths) {
      Path path = new Path(new File(p).getAbsoluteFile().toURI());
      Option<EventLogFileReader> maybe = EventLogFileReader$.MODULE$.apply(fs, fs.getFileStatus(path));
      if (maybe.isEmpty()) {
        System.out.println("{\"path\":" + json(p) + ",\"error\":\"not an event log Spark recognises\"}");
        continue;
      }
      EventLogFileReader reader = maybe.get();
      List<FileStatus> files = new ArrayList<>();
      Iterator<FileStatus> it = reader.listEventLogFiles().iterator();
      while (it.hasNext()) files.add(it.next());
      long bytes = files.stream().mapToLong(FileStatus::getLen).sum();
      long[] ms = new long[runs];
      long[] counts = null;
      for (int r = 0; r < runs; r++) {
        long t0 = System.nanoTime();
        counts = replay(fs, files, !reader.completed());
        ms[r] = (System.nanoTime() - t0) / 1_000_000;
      }
      long[] sorted = ms.clone();
      Arrays.sort(sorted);
      StringBuilder sb = new StringBuilder();
      sb.append("{\"path\":").append(json(p)).append(",\"bytes\":").append(bytes).append(",\"files\":").append(files.size())
          .append(",\"runsMs\":").append(Arrays.toString(ms).replace(" ", "")).append(",\"firstMs\":").append(ms[0])
          .append(",\"medianMs\":").append(sorted[runs / 2]).append(",\"jobs\":").append(counts[0]).append(",\"stages\":").append(counts[1])
          .append(",\"tasks\":").append(counts[2]).append(",\"completed\":").append(reader.completed()).append('}');
      System.out.println(sb);
    }
  }

  /** FsHistoryProvider.rebuildAppStore + parseAppEventLogs, into a fresh in-memory store. Returns jobs, stages, tasks. */
  static long[] replay(FileSystem fs, List<FileStatus> files, boolean maybeTruncated) throws Exception {
    SparkConf conf = new SparkConf(false).set("spark.appStateStore.asyncTracking.enable", "false");
    InMemoryStore store = new InMemoryStore();
    ElementTrackingStore tracking = new ElementTrackingStore(store, conf);
    ReplayListenerBus bus = new ReplayListenerBus();
    bus.addListener(new AppStatusListener(tracking, conf, false, Option.empty(), Option.empty()));
    for (AppHistoryServerPlugin plugin : ServiceLoader.load(AppHistoryServerPlugin.class)) {
      Iterator<SparkListener> ls = plugin.createListeners(conf, tracking).iterator();
      while (ls.hasNext()) bus.addListener(ls.next());
    }
    boolean go = true;
    for (FileStatus f : files) {
      if (!go) break;
      try (InputStream in = EventLogFileReader$.MODULE$.openEventLog(f.getPath(), fs)) {
        go = bus.replay(in, f.getPath().toString(), maybeTruncated, ReplayListenerBus$.MODULE$.SELECT_ALL_FILTER());
      }
    }
    long[] counts = {
      store.count(org.apache.spark.status.JobDataWrapper.class),
      store.count(org.apache.spark.status.StageDataWrapper.class),
      store.count(org.apache.spark.status.TaskDataWrapper.class),
    };
    tracking.close(false);
    return counts;
  }

  static String json(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      if (c == '"' || c == '\\') b.append('\\').append(c);
      else if (c < 0x20) b.append(String.format("\\u%04x", (int) c));
      else b.append(c);
    }
    return b.append('"').toString();
  }
}
