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
