package com.customeranalytics.stage.clean;

import static com.customeranalytics.table.Columns.CUSTOMER_ID;
import static com.customeranalytics.table.Columns.DETAIL;
import static com.customeranalytics.table.Columns.INGESTED_AT;
import static com.customeranalytics.table.Columns.INVOICE_MONTH;
import static com.customeranalytics.table.Columns.INVOICE_NO;
import static com.customeranalytics.table.Columns.IS_GUEST;
import static com.customeranalytics.table.Columns.PARSE_ERROR;
import static com.customeranalytics.table.Columns.QUANTITY;
import static com.customeranalytics.table.Columns.RAW_RECORD;
import static com.customeranalytics.table.Columns.REASON;
import static com.customeranalytics.table.Columns.REVENUE;
import static com.customeranalytics.table.Columns.ROWS;
import static com.customeranalytics.table.Columns.SOURCE_FILE;
import static com.customeranalytics.table.Columns.SOURCE_ROW;
import static com.customeranalytics.table.Columns.STOCK_CODE;
import static com.customeranalytics.table.Columns.UNIT_PRICE;
import static com.customeranalytics.table.TransactionTables.ADJUSTMENT;
import static com.customeranalytics.table.TransactionTables.CANCELLATION;
import static com.customeranalytics.table.TransactionTables.DQ_SCHEMA;
import static com.customeranalytics.table.TransactionTables.DUPLICATE;
import static com.customeranalytics.table.TransactionTables.FIELDS;
import static com.customeranalytics.table.TransactionTables.LINEAGE;
import static com.customeranalytics.table.TransactionTables.NON_POSITIVE_PRICE;
import static com.customeranalytics.table.TransactionTables.NON_POSITIVE_QUANTITY;
import static com.customeranalytics.table.TransactionTables.NON_PRODUCT;
import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.split;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.upper;
import static org.apache.spark.sql.functions.when;

import com.customeranalytics.concurrent.Parallel;
import com.customeranalytics.config.Settings;
import com.customeranalytics.job.InputException;
import com.customeranalytics.job.Stage;
import com.customeranalytics.job.StageContext;
import com.customeranalytics.job.StageResult;
import com.customeranalytics.table.TableStore;
import com.customeranalytics.table.Tables;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * bronze -> silver: every input row lands in exactly one of silver_sales, silver_returns,
 * silver_excluded or silver_invalid, by DESIGN.md's rules in order (first match wins). Row
 * conservation is checked against what was actually committed, and reported in dq_report.
 * The silver tables are rebuilt from all of bronze each run, so re-running gives the same tables.
 */
public final class CleanStage implements Stage {
  private static final Logger LOG = LoggerFactory.getLogger(CleanStage.class);
  public static final String NAME = "clean";

  /** Which silver table a row goes to (internal column, holding the table's name). */
  static final String TARGET = "_target";
  static final String SALES = Tables.SILVER_SALES;
  static final String RETURNS = Tables.SILVER_RETURNS;
  static final String EXCLUDED = Tables.SILVER_EXCLUDED;
  static final String INVALID = Tables.SILVER_INVALID;

  @Override
  public String name() {
    return NAME;
  }

  /**
   * Tags each bronze row with its target table and reason. Pure: tests call it directly.
   * Result: bronze columns plus {@code _target}, {@code reason}, {@code revenue}, {@code is_guest}.
   */
  public static Dataset<Row> classify(Dataset<Row> bronze, Settings s) {
    Column invoice = upper(trim(col(INVOICE_NO)));
    Column code = upper(trim(col(STOCK_CODE)));
    Column invalid = col(PARSE_ERROR).isNotNull();
    Column isReturn = invoice.startsWith(s.clean().cancellationPrefix.toUpperCase(java.util.Locale.ROOT));
    Column adjustment = invoice.rlike("^[A-Z]");
    Column nonProduct = code.isin(s.clean().nonProductCodes.toArray());
    Column badQty = col(QUANTITY).leq(0);
    Column badPrice = col(UNIT_PRICE).leq(0);
    // Rules 1-6, first match wins; what is left is a candidate sale.
    Column reason = when(invalid, split(col(PARSE_ERROR), ";").getItem(0))
        .when(isReturn, lit(CANCELLATION))
        .when(adjustment, lit(ADJUSTMENT))
        .when(nonProduct, lit(NON_PRODUCT))
        .when(badQty, lit(NON_POSITIVE_QUANTITY))
        .when(badPrice, lit(NON_POSITIVE_PRICE));
    Dataset<Row> tagged = bronze.withColumn(REASON, reason);

    // Rule 7: among candidate sales, a line equal in all eight fields to an earlier one (by
    // source file, then file order) is a duplicate. Non-candidates sit in their own window
    // partitions, so they never make a sale a duplicate.
    Column[] keys = new Column[FIELDS.size() + 1];
    for (int i = 0; i < FIELDS.size(); i++) {
      keys[i] = col(FIELDS.get(i));
    }
    keys[FIELDS.size()] = col(REASON).isNull();
    Column firstSeen = row_number().over(Window.partitionBy(keys).orderBy(col(SOURCE_FILE), col(SOURCE_ROW)));
    Column finalReason = when(col(REASON).isNull().and(firstSeen.gt(1)), lit(DUPLICATE)).otherwise(col(REASON));
    Column target = when(invalid, lit(INVALID))
        .when(col(REASON).equalTo(CANCELLATION), lit(RETURNS))
        .when(col(REASON).isNotNull(), lit(EXCLUDED))
        .otherwise(lit(SALES));
    Column lineRevenue = col(QUANTITY).multiply(col(UNIT_PRICE));
    return tagged
        .withColumn(REASON, finalReason)
        .withColumn(TARGET, when(col(REASON).equalTo(DUPLICATE), lit(EXCLUDED)).otherwise(target))
        .withColumn(REVENUE, when(col(TARGET).equalTo(RETURNS), abs(lineRevenue).multiply(-1))
            .otherwise(lineRevenue))
        .withColumn(IS_GUEST, col(CUSTOMER_ID).isNull());
  }

