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
import static com.customeranalytics.table.Columns.RUN_ID;
import static com.customeranalytics.table.TransactionTables.ADJUSTMENT;
import static com.customeranalytics.table.TransactionTables.CANCELLATION;
import static com.customeranalytics.table.TransactionTables.DQ_SCHEMA;
import static com.customeranalytics.table.TransactionTables.CUMULATIVE;
import static com.customeranalytics.table.TransactionTables.DUPLICATE;
import static com.customeranalytics.table.TransactionTables.FIELDS;
import static com.customeranalytics.table.TransactionTables.FULL;
import static com.customeranalytics.table.TransactionTables.INCREMENTAL;
import static com.customeranalytics.table.TransactionTables.LINEAGE;
import static com.customeranalytics.table.TransactionTables.NON_POSITIVE_PRICE;
import static com.customeranalytics.table.TransactionTables.NON_POSITIVE_QUANTITY;
import static com.customeranalytics.table.TransactionTables.NON_PRODUCT;
import static com.customeranalytics.table.TransactionTables.TOTAL;
import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.not;
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
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * bronze -> silver: every input row lands in exactly one of silver_sales, silver_returns,
 * silver_excluded or silver_invalid, by DESIGN.md's rules in order (first match wins). Row
 * conservation is checked against what was actually committed, per run and cumulatively, and
 * reported in dq_report.
 *
 * <p>A run classifies only the ingest runs bronze received since the last complete clean (see
 * {@link CleanPlan}) and replaces exactly those runs' rows in the silver tables, so a rerun, or a
 * rerun after a crash between the writes, gives the same tables. The first clean, a full refresh,
 * or bronze rows replaced since (a reingested file) rebuild everything from all of bronze; both
 * paths give equal tables.
 */
public final class CleanStage implements Stage {
  private static final Logger LOG = LoggerFactory.getLogger(CleanStage.class);
  public static final String NAME = "clean";

