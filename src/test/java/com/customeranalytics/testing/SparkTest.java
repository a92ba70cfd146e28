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

  /**
   * A new folder under the test JVM's own temporary root. {@link SparkExtension} deletes the
   * folders a test class made when the class ends, and the root goes when the JVM exits: the
   * suite writes many warehouses, and a CI machine's disk is not ours to fill.
   */
  public static Path tempDir(String prefix) {
    try {
      Path dir = Files.createTempDirectory(root(), prefix + "-");
      synchronized (made) {
        made.add(dir);
      }
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static final List<Path> made = new ArrayList<>();
  private static Path root;

  private static synchronized Path root() throws IOException {
    if (root == null) {
      Path r = Files.createTempDirectory("ca-tests-");
      Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(r)));
      root = r;
    }
    return root;
  }

  /** How many folders {@link #tempDir} has made so far: a mark for {@link #deleteSince}. */
  static int madeSoFar() {
    synchronized (made) {
      return made.size();
    }
  }

  /** Deletes the folders made since {@code mark}. */
  static void deleteSince(int mark) {
    List<Path> gone;
    synchronized (made) {
      gone = new ArrayList<>(made.subList(mark, made.size()));
    }
    gone.forEach(SparkTest::deleteTree);
  }

  /** Deletes a folder and all below it; best effort (a file still open stays until JVM exit). */
  public static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (java.util.stream.Stream<Path> all = Files.walk(dir)) {
      all.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | UncheckedIOException e) {
      // Best effort: the JVM's shutdown hook tries the root again.
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