  @Override
  public StageResult run(StageContext ctx) {
    TableStore tables = ctx.tables();
    Dataset<Row> bronze = tables.read(Tables.BRONZE_TRANSACTIONS);
    String interrupted = tables.interruptedWrites(Tables.SILVER, Tables.DQ_REPORT);
    if (!interrupted.isEmpty()) {
      LOG.warn("The last clean did not finish: {} rewritten after its {}. This clean rewrites every"
          + " silver table and {}, which completes it.", interrupted, Tables.DQ_REPORT, Tables.DQ_REPORT);
    }
    // The duplicate rule shuffles whole lines; the cached result keeps that shuffle's partition
    // count and each partition writes a file per month to every silver table. So the shuffle is
    // sized to the input for this stage: few partitions for a small file, enough for a big one.
    String shuffleKey = "spark.sql.shuffle.partitions";
    String sessionPartitions = ctx.spark().conf().get(shuffleKey);
    ctx.spark().conf().set(shuffleKey, String.valueOf(partitionsFor(bronze)));
    // Read once, written four times: keep the classified rows instead of re-reading bronze.
    Dataset<Row> classified = classify(bronze, ctx.settings()).persist(StorageLevel.MEMORY_AND_DISK());
    try {
      // Rows per table and reason (a small aggregate); this also fills the cache, which the four
      // writes below then read side by side (dq_report, the set's last write, after them).
      List<Row> counts = classified.groupBy(col(TARGET), col(REASON)).agg(count(lit(1)).as(ROWS))
          .orderBy(col(TARGET), col(REASON)).collectAsList();
      Map<String, Callable<Long>> writes = new LinkedHashMap<>();
      writes.put(Tables.SILVER_SALES, () -> tables.overwrite(Tables.SILVER_SALES,
          select(classified, SALES, REVENUE, IS_GUEST), INVOICE_MONTH));
      writes.put(Tables.SILVER_RETURNS, () -> tables.overwrite(Tables.SILVER_RETURNS,
          select(classified, RETURNS, REVENUE, IS_GUEST, REASON), INVOICE_MONTH));
      writes.put(Tables.SILVER_EXCLUDED, () -> tables.overwrite(Tables.SILVER_EXCLUDED,
          select(classified, EXCLUDED, REVENUE, IS_GUEST, REASON), INVOICE_MONTH));
      writes.put(Tables.SILVER_INVALID, () -> tables.overwrite(Tables.SILVER_INVALID,
          select(classified, INVALID, REASON, DETAIL, RAW_RECORD), INVOICE_MONTH));
      Map<String, Long> written = Parallel.each(writes);
      long input = counts.stream().mapToLong(r -> r.getLong(2)).sum();
      long output = written.values().stream().mapToLong(Long::longValue).sum();
      writeReport(ctx, counts, written, input, output, input == output);
      String figures = checkConservation(input, written);
      LOG.info("Conservation holds: {}", figures);
      for (Row r : counts) {
        LOG.info(String.format("  %-15s %-28s %,10d", r.getString(0), r.isNullAt(1) ? "-" : r.getString(1),
            r.getLong(2)));
      }
      checkInvalidShare(classified, ctx.settings().clean().maxInvalidShare);
      return new StageResult(input, output, figures + (interrupted.isEmpty() ? ""
          : "; completed the interrupted clean that wrote " + interrupted));
    } finally {
      classified.unpersist();
      ctx.spark().conf().set(shuffleKey, sessionPartitions);
    }
  }

