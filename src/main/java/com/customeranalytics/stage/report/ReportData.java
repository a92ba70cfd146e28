package com.customeranalytics.stage.report;

import static com.customeranalytics.table.Columns.AS_OF_DATE;
import static com.customeranalytics.table.Columns.CLASS;
import static com.customeranalytics.table.Columns.CLASS_INDEX;
import static com.customeranalytics.table.Columns.CLUSTER;
import static com.customeranalytics.table.Columns.COHORT_MONTH;
import static com.customeranalytics.table.Columns.COUNTRY;
import static com.customeranalytics.table.Columns.CUSTOMER_ID;
import static com.customeranalytics.table.Columns.DIMENSION;
import static com.customeranalytics.table.Columns.FPR;
import static com.customeranalytics.table.Columns.FREQUENCY;
import static com.customeranalytics.table.Columns.FREQUENCY_CLUSTER;
import static com.customeranalytics.table.Columns.F_SCORE;
import static com.customeranalytics.table.Columns.K;
import static com.customeranalytics.table.Columns.LABEL_REVENUE;
import static com.customeranalytics.table.Columns.LTV_CLASS;
import static com.customeranalytics.table.Columns.METRIC;
import static com.customeranalytics.table.Columns.MODEL;
import static com.customeranalytics.table.Columns.MONETARY;
import static com.customeranalytics.table.Columns.MONETARY_CLUSTER;
import static com.customeranalytics.table.Columns.MONTH;
import static com.customeranalytics.table.Columns.MONTHS_SINCE_FIRST;
import static com.customeranalytics.table.Columns.M_SCORE;
import static com.customeranalytics.table.Columns.OVERALL_SCORE;
import static com.customeranalytics.table.Columns.RANK;
import static com.customeranalytics.table.Columns.RECENCY_CLUSTER;
import static com.customeranalytics.table.Columns.RECENCY_DAYS;
import static com.customeranalytics.table.Columns.RFM_SEGMENT;
import static com.customeranalytics.table.Columns.RUN_ID;
import static com.customeranalytics.table.Columns.R_SCORE;
import static com.customeranalytics.table.Columns.SEGMENT;
import static com.customeranalytics.table.Columns.SEGMENTATION;
import static com.customeranalytics.table.Columns.STARTED_AT;
import static com.customeranalytics.table.Columns.TPR;
import static com.customeranalytics.table.Columns.VARIANT;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.xxhash64;

import com.customeranalytics.concurrent.Parallel;
import com.customeranalytics.config.Settings.ReportSettings;
import com.customeranalytics.table.Columns;
import com.customeranalytics.table.TableStore;
import com.customeranalytics.table.Tables;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;

/**
 * What a report is made of, read once from the warehouse for one as-of date: the gold summary
 * tables (small: tens to a few thousand rows), a bounded customer sample and this run's job_runs
 * rows. A missing table is noted, not fatal: a user may have run only some stages.
 */
public final class ReportData {
  /** customer_sample.csv's stem. */
  public static final String CUSTOMER_SAMPLE = "customer_sample";
  /**
   * A summary table bigger than this is not a summary: keep the first rows and say so rather
   * than pull a customer-sized table onto the driver.
   */
  static final int MAX_EXTRACT_ROWS = 100_000;

  /** Summary tables extracted, each with its row order (stable CSVs, readable charts). */
  static final Map<String, String[]> SUMMARY_TABLES = new LinkedHashMap<>();

  static {
    SUMMARY_TABLES.put(Tables.KMEANS_K_SELECTION, new String[] {DIMENSION, K});
    SUMMARY_TABLES.put(Tables.RFM_CLUSTER_PROFILES, new String[] {DIMENSION, CLUSTER});
    SUMMARY_TABLES.put(Tables.SEGMENT_SUMMARY, new String[] {SEGMENTATION, SEGMENT});
    SUMMARY_TABLES.put(Tables.LTV_CLASS_BOUNDARIES, new String[] {CLASS_INDEX});
    SUMMARY_TABLES.put(Tables.LTV_MODEL_METRICS, new String[] {MODEL, VARIANT});
    SUMMARY_TABLES.put(Tables.LTV_ROC_POINTS, new String[] {MODEL, VARIANT, CLASS, FPR, TPR});
    SUMMARY_TABLES.put(Tables.NEXT_PURCHASE_METRICS, new String[] {MODEL, VARIANT});
    SUMMARY_TABLES.put(Tables.NEXT_PURCHASE_ROC_POINTS, new String[] {MODEL, VARIANT, CLASS, FPR, TPR});
    SUMMARY_TABLES.put(Tables.MONTHLY_METRICS, new String[] {MONTH});
    SUMMARY_TABLES.put(Tables.COHORT_RETENTION, new String[] {COHORT_MONTH, MONTHS_SINCE_FIRST});
    SUMMARY_TABLES.put(Tables.COUNTRY_ROLLUP, new String[] {COUNTRY, MONTH});
    SUMMARY_TABLES.put(Tables.INSIGHTS, new String[] {METRIC, RANK});
    SUMMARY_TABLES.put(Tables.CLV_MODEL_PARAMS, new String[] {Columns.FIT, MODEL, Columns.PARAMETER});
    SUMMARY_TABLES.put(Tables.CLV_HOLDOUT_METRICS, new String[] {Columns.TARGET, Columns.FREQUENCY_BUCKET});
  }

