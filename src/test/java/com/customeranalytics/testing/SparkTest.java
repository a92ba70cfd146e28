package com.customeranalytics.testing;

import com.customeranalytics.config.Settings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/**
 * One SparkSession for the whole test JVM (local[2], UI off, few partitions), shared by every
 * test class; Spark stops it in its own shutdown hook.
 */
public final class SparkTest {
  private static SparkSession session;

  private SparkTest() {}

  public static synchronized SparkSession spark() {
    if (session == null) {
      session = SparkSession.builder()
          .master("local[2]")
          .appName("customer-analytics-tests")
          .config("spark.driver.host", "127.0.0.1")
          .config("spark.driver.bindAddress", "127.0.0.1")
          .config("spark.ui.enabled", "false")
          .config("spark.ui.showConsoleProgress", "false")
          .config("spark.sql.shuffle.partitions", "2")
          .config("spark.default.parallelism", "2")
          .config("spark.databricks.delta.snapshotPartitions", "1")
          .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
          .config("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog")
          .config("spark.sql.session.timeZone", "UTC")
          .config("spark.sql.legacy.timeParserPolicy", "CORRECTED") // as reference.conf
          .config("spark.sql.warehouse.dir", tempDir("spark-warehouse").toString())
          .getOrCreate();
      session.sparkContext().setLogLevel("WARN");
    }
    return session;
  }

  /** Settings from reference.conf plus {@code key=value} overrides. */
  public static Settings settings(String... sets) {
    return Settings.load(null, Map.of(), Arrays.asList(sets));
  }

  /** Settings for a warehouse and input, plus more overrides. */
  public static Settings settings(Path warehouse, String input, String... sets) {
    List<String> all = new ArrayList<>(Arrays.asList(sets));
    all.add("warehouse=" + warehouse);
    if (input != null) {
      all.add("input=" + input);
    }
    return Settings.load(null, Map.of(), all);
  }

  public static Path tempDir(String prefix) {
    try {
      return Files.createTempDirectory("ca-" + prefix + "-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The real UCI file (../shared/data/online_retail.csv.gz from the repo root). */
  public static Path realFile() {
    String root = System.getProperty("ca.repo.root", ".");
    Path p = Paths.get(root).resolve("../shared/data/online_retail.csv.gz").normalize();
    if (!Files.isRegularFile(p)) {
      throw new IllegalStateException("Real data file not found: " + p);
    }
    return p;
  }

  public static Path write(Path dir, String name, String content) {
    try {
      Path f = dir.resolve(name);
      Files.createDirectories(f.getParent());
      Files.write(f, content.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      return f;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