  /**
   * Fails (the silver tables are already written: no row is lost) when more than
   * {@code maxShare} of the newest ingest's rows are invalid, naming the top reasons and an example
   * line: a wrong delimiter, header mapping or encoding yields a run with nothing useful in it.
   */
  static void checkInvalidShare(Dataset<Row> classified, double maxShare) {
    Row newest = classified.agg(max(col(INGESTED_AT))).head();
    if (newest.isNullAt(0)) {
      return;
    }
    Dataset<Row> batch = classified.filter(col(INGESTED_AT).equalTo(lit(newest.getTimestamp(0))));
    List<Row> reasons = batch.groupBy(col(TARGET).equalTo(INVALID).as("invalid"), col(REASON))
        .agg(count(lit(1)).as(ROWS)).orderBy(col(ROWS).desc(), col(REASON)).collectAsList();
    long total = reasons.stream().mapToLong(r -> r.getLong(2)).sum();
    long invalid = reasons.stream().filter(r -> r.getBoolean(0)).mapToLong(r -> r.getLong(2)).sum();
    if (total == 0 || (double) invalid / total <= maxShare) {
      return;
    }
    List<String> top = new ArrayList<>();
    for (Row r : reasons) {
      if (r.getBoolean(0) && top.size() < 3) {
        top.add(String.format("%s %,d", r.getString(1), r.getLong(2)));
      }
    }
    Row example = batch.filter(col(TARGET).equalTo(INVALID)).select(col(SOURCE_FILE), col(RAW_RECORD))
        .orderBy(col(SOURCE_FILE), col(SOURCE_ROW)).head();
    throw new InputException(String.format("%,d of the newest ingest's %,d rows (%.1f%%) are invalid, above"
        + " clean.max-invalid-share = %s: %s. Example from %s: %s. The rows are kept in %s; check"
        + " ingest.csv.delimiter, ingest.columns and ingest.timestamp-formats for that input, or raise"
        + " clean.max-invalid-share.", invalid, total, 100.0 * invalid / total, maxShare,
        String.join(", ", top), example.getString(0), example.isNullAt(1) ? "(no raw text)" : example.getString(1),
        Tables.SILVER_INVALID));
  }

  /** Bytes of input per partition of the classified rows. */
  static final long BYTES_PER_PARTITION = 64L << 20;

  /** One partition per 64 MB of (compressed) input, at least one per core. */
  static int partitionsFor(Dataset<Row> input) {
    long bytes = input.queryExecution().optimizedPlan().stats().sizeInBytes().longValue();
    int cores = input.sparkSession().sparkContext().defaultParallelism();
    return (int) Math.max(cores, Math.min(10_000, (bytes + BYTES_PER_PARTITION - 1) / BYTES_PER_PARTITION));
  }

  /**
   * Input rows must equal the rows committed to the four silver tables. Returns the figures;
   * throws naming all four when they do not add up.
   */
  static String checkConservation(long input, Map<String, Long> written) {
    long output = written.values().stream().mapToLong(Long::longValue).sum();
    String figures = String.format("input %,d %s sales %,d + returns %,d + excluded %,d + invalid %,d",
        input, input == output ? "=" : "!=", written.get(Tables.SILVER_SALES),
        written.get(Tables.SILVER_RETURNS), written.get(Tables.SILVER_EXCLUDED),
        written.get(Tables.SILVER_INVALID));
    if (input != output) {
      throw new IllegalStateException(String.format("Row conservation failed: %s (= %,d, %+,d rows)",
          figures, output, output - input));
    }
    return figures;
  }

  /** One silver table's rows: the transaction columns, the extras asked for, lineage. */
  private static Dataset<Row> select(Dataset<Row> classified, String target, String... extra) {
    List<Column> cols = new ArrayList<>();
    for (String f : FIELDS) {
      cols.add(col(f));
    }
    cols.add(col(INVOICE_MONTH));
    for (String e : extra) {
      cols.add(e.equals(DETAIL) ? col(PARSE_ERROR).as(DETAIL) : col(e));
    }
    for (String l : LINEAGE) {
      cols.add(col(l));
    }
    return classified.filter(col(TARGET).equalTo(target)).select(cols.toArray(new Column[0]));
  }

  private static void writeReport(StageContext ctx, List<Row> counts, Map<String, Long> written,
      long input, long output, boolean ok) {
    Timestamp now = new Timestamp(System.currentTimeMillis());
    List<Row> rows = new ArrayList<>();
    for (Row r : counts) {
      rows.add(RowFactory.create(ctx.runId(), now, r.getString(0),
          r.isNullAt(1) ? null : r.getString(1), r.getLong(2), input, output, ok));
    }
    for (Map.Entry<String, Long> e : written.entrySet()) {
      rows.add(RowFactory.create(ctx.runId(), now, e.getKey(), "_total", e.getValue(), input, output, ok));
    }
    ctx.tables().appendLog(Tables.DQ_REPORT, ctx.spark().createDataFrame(rows, DQ_SCHEMA).coalesce(1));
  }
}