  /** Which silver table a row goes to (internal column, holding the table's name). */
  static final String TARGET = "_target";
  /** Set on candidate sales equal to a line already in silver_sales (internal column). */
  private static final String SEEN = "_seen";
  private static final String PRIOR = "_prior_";
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
    return classify(bronze, s, null);
  }

  /**
   * As {@link #classify(Dataset, Settings)}, for a batch of new ingest runs: {@code priorSales}
   * are the silver_sales rows of the runs before them (null: {@code bronze} is all there is). A
   * new candidate sale equal to one of them is a duplicate, as it would be in a full rebuild,
   * where the earlier line is in the same window and first.
   */
  static Dataset<Row> classify(Dataset<Row> bronze, Settings s, Dataset<Row> priorSales) {
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

    // Rule 7: among candidate sales, a line equal in all eight fields to an earlier one (in the
    // order of ingestion: run, then source file, then file order) is a duplicate. Non-candidates
    // sit in their own window partitions, so they never make a sale a duplicate.
    Column[] keys = new Column[FIELDS.size() + 1];
    for (int i = 0; i < FIELDS.size(); i++) {
      keys[i] = col(FIELDS.get(i));
    }
    keys[FIELDS.size()] = col(REASON).isNull();
    Column firstSeen = row_number().over(Window.partitionBy(keys)
        .orderBy(col(INGESTED_AT), col(RUN_ID), col(SOURCE_FILE), col(SOURCE_ROW)));
    Column duplicate = col(REASON).isNull().and(firstSeen.gt(1));
    if (priorSales != null) {
      tagged = tagged.join(seenBefore(tagged.filter(col(REASON).isNull()), priorSales), sameLine(PRIOR), "left")
          .drop(priorNames());
      duplicate = duplicate.or(col(REASON).isNull().and(col(SEEN).isNotNull()));
    }
    Column finalReason = when(duplicate, lit(DUPLICATE)).otherwise(col(REASON));
    Column target = when(invalid, lit(INVALID))
        .when(col(REASON).equalTo(CANCELLATION), lit(RETURNS))
        .when(col(REASON).isNotNull(), lit(EXCLUDED))
        .otherwise(lit(SALES));
    Column lineRevenue = col(QUANTITY).multiply(col(UNIT_PRICE));
    Dataset<Row> out = tagged
        .withColumn(REASON, finalReason)
        .withColumn(TARGET, when(col(REASON).equalTo(DUPLICATE), lit(EXCLUDED)).otherwise(target))
        .withColumn(REVENUE, when(col(TARGET).equalTo(RETURNS), abs(lineRevenue).multiply(-1))
            .otherwise(lineRevenue))
        .withColumn(IS_GUEST, col(CUSTOMER_ID).isNull());
    return priorSales == null ? out : out.drop(SEEN);
  }

  /**
   * The distinct lines of {@code prior} equal to one of {@code candidates}, their fields renamed
   * with the {@code _prior_} prefix, flagged in {@code _seen}. Equality is null-safe, as the
   * duplicate rule's window is (a guest line has no customer id).
   */
  private static Dataset<Row> seenBefore(Dataset<Row> candidates, Dataset<Row> prior) {
    Column[] renamed = new Column[FIELDS.size()];
    for (int i = 0; i < FIELDS.size(); i++) {
      renamed[i] = col(FIELDS.get(i)).as(PRIOR + FIELDS.get(i));
    }
    return prior.select(renamed).join(candidates.select(FIELDS.stream().map(f -> col(f)).toArray(Column[]::new)),
        sameLine(PRIOR), "left_semi").distinct().withColumn(SEEN, lit(true));
  }

  /** All eight fields equal (null-safe) to their {@code prefix}ed copies. */
  private static Column sameLine(String prefix) {
    Column on = lit(true);
    for (String f : FIELDS) {
      on = on.and(col(f).eqNullSafe(col(prefix + f)));
    }
    return on;
  }

  private static String[] priorNames() {
    return FIELDS.stream().map(f -> PRIOR + f).toArray(String[]::new);
  }

  @Override
  public StageResult run(StageContext ctx) {
    TableStore tables = ctx.tables();
    long bronzeVersion = tables.version(Tables.BRONZE_TRANSACTIONS);
    Dataset<Row> bronze = tables.readVersion(Tables.BRONZE_TRANSACTIONS, bronzeVersion);
    String interrupted = tables.interruptedWrites(Tables.SILVER, Tables.DQ_REPORT);
    CleanPlan plan = CleanPlan.decide(tables, bronzeVersion, ctx.settings().fullRefresh());
    LOG.info("{} of bronze version {}: {}", plan.full ? "Full rebuild" : "Incremental clean", bronzeVersion,
        plan.reason);
    if (!interrupted.isEmpty()) {
      LOG.warn("The last clean did not finish: {} written after its {}. This clean writes those rows"
          + " again, which completes it.", interrupted, Tables.DQ_REPORT);
    }
    if (plan.nothingNew()) {
      Cumulative total = Cumulative.count(tables, bronze);
      writeReport(ctx, plan, List.of(), Map.of(), 0, 0, total);
      total.check();
      return new StageResult(0, 0, plan.reason + "; " + total.figures() + completed(interrupted));
    }
    Dataset<Row> batch = plan.full ? bronze : bronze.filter(col(RUN_ID).isin(plan.runs.toArray()));
    // Equal lines share their invoice time, so only the batch's months of silver_sales can hold
    // an earlier equal line.
    List<String> months = plan.full ? List.of() : batch.select(INVOICE_MONTH).distinct()
        .filter(col(INVOICE_MONTH).isNotNull()).as(Encoders.STRING()).collectAsList();
    Dataset<Row> prior = plan.full ? null : tables.read(Tables.SILVER_SALES)
        .filter(col(INVOICE_MONTH).isin(months.toArray()).and(not(col(RUN_ID).isin(plan.runs.toArray()))));
    // The duplicate rule shuffles whole lines; the cached result keeps that shuffle's partition
    // count and each partition writes a file per month to every silver table. So the shuffle is
    // sized to the input for this stage: few partitions for a small batch, enough for a big one.
    String shuffleKey = "spark.sql.shuffle.partitions";
    String sessionPartitions = ctx.spark().conf().get(shuffleKey);
    int cores = ctx.spark().sparkContext().defaultParallelism();
    ctx.spark().conf().set(shuffleKey, String.valueOf(partitionsFor(plan.full ? sizeOf(bronze) : plan.bytes, cores)));
    // Read once, written four times: keep the classified rows instead of re-reading bronze.
    Dataset<Row> classified = classify(batch, ctx.settings(), prior).persist(StorageLevel.MEMORY_AND_DISK());
    try {
      // Rows per table and reason (a small aggregate); this also fills the cache, which the four
      // writes below then read side by side (dq_report, the set's last write, after them).
      List<Row> counts = classified.groupBy(col(TARGET), col(REASON)).agg(count(lit(1)).as(ROWS))
          .orderBy(col(TARGET), col(REASON)).collectAsList();
      // Incremental: each table's rows of the batch's runs are replaced, so writing them again
      // (a rerun after a crash between these writes) gives the same table.
      String replaced = plan.full ? null : "(" + INVOICE_MONTH + " IS NULL"
          + (months.isEmpty() ? "" : " OR " + TableStore.sqlIn(INVOICE_MONTH, months)) + ") AND "
          + TableStore.sqlIn(RUN_ID, plan.runs);
      Map<String, Callable<Long>> writes = new LinkedHashMap<>();
      Map<String, Dataset<Row>> rows = new LinkedHashMap<>();
      rows.put(Tables.SILVER_SALES, select(classified, SALES, REVENUE, IS_GUEST));
      rows.put(Tables.SILVER_RETURNS, select(classified, RETURNS, REVENUE, IS_GUEST, REASON));
      rows.put(Tables.SILVER_EXCLUDED, select(classified, EXCLUDED, REVENUE, IS_GUEST, REASON));
      rows.put(Tables.SILVER_INVALID, select(classified, INVALID, REASON, DETAIL, RAW_RECORD));
      for (Map.Entry<String, Dataset<Row>> e : rows.entrySet()) {
        writes.put(e.getKey(), plan.full ? () -> tables.overwrite(e.getKey(), e.getValue(), INVOICE_MONTH)
            : () -> tables.replaceWhere(e.getKey(), replaced, e.getValue(), INVOICE_MONTH));
      }
      Map<String, Long> written = Parallel.each(writes);
      long input = counts.stream().mapToLong(r -> r.getLong(2)).sum();
      long output = written.values().stream().mapToLong(Long::longValue).sum();
      Cumulative total = Cumulative.count(tables, bronze);
      writeReport(ctx, plan, counts, written, input, output, total);
      String figures = checkConservation(input, written);
      LOG.info("Conservation holds: {}", figures);
      for (Row r : counts) {
        LOG.info(String.format("  %-15s %-28s %,10d", r.getString(0), r.isNullAt(1) ? "-" : r.getString(1),
            r.getLong(2)));
      }
      total.check();
      LOG.info("Cumulative conservation holds: {}", total.figures());
      checkInvalidShare(classified, ctx.settings().clean().maxInvalidShare);
      return new StageResult(input, output, (plan.full ? "full rebuild: " : "incremental: ") + figures
          + (plan.full ? "" : "; cumulative " + total.figures())
          + completed(interrupted));
    } finally {
      classified.unpersist();
      ctx.spark().conf().set(shuffleKey, sessionPartitions);
    }
  }

  private static String completed(String interrupted) {
    return interrupted.isEmpty() ? "" : "; completed the interrupted clean that wrote " + interrupted;
  }

  /** All of bronze against all of silver after a clean: the counts come from Delta's log. */
  static final class Cumulative {
    final long bronze;
    final Map<String, Long> silver;

    private Cumulative(long bronze, Map<String, Long> silver) {
      this.bronze = bronze;
      this.silver = silver;
    }

    static Cumulative count(TableStore tables, Dataset<Row> bronze) {
      // Side by side: each count is a few small jobs loading a table's Delta snapshot.
      Map<String, java.util.concurrent.Callable<Long>> counts = new LinkedHashMap<>();
      counts.put(Tables.BRONZE_TRANSACTIONS, bronze::count);
      for (String t : Tables.SILVER) {
        counts.put(t, () -> tables.count(t));
      }
      Map<String, Long> silver = new LinkedHashMap<>(Parallel.each(counts));
      long inBronze = silver.remove(Tables.BRONZE_TRANSACTIONS);
      return new Cumulative(inBronze, silver);
    }

    long output() {
      return silver.values().stream().mapToLong(Long::longValue).sum();
    }

    boolean holds() {
      return bronze == output();
    }

    String figures() {
      return String.format("bronze %,d %s silver %,d", bronze, holds() ? "=" : "!=", output());
    }

    void check() {
      if (!holds()) {
        throw new IllegalStateException("Cumulative row conservation failed: " + figures() + " (" + silver
            + "). Run clean with --full-refresh to classify all of bronze again.");
      }
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

  /** The input's size as Spark estimates it (Delta: its files' bytes). */
  static long sizeOf(Dataset<Row> input) {
    return input.queryExecution().optimizedPlan().stats().sizeInBytes().longValue();
  }

  /** One partition per 64 MB of (compressed) input, at least one per core. */
  static int partitionsFor(long bytes, int cores) {
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

  /**
   * Appends the run's dq_report rows: per table and reason the rows it classified, per table the
   * rows it wrote ({@code _total}) and the rows the table holds after it ({@code _cumulative}),
   * and the bronze version it classified up to, which the next clean starts from (null when
   * conservation failed: the next clean then rebuilds from all of bronze).
   */
  private static void writeReport(StageContext ctx, CleanPlan plan, List<Row> counts, Map<String, Long> written,
      long input, long output, Cumulative total) {
    Timestamp now = new Timestamp(System.currentTimeMillis());
    boolean ok = input == output && total.holds();
    Long version = ok ? plan.bronzeVersion : null;
    String mode = plan.full ? FULL : INCREMENTAL;
    List<Row> rows = new ArrayList<>();
    for (Row r : counts) {
      rows.add(RowFactory.create(ctx.runId(), now, r.getString(0),
          r.isNullAt(1) ? null : r.getString(1), r.getLong(2), input, output, ok, version, mode));
    }
    for (Map.Entry<String, Long> e : written.entrySet()) {
      rows.add(RowFactory.create(ctx.runId(), now, e.getKey(), TOTAL, e.getValue(), input, output, ok, version,
          mode));
    }
    for (Map.Entry<String, Long> e : total.silver.entrySet()) {
      rows.add(RowFactory.create(ctx.runId(), now, e.getKey(), CUMULATIVE, e.getValue(), total.bronze,
          total.output(), ok, version, mode));
    }
    ctx.tables().appendLog(Tables.DQ_REPORT, ctx.spark().createDataFrame(rows, DQ_SCHEMA).coalesce(1));
  }

}
