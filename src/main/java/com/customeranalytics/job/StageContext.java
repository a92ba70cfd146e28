package com.customeranalytics.job;

import com.customeranalytics.config.Settings;
import com.customeranalytics.table.CatalogRegistry;
import com.customeranalytics.table.TableStore;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Optional;
import org.apache.spark.sql.SparkSession;

/** What every stage gets: the session, settings, the warehouse and this run's identity. */
public final class StageContext {
  private final SparkSession spark;
  private final Settings settings;
  private final TableStore tables;
  private final String runId;
  private final Instant startedAt;
  private final RunInputs inputs;
  private final CatalogRegistry catalog;
  private LocalDate resolvedAsOf;

  public StageContext(SparkSession spark, Settings settings, String runId, RunInputs inputs) {
    this.spark = spark;
    this.settings = settings;
    this.tables = new TableStore(spark, settings.warehouse(), runId);
    this.runId = runId;
    this.startedAt = Instant.now();
    this.inputs = inputs;
    this.catalog = new CatalogRegistry(spark, tables, settings.catalog());
  }

  /** A run on a fixed input that configures its as-of date (or needs none). */
  public StageContext(SparkSession spark, Settings settings, String runId, String input) {
    this(spark, settings, runId, RunInputs.of(input));
  }

  public SparkSession spark() { return spark; }
  public Settings settings() { return settings; }
  public TableStore tables() { return tables; }
  /** Registers tables by name when catalog.database is set (a no-op otherwise). */
  public CatalogRegistry catalog() { return catalog; }
  public String runId() { return runId; }
  public Instant startedAt() { return startedAt; }
  /** The raw input path (see {@link RunInputs#input()}). */
  public String input() { return inputs.input(); }
  /** The configured as-of date, or the one resolved by {@link #asOf()} so far. */
  public Optional<LocalDate> asOfDate() {
    return resolvedAsOf != null ? Optional.of(resolvedAsOf) : settings.asOfDate();
  }

  /**
   * The as-of date: the configured one, else the run's default (resolved once per run, so every
   * stage of a run uses the same date).
   */
  public synchronized LocalDate asOf() {
    if (resolvedAsOf == null) {
      resolvedAsOf = settings.asOfDate().orElseGet(() -> inputs.defaultAsOf(tables));
    }
    return resolvedAsOf;
  }
}
