package com.customeranalytics.job;

import com.customeranalytics.config.Settings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/** Builds the job's SparkSession from settings; spark-submit's own flags win over the config. */
public final class SparkSessions {
  private SparkSessions() {}

  /**
   * In local mode, the "file:" file system without Hadoop's shell-outs (see
   * {@link com.customeranalytics.table.local.NoForkRawLocalFileSystem}): 1,579 processes forked per
   * real-file run before, 7 now. Not set on a cluster, whose executors may not see the app's
   * classes when Hadoop loads a file system.
   */
  public static final Map<String, String> LOCAL_FILES = Map.of(
      "spark.hadoop.fs.file.impl", com.customeranalytics.table.local.NoForkLocalFileSystem.class.getName(),
      "spark.hadoop.fs.AbstractFileSystem.file.impl", com.customeranalytics.table.local.NoForkLocalFs.class.getName());

  public static SparkSession create(Settings settings) {
    SparkConf submitted = new SparkConf(); // holds what spark-submit passed (--master, --conf)
    SparkSession.Builder b = SparkSession.builder().appName("customer-analytics");
    Map<String, String> conf = new TreeMap<>(settings.spark());
    if (settings.catalog().enabled()) {
      conf.putAll(settings.catalog().spark);
    }
    for (Map.Entry<String, String> e : conf.entrySet()) {
      if (!submitted.contains(e.getKey())) {
        b.config(e.getKey(), e.getValue());
      }
    }
    if (!submitted.contains("spark.master") && !settings.spark().containsKey("spark.master")) {
      b.master("local[*]");
    }
    String master = submitted.contains("spark.master") ? submitted.get("spark.master")
        : settings.spark().getOrDefault("spark.master", "local[*]");
    if (master.startsWith("local")) {
      LOCAL_FILES.forEach((k, v) -> {
        if (!submitted.contains(k) && !conf.containsKey(k)) {
          b.config(k, v);
        }
      });
    }
    if (settings.catalog().enabled() && settings.catalog().metastore == Settings.Metastore.LOCAL) {
      embeddedMetastore(b, settings.catalog().metastoreDir);
    }
    return b.getOrCreate();
  }

  /**
   * Spark's Hive support over an embedded Derby metastore in {@code dir}: what a laptop has
   * instead of Glue or a Hive metastore service. One JVM at a time can open it (Derby's lock).
   */
  private static void embeddedMetastore(SparkSession.Builder b, String dir) {
    try {
      Class.forName("org.apache.spark.sql.hive.HiveSessionStateBuilder");
    } catch (ClassNotFoundException e) {
      throw new InputException("catalog.metastore = local needs Spark's Hive support (spark-hive) on the"
          + " classpath, and this Spark has none: use a Spark build with Hive, or catalog.metastore = session");
    }
    Path home = Paths.get(dir.startsWith("file:") ? java.net.URI.create(dir).getPath() : dir).toAbsolutePath();
    try {
      Files.createDirectories(home);
    } catch (java.io.IOException e) {
      throw new InputException("Cannot create the metastore folder " + home + " (catalog.metastore-dir): " + e.getMessage(), e);
    }
    System.setProperty("derby.system.home", home.toString()); // derby.log there, not in the working directory
    b.config("spark.sql.catalogImplementation", "hive")
        .config("spark.hadoop.javax.jdo.option.ConnectionURL",
            "jdbc:derby:;databaseName=" + home.resolve("metastore_db") + ";create=true")
        .config("spark.sql.warehouse.dir", home.resolve("databases").toUri().toString());
  }
}
