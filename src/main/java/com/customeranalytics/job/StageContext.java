package com.customeranalytics.job;

import com.customeranalytics.config.Settings;
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
  private final String input;

  public StageContext(SparkSession spark, Settings settings, String runId, String input) {
    this.spark = spark;
    this.settings = settings;
    this.tables = new TableStore(spark, settings.warehouse());
    this.runId = runId;
    this.startedAt = Instant.now();
    this.input = input;
  }

  public SparkSession spark() { return spark; }
  public Settings settings() { return settings; }
  public TableStore tables() { return tables; }
  public String runId() { return runId; }
  public Instant startedAt() { return startedAt; }
  /** Resolved raw input path (the generated sample when none is configured). */
  public String input() { return input; }
  /** The configured as-of date, if any; stages that need one default it from the data. */
  public Optional<LocalDate> asOfDate() { return settings.asOfDate(); }
}