  /** clv_p_alive.csv: customers and expected value per tenth of P(alive) (from clv_predictions). */
  public static final String CLV_P_ALIVE = "clv_p_alive";
  /** clv_by_segment.csv: per named RFM segment, customers, mean CLV, expected value, mean P(alive). */
  public static final String CLV_BY_SEGMENT = "clv_by_segment";
  static final String BIN = "p_alive_bin";
  static final String MEAN_CLV = "mean_clv";
  static final String EXPECTED_VALUE = "expected_value";
  static final String MEAN_P_ALIVE = "mean_p_alive";

  /**
   * Tables a model stage writes only when it trains (and the k sweep, run on the same schedule):
   * the latest training's rows are reported.
   */
  static final java.util.Set<String> TRAINED = java.util.Set.of(Tables.LTV_CLASS_BOUNDARIES,
      Tables.LTV_MODEL_METRICS, Tables.LTV_ROC_POINTS, Tables.NEXT_PURCHASE_METRICS, Tables.NEXT_PURCHASE_ROC_POINTS,
      Tables.KMEANS_K_SELECTION, Tables.CLV_MODEL_PARAMS, Tables.CLV_HOLDOUT_METRICS);

  /** customer_sample.csv's columns from customer_segments, then from ltv_training_set. */
  static final String[] SAMPLE_SEGMENT_COLUMNS = {CUSTOMER_ID, RECENCY_DAYS, FREQUENCY, MONETARY,
      RECENCY_CLUSTER, FREQUENCY_CLUSTER, MONETARY_CLUSTER, OVERALL_SCORE, SEGMENT, R_SCORE, F_SCORE,
      M_SCORE, RFM_SEGMENT};
  static final String[] SAMPLE_LTV_COLUMNS = {LABEL_REVENUE, LTV_CLASS};
  private static final String SAMPLE_ORDER = "_sample_order";

  /** Why an extract is not in the bundle. */
  public static final class Missing {
    public final String file;
    public final String table;
    public final String reason;

    Missing(String file, String table, String reason) {
      this.file = file;
      this.table = table;
      this.reason = reason;
    }
  }

  private final LocalDate asOf;
  private final Map<String, Extract> extracts;
  private final List<Missing> missing;
  private final Optional<Extract> jobRuns;

  public ReportData(LocalDate asOf, Map<String, Extract> extracts, List<Missing> missing,
      Optional<Extract> jobRuns) {
    this.asOf = asOf;
    this.extracts = Collections.unmodifiableMap(new LinkedHashMap<>(extracts));
    this.missing = Collections.unmodifiableList(new ArrayList<>(missing));
    this.jobRuns = jobRuns;
  }

  public LocalDate asOf() { return asOf; }
  /** Present extracts by file stem (table name, or customer_sample), in bundle order. */
  public Map<String, Extract> extracts() { return extracts; }
  public List<Missing> missing() { return missing; }
  /**
   * The latest job_runs row of each stage for this date (or dateless: ingest, clean), in run
   * order, when job_runs exists.
   */
  public Optional<Extract> jobRuns() { return jobRuns; }

  public Optional<Extract> get(String name) {
    return Optional.ofNullable(extracts.get(name));
  }

  /** Reads of the report running side by side: each is a few small, mostly idle Spark jobs. */
  static final int READ_PARALLELISM = 4;

  /** What one read adds to the report, merged in a fixed order whatever finishes first. */
  private static final class Part {
    final Map<String, Extract> extracts = new LinkedHashMap<>();
    final List<Missing> missing = new ArrayList<>();
    Optional<Extract> jobRuns = Optional.empty();
  }

