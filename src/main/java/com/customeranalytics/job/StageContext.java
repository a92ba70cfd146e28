package com.customeranalytics.job;

import com.customeranalytics.config.Settings;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.to_date;

import com.customeranalytics.table.Columns;
import com.customeranalytics.table.TableStore;
import com.customeranalytics.table.Tables;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Optional;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** What every stage gets: the session, settings, the warehouse and this run's identity. */
public final class StageContext {
  private final SparkSession spark;
  private final Settings settings;
  private final TableStore tables;
  private final String runId;
  private final Instant startedAt;
  private final String input;
  private LocalDate resolvedAsOf;

  public StageContext(SparkSession spark, Settings settings, String runId, String input) {
    this.spark = spark;
    this.settings = settings;
    this.tables = new TableStore(spark, settings.warehouse(), runId);
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
  /** The configured as-of date, or the one resolved by {@link #asOf()} so far. */
  public Optional<LocalDate> asOfDate() {
    return resolvedAsOf != null ? Optional.of(resolvedAsOf) : settings.asOfDate();
  }

  /**
   * The as-of date: the configured one, else the date of the latest sale in silver_sales
   * (resolved once per run, so every stage of a run uses the same date).
   */
  public synchronized LocalDate asOf() {
    if (resolvedAsOf == null) {
      resolvedAsOf = settings.asOfDate().orElseGet(this::latestSaleDate);
    }
    return resolvedAsOf;
  }

  private LocalDate latestSaleDate() {
    Row r = tables.read(Tables.SILVER_SALES).agg(max(to_date(col(Columns.INVOICE_TS)))).head();
    if (r.isNullAt(0)) {
      throw new InputException("No sales in " + Tables.SILVER_SALES + " to take an as-of date from;"
          + " pass --as-of YYYY-MM-DD");
    }
    return r.getDate(0).toLocalDate();
  }
}
