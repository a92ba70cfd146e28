package com.customeranalytics.stage.report;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * A report bundle directory, written through the Hadoop FileSystem API so a warehouse on s3a://
 * or gs:// works as a local one does.
 */
final class Bundle {
  /** The bundles' folder under the warehouse root. */
  static final String REPORTS = "reports";

  private final Path dir;
  private final Configuration conf;

  Bundle(String warehouseRoot, String asOf, Configuration conf) {
    this.dir = new Path(warehouseRoot + "/" + REPORTS + "/" + asOf);
    this.conf = conf;
  }

  String path() {
    return dir.toString();
  }

  /**
   * Replaces the bundle with {@code files} (name -> UTF-8 text): the old directory is deleted
   * first, so a re-run for the same date leaves exactly this run's files.
   */
  void replace(Map<String, String> files) {
    // A private instance (not the cache Spark shares) so turning off the local file system's
    // .crc side files touches only the bundle, which people open with plain tools.
    try (FileSystem fs = FileSystem.newInstance(dir.toUri(), conf)) {
      fs.setWriteChecksum(false);
      if (fs.exists(dir) && !fs.delete(dir, true)) {
        throw new IOException("could not delete the previous bundle");
      }
      fs.mkdirs(dir);
      for (Map.Entry<String, String> f : files.entrySet()) {
        try (OutputStream out = fs.create(new Path(dir, f.getKey()), true)) {
          out.write(f.getValue().getBytes(StandardCharsets.UTF_8));
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException("Cannot write the report bundle " + dir + ": " + e.getMessage(), e);
    }
  }
}