  /**
   * Reads everything the report needs for {@code asOf}. Each table costs a few small Spark jobs
   * (its Delta snapshot, then its rows) that mostly wait on the driver, so the reads run side by
   * side (15 tables one after another took ~9 s of the report's ~12 on the real file).
   */
  public static ReportData load(TableStore tables, LocalDate asOf, ReportSettings settings) {
    Column onDate = TableStore.asOfFilter(asOf);
    List<Callable<Part>> reads = new ArrayList<>();
    for (Map.Entry<String, String[]> t : SUMMARY_TABLES.entrySet()) {
      reads.add(() -> summary(tables, asOf, onDate, t.getKey(), t.getValue()));
    }
    reads.add(() -> {
      Part p = new Part();
      sample(tables, onDate, settings).ifPresentOrElse(s -> p.extracts.put(CUSTOMER_SAMPLE, s),
          () -> p.missing.add(new Missing(CUSTOMER_SAMPLE + ".csv", Tables.CUSTOMER_SEGMENTS,
              "no customer_segments rows as of " + asOf + ": run the segment stage")));
      if (p.extracts.containsKey(CUSTOMER_SAMPLE) && !tables.exists(Tables.LTV_TRAINING_SET)) {
        p.missing.add(new Missing(CUSTOMER_SAMPLE + ".csv", Tables.LTV_TRAINING_SET,
            "table not found: the sample's label_revenue and ltv_class are empty"));
      }
      return p;
    });
    reads.add(() -> {
      Part p = new Part();
      clv(tables, asOf, p.extracts, p.missing);
      return p;
    });
    reads.add(() -> {
      Part p = new Part();
      if (tables.exists(Tables.JOB_RUNS)) {
        // The latest run of each stage behind this date's tables, whichever pipeline run it was
        // in: the report is often run on its own after the other stages.
        Column forDate = col(AS_OF_DATE).isNull().or(onDate);
        Column latest = row_number().over(Window.partitionBy(col(Columns.STAGE)).orderBy(col(STARTED_AT).desc()));
        p.jobRuns = Optional.of(Extract.collect(Tables.JOB_RUNS, tables.read(Tables.JOB_RUNS)
            .filter(forDate.and(col(Columns.STAGE).notEqual(ReportStage.NAME)))
            .withColumn("_latest", latest).filter(col("_latest").equalTo(1)).orderBy(col(STARTED_AT))
            .select(cols(Columns.STAGE, Columns.STATUS, Columns.SECONDS, Columns.ROWS_IN, Columns.ROWS_OUT,
                RUN_ID))));
      }
      return p;
    });
    Map<String, Extract> extracts = new LinkedHashMap<>();
    List<Missing> missing = new ArrayList<>();
    Optional<Extract> runs = Optional.empty();
    for (Part p : Parallel.all(READ_PARALLELISM, reads, "report reads")) {
      extracts.putAll(p.extracts);
      missing.addAll(p.missing);
      runs = p.jobRuns.isPresent() ? p.jobRuns : runs;
    }
    return new ReportData(asOf, extracts, missing, runs);
  }

  /** One summary table's rows for the date (a trained table's: its latest training's). */
  private static Part summary(TableStore tables, LocalDate asOf, Column onDate, String table, String[] order) {
    Part p = new Part();
    if (!tables.exists(table)) {
      p.missing.add(new Missing(table + ".csv", table, "table not found: run the stage that writes it"));
      return p;
    }
    Column date = onDate;
    if (TRAINED.contains(table)) {
      // A night that scored with a saved model (models.retrain) has no figures of its own:
      // those of the training it scored with, the latest on or before the date, stand.
      Row trained = tables.read(table).filter(col(AS_OF_DATE).leq(lit(java.sql.Date.valueOf(asOf))))
          .agg(max(col(AS_OF_DATE))).head();
      if (!trained.isNullAt(0)) {
        date = col(AS_OF_DATE).equalTo(lit(trained.getDate(0)));
      }
    }
    Dataset<Row> rows = tables.read(table).filter(date).orderBy(cols(order)).limit(MAX_EXTRACT_ROWS + 1);
    Extract e = Extract.collect(table, rows);
    if (e.size() == 0) {
      p.missing.add(new Missing(table + ".csv", table, "no rows as of " + asOf));
    } else if (e.size() > MAX_EXTRACT_ROWS) {
      p.missing.add(new Missing(table + ".csv", table, "over " + MAX_EXTRACT_ROWS
          + " rows as of " + asOf + ": not a summary table, left out"));
    } else {
      p.extracts.put(table, e);
    }
    return p;
  }

