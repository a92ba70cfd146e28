package com.customeranalytics.stage.model;

import static com.customeranalytics.table.Columns.AS_OF_DATE;
import static com.customeranalytics.table.Columns.CUSTOMERS;
import static com.customeranalytics.table.Columns.INVOICE_MONTH;
import static com.customeranalytics.table.Columns.MODEL_ID;
import static com.customeranalytics.table.Columns.SCORING_INPUTS;
import static com.customeranalytics.table.Columns.TASK;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import com.customeranalytics.config.Settings;
import com.customeranalytics.table.ModelTables;
import com.customeranalytics.table.TableStore;
import com.customeranalytics.table.Tables;
import java.sql.Date;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;

/**
 * Between retrains most nights score exactly what an earlier night scored: the scoring window
 * ends with the month before the as-of date's, so every night of a month scores the same window,
 * and with the same saved model and the same silver lines the predictions are the same. Each
 * scoring records a digest of what it read (the model id, the window, the silver files of the
 * window's months, the settings the features depend on) in {@link Tables#MODEL_STATE_SCORING}; a
 * night whose digest equals an earlier scoring's, whose predictions still stand, copies them to
 * its own as-of date instead of computing the window's features and scoring again.
 */
final class ScoringReuse {
  private ScoringReuse() {}

  /**
   * The digest of a scoring: {@code modelId}, the window, the files of its sales and returns in
   * the window's months (Delta never rewrites a file in place, so a changed month has new file
   * names), and its settings digest (the settings the features depend on); empty when the files
   * cannot tell (deletion vectors on).
   */
  static Optional<String> inputs(TableStore tables, String modelId, ModelStageOutputs.ScoringWindow w) {
    LocalDate from = w.from;
    LocalDate to = w.to;
    // With deletion vectors (Databricks turns them on for new tables) a change can mark rows of
    // a file deleted and keep its name: file names no longer tell, so such silver always scores.
    for (String t : Tables.SALES_AND_RETURNS) {
      if (tables.property(t, "delta.enableDeletionVectors").map(Boolean::parseBoolean).orElse(false)) {
        return Optional.empty();
      }
    }
    StringBuilder b = new StringBuilder();
    b.append("model ").append(modelId).append('\n').append("window ").append(from).append("..").append(to)
        .append('\n').append("settings ").append(w.settingsDigest).append('\n');
    b.append("sales\n");
    windowFiles(w.sales.inputFiles(), from, to).forEach(f -> b.append(f).append('\n'));
    b.append("returns\n");
    windowFiles(w.returns.inputFiles(), from, to).forEach(f -> b.append(f).append('\n'));
    return Optional.of(Settings.sha256Hex(b.toString()));
  }

  /**
   * The files of {@code files} (a Delta table's data files, partitioned by invoice month) in the
   * months of [{@code from}, {@code to}], as month folder and file name, sorted: where the table
   * lies does not matter (a copied warehouse reuses too).
   */
  static List<String> windowFiles(String[] files, LocalDate from, LocalDate to) {
    List<String> months = new ArrayList<>();
    for (YearMonth m = YearMonth.from(from); !m.isAfter(YearMonth.from(to)); m = m.plusMonths(1)) {
      months.add(INVOICE_MONTH + "=" + m);
    }
    List<String> out = new ArrayList<>();
    for (String f : files) {
      String[] parts = f.split("/");
      if (parts.length >= 2 && months.contains(parts[parts.length - 2])) {
        out.add(parts[parts.length - 2] + "/" + parts[parts.length - 1]);
      }
    }
    out.sort(String::compareTo);
    return out;
  }

  /**
   * The latest as-of date scored with {@code inputs} whose predictions still stand (all of
   * them that scoring's rows: {@code modelId} on each, as many as it scored); empty if none.
   */
  static Optional<LocalDate> reusable(TableStore tables, ModelTables t, String modelId, String inputs) {
    if (!tables.exists(Tables.MODEL_STATE_SCORING) || !tables.exists(t.predictions)) {
      return Optional.empty();
    }
    List<Row> scored = tables.read(Tables.MODEL_STATE_SCORING)
        .filter(col(TASK).equalTo(t.task).and(col(MODEL_ID).equalTo(modelId)).and(col(SCORING_INPUTS).equalTo(inputs)))
        .orderBy(col(AS_OF_DATE).desc()).limit(1).collectAsList();
    if (scored.isEmpty()) {
      return Optional.empty();
    }
    LocalDate at = scored.get(0).<Date>getAs(AS_OF_DATE).toLocalDate();
    long customers = scored.get(0).<Long>getAs(CUSTOMERS);
    Row standing = tables.readAsOf(t.predictions, at)
        .agg(count(lit(1)), sum(when(col(MODEL_ID).equalTo(modelId), 1L).otherwise(0L))).head();
    boolean stands = standing.getLong(0) == customers && !standing.isNullAt(1) && standing.getLong(1) == customers;
    return stands ? Optional.of(at) : Optional.empty();
  }

  /** {@code from}'s predictions as {@code asOf}'s (nothing to write when they are the same date). */
  static long copy(TableStore tables, ModelTables t, LocalDate from, LocalDate asOf) {
    if (from.equals(asOf)) {
      return tables.readAsOf(t.predictions, asOf).count();
    }
    return tables.replaceAsOf(t.predictions, asOf,
        tables.readAsOf(t.predictions, from).withColumn(AS_OF_DATE, lit(Date.valueOf(asOf))));
  }

  /**
   * Records a scoring of {@code asOf}, after its predictions are committed: a run killed between
   * the two leaves the older record, whose digest no later night can match (new files have new
   * names), so that night scores again.
   */
  static void record(SparkSession spark, TableStore tables, ModelTables t, LocalDate asOf, String modelId,
      String inputs, long customers) {
    Dataset<Row> row = spark.createDataFrame(List.of(RowFactory.create(t.task, Date.valueOf(asOf), modelId,
        inputs, customers)), ModelTables.SCORING_STATE_SCHEMA).coalesce(1);
    tables.replaceWhere(Tables.MODEL_STATE_SCORING, TASK + " = " + TableStore.sqlString(t.task) + " AND "
        + TableStore.asOfPredicate(asOf), row);
  }
}
