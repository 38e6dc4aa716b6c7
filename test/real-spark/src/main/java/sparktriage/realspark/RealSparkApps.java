package sparktriage.realspark;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;

import scala.Tuple2;

/**
 * Small applications that fail (or not) for real, one per case, run through spark-submit's own
 * launcher by run.mjs. Every size here is small on purpose: executors get a few hundred MiB of heap
 * and the data is sized to overflow exactly that, so a run takes seconds and its event log stays
 * small. The failure comes from Spark and the JVM, never from this code throwing on purpose.
 *
 * Usage: RealSparkApps <case> (see the switch below; run.mjs holds the matching configuration).
 */
public final class RealSparkApps {
  private RealSparkApps() {}

  /** Objects the "background thread" case keeps reachable so its allocations cannot be collected. */
  static final List<Object> RETAINED = new ArrayList<>();

  public static void main(String[] args) throws Exception {
    if (args.length < 1) {
      System.err.println("usage: RealSparkApps <case>");
      System.exit(2);
    }
    String name = args[0];
    SparkSession spark = SparkSession.builder().appName("real-spark " + name).getOrCreate();
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    switch (name) {
      case "heap-oom":
        hotKeyGroupByKey(jsc, 4, 1_500, 100_000);
        break;
      case "exit-137-onoom":
        sortPartitionInMemory(jsc, 4, 6_000, 100_000);
        break;
      case "healthy":
        manyKeysGroupByKey(jsc, 4, 1_500, 100_000);
        break;
      case "gc-overhead":
        userMapGrows(jsc);
        break;
      case "jvm-oom-exit":
        backgroundThreadFillsHeap(jsc);
        break;
      case "execution-memory":
        sortHugeRows(spark);
        break;
      case "max-result-size":
        collectLargeResults(jsc, 4, 600 * 1024);
        break;
      case "driver-oom-killed":
        collectLargeResults(jsc, 48, 16 * 1024 * 1024);
        break;
      case "broadcast-oom":
        broadcastLargeTable(spark);
        break;
      case "kryo-buffer-overflow":
        kryoEncodedRecords(spark, 4, 2 * 1024 * 1024);
        break;
      case "executor-killed-recovers":
        killOneExecutorMidJob(jsc);
        break;
      case "offheap-grows":
        nativeMemoryGrows(jsc, Long.parseLong(args[1]), Boolean.parseBoolean(args[2]));
        break;
      default:
        System.err.println("unknown case: " + name);
        System.exit(2);
    }
    spark.stop();
  }

  /**
   * One key holds every value: groupByKey must hold that key's whole group in one task's heap
   * (ExternalAppendOnlyMap spills, but a single key's CompactBuffer cannot be split).
   */
  static void hotKeyGroupByKey(JavaSparkContext jsc, int partitions, int perPartition, int valueChars) {
    JavaPairRDD<String, String> pairs = jsc.parallelize(range(partitions), partitions)
        .flatMapToPair(p -> IntStream.range(0, perPartition)
            .mapToObj(i -> new Tuple2<>("hot", value(p * perPartition + i, valueChars))).iterator());
    List<Tuple2<String, Integer>> sizes = pairs.groupByKey(2).mapValues(RealSparkApps::count).collect();
    System.out.println("groups: " + sizes.size());
  }

  /** The same shape as hotKeyGroupByKey, with the values spread over many keys: it fits. */
  static void manyKeysGroupByKey(JavaSparkContext jsc, int partitions, int perPartition, int valueChars) {
    JavaPairRDD<String, String> pairs = jsc.parallelize(range(partitions), partitions)
        .flatMapToPair(p -> IntStream.range(0, perPartition)
            .mapToObj(i -> new Tuple2<>("k" + (i % 1_000), value(p * perPartition + i, valueChars))).iterator());
    List<Tuple2<String, Integer>> sizes = pairs.groupByKey(8).mapValues(RealSparkApps::count).collect();
    System.out.println("groups: " + sizes.size());
  }

  /**
   * Each task reads its partition's records (6,000 strings of 100 KB, 600 MB) into a list to sort
   * them in memory, as user code often does: they do not fit a 512 MiB heap.
   */
  static void sortPartitionInMemory(JavaSparkContext jsc, int partitions, int perPartition, int valueChars) {
    long n = jsc.parallelize(range(partitions), partitions)
        .flatMap(p -> IntStream.range(0, perPartition).mapToObj(i -> value(p * perPartition + i, valueChars)).iterator())
        .mapPartitions(it -> {
          List<String> all = new ArrayList<>();
          it.forEachRemaining(all::add);
          all.sort(null);
          return List.of(all.size()).iterator();
        }).count();
    System.out.println("count: " + n);
  }

  /** A task builds a lookup map of small objects that keeps growing (Parallel GC: GC overhead limit). */
  static void userMapGrows(JavaSparkContext jsc) {
    long n = jsc.parallelize(range(1), 1).mapPartitions(it -> {
      Map<Long, String> seen = new HashMap<>();
      for (long i = 0; ; i++) {
        seen.put(i, Long.toString(i));
        if (i == Long.MAX_VALUE) break;
      }
      return List.of(seen.size()).iterator();
    }).count();
    System.out.println("count: " + n);
  }

  /**
   * A task hands work to a thread of its own (as client libraries do); that thread fills the heap.
   * Its OutOfMemoryError reaches the executor's default uncaught-exception handler, not the task.
   */
  static void backgroundThreadFillsHeap(JavaSparkContext jsc) {
    long n = jsc.parallelize(range(2), 2).mapPartitions(it -> {
      Thread loader = new Thread(() -> {
        while (true) {
          synchronized (RETAINED) {
            RETAINED.add(new byte[4 * 1024 * 1024]);
          }
        }
      }, "cache-loader");
      loader.start();
      loader.join();
      return List.of(1).iterator();
    }).count();
    System.out.println("count: " + n);
  }

