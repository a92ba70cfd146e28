package com.customeranalytics.testing;

import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Holds the one SparkSession of the test JVM (local[2], UI off, few partitions) for the test
 * classes that use it ({@code @ExtendWith(SparkExtension.class)}): built before the first such
 * class runs, kept in JUnit's root store, stopped when the whole run ends. A SparkSession
 * parameter of a test, constructor or lifecycle method gets it; static helpers reach it through
 * {@link SparkTest#spark()}. The folders a class made with {@link SparkTest#tempDir} are deleted
 * when the class ends.
 */
public final class SparkExtension implements BeforeAllCallback, AfterAllCallback, ParameterResolver {
  private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(SparkExtension.class);

  @Override
  public void beforeAll(ExtensionContext context) {
    session(context);
    context.getStore(NAMESPACE).put(MARK, SparkTest.madeSoFar());
  }

  @Override
  public void afterAll(ExtensionContext context) {
    Integer mark = context.getStore(NAMESPACE).get(MARK, Integer.class);
    if (mark != null) {
      SparkTest.deleteSince(mark);
    }
  }

  private static final String MARK = "tempDirMark";

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == SparkSession.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return session(context);
  }

  private static SparkSession session(ExtensionContext context) {
    return context.getRoot().getStore(NAMESPACE)
        .getOrComputeIfAbsent(Session.class, k -> new Session(), Session.class).spark;
  }

  /** The session as a store value: JUnit closes it when the root context (the run) closes. */
  private static final class Session implements AutoCloseable {
    final SparkSession spark = SparkSession.builder()
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
        .config("spark.sql.ansi.enabled", "false") // as reference.conf (Spark 4's default is true)
        .config("spark.sql.legacy.codingErrorAction", "true") // as reference.conf (for Spark 4)
        .config("spark.sql.codegen.cache.maxEntries", "2000") // as reference.conf
        .config(new java.util.HashMap<String, Object>(com.customeranalytics.job.SparkSessions.LOCAL_FILES)) // as local mode
        .config("spark.sql.warehouse.dir", SparkTest.tempDir("spark-warehouse").toString())
        .getOrCreate();

    Session() {
      spark.sparkContext().setLogLevel("WARN");
    }

    @Override
    public void close() {
      spark.stop();
    }
  }
}