  /**
   * The clv extracts: aggregates of the date's clv_predictions (per P(alive) tenth; per named RFM
   * segment, joined with customer_segments), computed by Spark; only their few rows reach here.
   */
  static void clv(TableStore tables, LocalDate asOf, Map<String, Extract> extracts, List<Missing> missing) {
    Dataset<Row> predictions = tables.exists(Tables.CLV_PREDICTIONS) ? tables.readAsOf(Tables.CLV_PREDICTIONS, asOf)
        : null;
    if (predictions == null || predictions.isEmpty()) {
      missing.add(new Missing(CLV_P_ALIVE + ".csv", Tables.CLV_PREDICTIONS, "no rows as of " + asOf + ": run the clv stage"));
      missing.add(new Missing(CLV_BY_SEGMENT + ".csv", Tables.CLV_PREDICTIONS, "no rows as of " + asOf + ": run the clv stage"));
      return;
    }
    Column bin = org.apache.spark.sql.functions.least(org.apache.spark.sql.functions.floor(
        col(Columns.P_ALIVE).multiply(10)), lit(9)).cast("int");
    extracts.put(CLV_P_ALIVE, Extract.collect(CLV_P_ALIVE, predictions.groupBy(bin.as(BIN))
        .agg(org.apache.spark.sql.functions.count(lit(1)).as(Columns.CUSTOMERS),
            org.apache.spark.sql.functions.sum(col(Columns.CLV)).as(EXPECTED_VALUE))
        .orderBy(BIN)));
    if (!tables.exists(Tables.CUSTOMER_SEGMENTS)) {
      missing.add(new Missing(CLV_BY_SEGMENT + ".csv", Tables.CUSTOMER_SEGMENTS, "table not found: run the segment stage"));
      return;
    }
    Dataset<Row> segments = tables.readAsOf(Tables.CUSTOMER_SEGMENTS, asOf).select(CUSTOMER_ID, RFM_SEGMENT);
    Extract bySegment = Extract.collect(CLV_BY_SEGMENT, predictions
        .join(segments, predictions.col(CUSTOMER_ID).equalTo(segments.col(CUSTOMER_ID)))
        .groupBy(col(RFM_SEGMENT))
        .agg(org.apache.spark.sql.functions.count(lit(1)).as(Columns.CUSTOMERS),
            org.apache.spark.sql.functions.avg(col(Columns.CLV)).as(MEAN_CLV),
            org.apache.spark.sql.functions.sum(col(Columns.CLV)).as(EXPECTED_VALUE),
            org.apache.spark.sql.functions.avg(col(Columns.P_ALIVE)).as(MEAN_P_ALIVE))
        .orderBy(col(EXPECTED_VALUE).desc_nulls_last(), col(RFM_SEGMENT)));
    if (bySegment.size() == 0) {
      missing.add(new Missing(CLV_BY_SEGMENT + ".csv", Tables.CUSTOMER_SEGMENTS, "no rows as of " + asOf));
    } else {
      extracts.put(CLV_BY_SEGMENT, bySegment);
    }
  }

  /**
   * Up to sample-rows customers of customer_segments for the date, ordered by a hash of
   * (customer id, seed): deterministic and spread over the whole table, unlike "the first N".
   * Only the limited rows reach the driver; the LTV label is joined onto those.
   */
  static Optional<Extract> sample(TableStore tables, Column onDate, ReportSettings settings) {
    if (!tables.exists(Tables.CUSTOMER_SEGMENTS)) {
      return Optional.empty();
    }
    Dataset<Row> picked = tables.read(Tables.CUSTOMER_SEGMENTS).filter(onDate)
        .withColumn(SAMPLE_ORDER, xxhash64(col(CUSTOMER_ID), lit(settings.seed)))
        .orderBy(col(SAMPLE_ORDER), col(CUSTOMER_ID))
        .limit(settings.sampleRows)
        .select(cols(concat(SAMPLE_SEGMENT_COLUMNS, SAMPLE_ORDER)));
    Dataset<Row> labelled;
    if (tables.exists(Tables.LTV_TRAINING_SET)) {
      Dataset<Row> ltv = tables.read(Tables.LTV_TRAINING_SET).filter(onDate)
          .select(cols(concat(SAMPLE_LTV_COLUMNS, CUSTOMER_ID)));
      labelled = picked.join(ltv, picked.col(CUSTOMER_ID).equalTo(ltv.col(CUSTOMER_ID)), "left")
          .drop(ltv.col(CUSTOMER_ID));
    } else {
      labelled = picked.withColumn(LABEL_REVENUE, lit(null).cast("double"))
          .withColumn(LTV_CLASS, lit(null).cast("string"));
    }
    Extract e = Extract.collect(CUSTOMER_SAMPLE, labelled.orderBy(col(SAMPLE_ORDER), col(CUSTOMER_ID))
        .select(cols(concat(SAMPLE_SEGMENT_COLUMNS, SAMPLE_LTV_COLUMNS))));
    return e.size() == 0 ? Optional.empty() : Optional.of(e);
  }

  private static String[] concat(String[] a, String... b) {
    String[] out = new String[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  private static Column[] cols(String... names) {
    Column[] out = new Column[names.length];
    for (int i = 0; i < names.length; i++) {
      out[i] = col(names[i]);
    }
    return out;
  }
}
