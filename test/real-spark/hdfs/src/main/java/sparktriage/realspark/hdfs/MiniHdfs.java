package sparktriage.realspark.hdfs;

import java.io.File;
import java.net.InetSocketAddress;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.hdfs.HdfsConfiguration;
import org.apache.hadoop.hdfs.MiniDFSCluster;

/**
 * A MiniDFSCluster (one NameNode, one DataNode) with WebHDFS on loopback, holding a copy of a local
 * directory, for the remote-source tests.
 *
 * <pre>java -cp mini-hdfs.jar:lib/* sparktriage.realspark.hdfs.MiniHdfs WORK_DIR LOCAL_DIR HDFS_DIR [PRIVATE_FILE]</pre>
 *
 * Copies LOCAL_DIR to HDFS_DIR; PRIVATE_FILE (optional) is copied to /private/ with mode 0700 on the
 * directory, owned by the user running this (the superuser), so another user is refused. Prints
 * "WEBHDFS host:port" when ready, and shuts the cluster down when standard input closes.
 */
public final class MiniHdfs {
  public static void main(String[] args) throws Exception {
    Configuration conf = new HdfsConfiguration();
    conf.set("dfs.namenode.http-address", "127.0.0.1:0");
    conf.setBoolean("dfs.webhdfs.enabled", true);
    conf.setBoolean("dfs.permissions.enabled", true);
    MiniDFSCluster cluster = new MiniDFSCluster.Builder(conf, new File(args[0])).numDataNodes(1).build();
    try {
      cluster.waitActive();
      FileSystem fs = cluster.getFileSystem();
      fs.copyFromLocalFile(false, true, new Path(new File(args[1]).getAbsolutePath()), new Path(args[2]));
      if (args.length > 3) {
        Path dir = new Path("/private");
        fs.mkdirs(dir);
        fs.copyFromLocalFile(false, true, new Path(new File(args[3]).getAbsolutePath()), dir);
        fs.setPermission(dir, new FsPermission((short) 0700));
      }
      InetSocketAddress http = cluster.getNameNode().getHttpAddress();
      System.out.println("WEBHDFS 127.0.0.1:" + http.getPort());
      System.out.flush();
      while (System.in.read() >= 0) {
        // until our parent closes standard input (or dies)
      }
    } finally {
      cluster.shutdown();
    }
  }
}