  /** A sort whose rows are each larger than a task's share of a tiny execution memory pool. */
  static void sortHugeRows(SparkSession spark) {
    Dataset<Row> rows = spark.range(0, 16, 1, 4)
        .selectExpr("id", "repeat(cast(id % 10 as string), 4000000) as payload");
    long n = rows.sort(functions.col("payload").desc()).selectExpr("length(payload)").collectAsList().size();
    System.out.println("sorted: " + n);
  }

  /** Every task returns one byte array of the given size to the driver. */
  static void collectLargeResults(JavaSparkContext jsc, int tasks, int bytesPerTask) {
    List<byte[]> out = jsc.parallelize(range(tasks), tasks).map(i -> {
      byte[] b = new byte[bytesPerTask];
      new java.util.Random(i).nextBytes(b);
      return b;
    }).collect();
    System.out.println("collected: " + out.size());
  }

  /** A record type stored in a Dataset through Encoders.kryo (a binary column of Kryo bytes). */
  public static final class Blob implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
    public byte[] data;

    public Blob() {}

    public Blob(byte[] data) {
      this.data = data;
    }
  }

  /**
   * A typed Dataset whose records (2 MB each) are encoded with Encoders.kryo: each record is
   * serialized by KryoSerializerInstance.serialize into one buffer bounded by
   * spark.kryoserializer.buffer.max (task results, since 3.4, stream and never overflow).
   */
  static void kryoEncodedRecords(SparkSession spark, int records, int bytes) {
    Dataset<Blob> blobs = spark.range(0, records, 1, 2).map((MapFunction<Long, Blob>) i -> {
      byte[] b = new byte[bytes];
      new java.util.Random(i).nextBytes(b);
      return new Blob(b);
    }, Encoders.kryo(Blob.class));
    System.out.println("records: " + blobs.collectAsList().size());
  }

  /** A join whose broadcast side (forced by a hint) is far larger than the driver's heap. */
  static void broadcastLargeTable(SparkSession spark) {
    Dataset<Row> big = spark.range(0, 1_200_000, 1, 4).selectExpr("id",
        "sha2(cast(id as string), 512) as a", "sha2(cast(id + 1 as string), 512) as b",
        "sha2(cast(id + 2 as string), 512) as c");
    Dataset<Row> small = spark.range(0, 1000, 1, 2).toDF("id");
    // Every column is used, so none is pruned from the broadcast side.
    Row r = small.join(functions.broadcast(big), "id")
        .agg(functions.max("a"), functions.max("b"), functions.max("c")).first();
    System.out.println("joined: " + r);
  }

  /** A job of slow tasks during which one executor JVM is killed with SIGKILL from outside it. */
  static void killOneExecutorMidJob(JavaSparkContext jsc) throws Exception {
    String appId = jsc.sc().applicationId();
    Thread killer = new Thread(() -> {
      try {
        for (int tries = 0; tries < 600; tries++) {
          Thread.sleep(100);
          if (jsc.sc().statusTracker().getActiveJobIds().length == 0) continue;
          Thread.sleep(3000);
          Optional<ProcessHandle> executor = ProcessHandle.allProcesses()
              .filter(ph -> ph.info().commandLine().map(c -> c.contains("CoarseGrainedExecutorBackend") && c.contains(appId)).orElse(false))
              .findFirst();
          if (executor.isPresent()) {
            System.out.println("killing executor process " + executor.get().pid() + " with SIGKILL");
            executor.get().destroyForcibly();
            return;
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "executor-killer");
    killer.setDaemon(true);
    killer.start();
    long n = jsc.parallelize(range(24), 12).map(i -> {
      Thread.sleep(1500);
      return i;
    }).count();
    System.out.println("count: " + n);
  }

  /**
   * A task allocates native memory (outside the heap, as a native library or direct buffers would),
   * in steps, touching it when `touch` so it is resident; it never frees it. Bounded by `maxBytes`.
   */
  static void nativeMemoryGrows(JavaSparkContext jsc, long maxBytes, boolean touch) {
    long n = jsc.parallelize(range(1), 1).map(i -> {
      sun.misc.Unsafe unsafe = unsafe();
      long step = 32L * 1024 * 1024;
      long total = 0;
      while (total < maxBytes) {
        long addr = unsafe.allocateMemory(step);
        if (touch) unsafe.setMemory(addr, step, (byte) 1);
        total += step;
        Thread.sleep(touch ? 150 : 20);
      }
      Thread.sleep(30_000);
      return total;
    }).count();
    System.out.println("count: " + n);
  }

  static sun.misc.Unsafe unsafe() throws ReflectiveOperationException {
    Field f = sun.misc.Unsafe.class.getDeclaredField("theUnsafe");
    f.setAccessible(true);
    return (sun.misc.Unsafe) f.get(null);
  }

  static List<Integer> range(int n) {
    return IntStream.range(0, n).boxed().collect(Collectors.toList());
  }

  static String value(long i, int chars) {
    char[] c = new char[chars];
    Arrays.fill(c, (char) ('a' + (i % 26)));
    String s = Long.toString(i);
    s.getChars(0, s.length(), c, 0);
    return new String(c);
  }

  static int count(Iterable<?> it) {
    int n = 0;
    Iterator<?> i = it.iterator();
    while (i.hasNext()) {
      i.next();
      n++;
    }
    return n;
  }
}
