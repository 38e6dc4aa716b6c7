// Compresses a plain event log exactly as Spark's CompressionCodec implementations do
// (core/src/main/scala/org/apache/spark/io/CompressionCodec.scala, Spark 3.x), with the real Java
// libraries Spark ships, flushing mid-stream as the event logger does. See generate.sh.
import com.github.luben.zstd.ZstdOutputStream;
import com.ning.compress.lzf.LZFOutputStream;
import net.jpountz.lz4.LZ4BlockOutputStream;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.xxhash.XXHashFactory;
import org.xerial.snappy.SnappyOutputStream;

import java.io.*;
import java.nio.file.*;
import java.util.List;
import java.util.zip.GZIPOutputStream;

public class SparkCodecs {
  interface Wrap { OutputStream wrap(OutputStream s) throws IOException; }

  static final int BLOCK = 32 * 1024; // spark.io.compression.{lz4,snappy}.blockSize default "32k"
  static final int SEED = 0x9747b28c;  // LZ4CompressionCodec.defaultSeed

  // LZ4CompressionCodec: fastCompressor, streaming XXH32 checksum, syncFlush = false.
  static OutputStream lz4(OutputStream s, boolean syncFlush) {
    return new LZ4BlockOutputStream(s, BLOCK, LZ4Factory.fastestInstance().fastCompressor(),
        XXHashFactory.fastestInstance().newStreamingHash32(SEED).asChecksum(), syncFlush);
  }

  /** Writes lines, flushing every `every` lines as EventLoggingListener does after flushed events. */
  static void write(Path out, List<String> lines, int every, Wrap w) throws IOException {
    try (OutputStream file = new BufferedOutputStream(Files.newOutputStream(out));
         OutputStream s = w.wrap(file)) {
      int n = 0;
      for (String line : lines) {
        s.write((line + "\n").getBytes("UTF-8"));
        if (++n % every == 0) s.flush();
      }
    }
  }

  public static void main(String[] args) throws Exception {
    Path src = Paths.get(args[0]);
    Path dir = Paths.get(args[1]);
    List<String> lines = Files.readAllLines(src);
    int half = lines.size() / 2;
    write(dir.resolve("lz4"), lines, 7, s -> lz4(s, false));
    write(dir.resolve("lz4-syncflush"), lines, 7, s -> lz4(s, true));
    // Two complete streams back to back: Spark reads with stopOnEmptyBlock(false).
    try (OutputStream file = new BufferedOutputStream(Files.newOutputStream(dir.resolve("lz4-concatenated")))) {
      for (List<String> part : List.of(lines.subList(0, half), lines.subList(half, lines.size()))) {
        OutputStream s = lz4(new FilterOutputStream(file) { public void close() throws IOException { flush(); } }, false);
        for (String line : part) s.write((line + "\n").getBytes("UTF-8"));
        s.close();
      }
    }
    // SnappyCompressionCodec: new SnappyOutputStream(s, blockSize).
    write(dir.resolve("snappy"), lines, 7, s -> new SnappyOutputStream(s, BLOCK));
    // LZFCompressionCodec: new LZFOutputStream(s).setFinishBlockOnFlush(true).
    write(dir.resolve("lzf"), lines, 7, s -> new LZFOutputStream(s).setFinishBlockOnFlush(true));
    // ZStdCompressionCodec: zstd-jni ZstdOutputStream, level 1 (spark.io.compression.zstd.level default).
    write(dir.resolve("zstd"), lines, 7, s -> new ZstdOutputStream(s, 1));
    try (OutputStream file = new BufferedOutputStream(Files.newOutputStream(dir.resolve("zstd-multiframe")))) {
      for (List<String> part : List.of(lines.subList(0, half), lines.subList(half, lines.size()))) {
        OutputStream s = new ZstdOutputStream(new FilterOutputStream(file) { public void close() throws IOException { flush(); } }, 1);
        for (String line : part) s.write((line + "\n").getBytes("UTF-8"));
        s.close();
      }
    }
    // 1 MiB - 100 bytes, a flush, then 50 KiB: decoded with a 128 KiB or 1 MiB output buffer, the
    // last block's input is all consumed while its bytes do not fit; a decoder must keep draining.
    byte[] all = Files.readAllBytes(src);
    byte[] tail = new byte[(1 << 20) - 100 + 50 * 1024];
    for (int i = 0; i < tail.length; i++) tail[i] = all[i % all.length];
    try (OutputStream file = new BufferedOutputStream(Files.newOutputStream(dir.resolve("zstd-tail")));
         OutputStream s = new ZstdOutputStream(file, 1)) {
      s.write(tail, 0, (1 << 20) - 100);
      s.flush();
      s.write(tail, (1 << 20) - 100, 50 * 1024);
    }
    write(dir.resolve("gzip"), lines, 7, s -> new GZIPOutputStream(s, true));
  }
}
