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

/** Test helpers: settings, temporary folders, the real data file, and the extension's session. */
public final class SparkTest {
  private SparkTest() {}

  /**
   * The session {@link SparkExtension} holds, for static helpers; fails in a class without
   * {@code @ExtendWith(SparkExtension.class)}.
   */
  public static SparkSession spark() {
    scala.Option<SparkSession> session = SparkSession.getDefaultSession();
    if (session.isEmpty()) {
      throw new IllegalStateException("No SparkSession: annotate the test class with"
          + " @ExtendWith(SparkExtension.class)");
    }
    return session.get();
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

  /** The CDNOW sample (../shared/data/cdnow_sample.csv from the repo root). */
  public static Path cdnowFile() {
    Path p = Paths.get(System.getProperty("ca.repo.root", ".")).resolve("../shared/data/cdnow_sample.csv").normalize();
    if (!Files.isRegularFile(p)) {
      throw new IllegalStateException("CDNOW sample not found: " + p);
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
