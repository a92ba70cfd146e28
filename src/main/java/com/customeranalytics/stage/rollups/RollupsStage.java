package com.customeranalytics.stage.rollups;

import static com.customeranalytics.table.Columns.ACTIVE_CUSTOMERS;
import static com.customeranalytics.table.Columns.AS_OF_DATE;
import static com.customeranalytics.table.Columns.AVG_ORDER_VALUE;
import static com.customeranalytics.table.Columns.COHORT_CUSTOMERS;
import static com.customeranalytics.table.Columns.COHORT_MONTH;
import static com.customeranalytics.table.Columns.COMPLETE_MONTH;
import static com.customeranalytics.table.Columns.COUNTRY;
import static com.customeranalytics.table.Columns.CUSTOMERS;
import static com.customeranalytics.table.Columns.CUSTOMER_ID;
import static com.customeranalytics.table.Columns.CUSTOMER_SHARE;
import static com.customeranalytics.table.Columns.EXISTING_CUSTOMERS;
import static com.customeranalytics.table.Columns.EXISTING_CUSTOMER_REVENUE;
import static com.customeranalytics.table.Columns.FREQUENCY;
import static com.customeranalytics.table.Columns.F_SCORE;
import static com.customeranalytics.table.Columns.GUEST_REVENUE;
import static com.customeranalytics.table.Columns.INVOICE_MONTH;
import static com.customeranalytics.table.Columns.INVOICE_NO;
import static com.customeranalytics.table.Columns.MEAN_FREQUENCY;
import static com.customeranalytics.table.Columns.MEAN_F_SCORE;
import static com.customeranalytics.table.Columns.MEAN_MONETARY;
import static com.customeranalytics.table.Columns.MEAN_M_SCORE;
import static com.customeranalytics.table.Columns.MEAN_RECENCY_DAYS;
import static com.customeranalytics.table.Columns.MEAN_R_SCORE;
import static com.customeranalytics.table.Columns.MONETARY;
import static com.customeranalytics.table.Columns.MONTH;
import static com.customeranalytics.table.Columns.MONTHS_SINCE_FIRST;
import static com.customeranalytics.table.Columns.M_SCORE;
import static com.customeranalytics.table.Columns.NEW_CUSTOMERS;
import static com.customeranalytics.table.Columns.NEW_CUSTOMER_RATIO;
import static com.customeranalytics.table.Columns.NEW_CUSTOMER_REVENUE;
import static com.customeranalytics.table.Columns.ORDERS;
import static com.customeranalytics.table.Columns.RECENCY_DAYS;
import static com.customeranalytics.table.Columns.RETAINED_CUSTOMERS;
import static com.customeranalytics.table.Columns.RETENTION_RATE;
import static com.customeranalytics.table.Columns.RETURNS_VALUE;
import static com.customeranalytics.table.Columns.RETURN_RATE;
import static com.customeranalytics.table.Columns.REVENUE;
import static com.customeranalytics.table.Columns.REVENUE_GROWTH;
import static com.customeranalytics.table.Columns.REVENUE_MICROS;
import static com.customeranalytics.table.Columns.REVENUE_SHARE;
import static com.customeranalytics.table.Columns.RFM_SEGMENT;
import static com.customeranalytics.table.Columns.R_SCORE;
import static com.customeranalytics.table.Columns.SEGMENT;
import static com.customeranalytics.table.Columns.SEGMENTATION;
import static com.customeranalytics.table.Columns.SHARE_OF_COHORT;
import static com.customeranalytics.table.Columns.UNITS;
import static com.customeranalytics.table.RollupTables.ALL_MONTHS;
import static org.apache.spark.sql.functions.add_months;
import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.date_format;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.last_day;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.months_between;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.sequence;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.when;

import com.customeranalytics.concurrent.Parallel;
import com.customeranalytics.config.Settings;
import com.customeranalytics.features.Money;
import com.customeranalytics.features.Rfm;
import com.customeranalytics.job.InputException;
import com.customeranalytics.job.Stage;
import com.customeranalytics.job.StageContext;
import com.customeranalytics.job.StageResult;
import com.customeranalytics.table.StatePlan;
import com.customeranalytics.table.TableStore;
import com.customeranalytics.table.Tables;
import java.sql.Date;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.storage.StorageLevel;

/**
 * silver_sales, silver_returns, customer_segments -> monthly_metrics, cohort_retention,
 * country_rollup, segment_summary and insights for one as-of date. Only lines on or before the
 * as-of date count. Guest sales count in revenue and orders; customer counts use customer ids.
 * The figures come from the month state ({@link RollupState}, kept by {@link RollupStateSync}):
 * a night reads the silver lines of the months that received lines, not all of silver.
 */
public final class RollupsStage implements Stage {
  public static final String NAME = "rollups";

  // Internal columns.
  private static final String FIRST_MONTH = "_first_month";
  private static final String IS_NEW = "_is_new";
  private static final String RETAINED = "_retained";
  private static final String MONTH_START = "_month_start";
  private static final String PREVIOUS_REVENUE = "_previous_revenue";
  private static final String PREVIOUS_ACTIVE = "_previous_active";
  private static final String TOTAL_REVENUE = "_total_revenue";
  private static final String TOTAL_CUSTOMERS = "_total_customers";
  private static final String ACTIVITY_COHORT = "_activity_cohort";
  private static final String ACTIVITY_MONTH = "_activity_month";

  @Override
  public String name() {
    return NAME;
  }

  /** Everything the stage computes, before writing. Some tables are cached: call unpersist(). */
  public static final class Result {
    public final Dataset<Row> monthly;
    public final Dataset<Row> cohorts;
    public final Dataset<Row> countries;
    public final Dataset<Row> segments;
    public final Dataset<Row> insights;
    private final List<Dataset<Row>> cached;

    Result(Dataset<Row> monthly, Dataset<Row> cohorts, Dataset<Row> countries,
        Dataset<Row> segments, Dataset<Row> insights, List<Dataset<Row>> cached) {
      this.monthly = monthly;
      this.cohorts = cohorts;
      this.countries = countries;
      this.segments = segments;
      this.insights = insights;
      this.cached = cached;
    }

    public void unpersist() {
      cached.forEach(Dataset::unpersist);
    }
  }

  @Override
  public StageResult run(StageContext ctx) {
    LocalDate asOf = ctx.asOf();
    TableStore tables = ctx.tables();
    Dataset<Row> segments = tables.readAsOf(Tables.CUSTOMER_SEGMENTS, asOf);
    if (segments.isEmpty()) {
      throw new InputException(Tables.CUSTOMER_SEGMENTS + " has no rows as of " + asOf
          + ": run the segment stage for that date first");
    }
    List<Dataset<Row>> silver = tables.readWrittenTogether(Tables.SALES_AND_RETURNS, Tables.DQ_REPORT);
    Dataset<Row> sales = silver.get(0);
    Dataset<Row> returns = silver.get(1);
    StatePlan.Synced state = RollupStateSync.sync(tables, ctx.spark(), sales, returns,
        ctx.settings().fullRefresh());
    // Kept per day, the state gives the as-of date's figures: no silver line is read here.
    Dataset<Row> invoices = RollupState.upTo(state.table(Tables.ROLLUP_STATE_INVOICES), asOf);
    Dataset<Row> returned = RollupState.upTo(state.table(Tables.ROLLUP_STATE_RETURNS), asOf);
    Optional<Insights.ClvInput> clv = Optional.empty();
    if (tables.exists(Tables.CLV_PREDICTIONS)) {
      Dataset<Row> predictions = tables.readAsOf(Tables.CLV_PREDICTIONS, asOf);
      if (!predictions.isEmpty()) { // the clv stage ran for this date
        clv = Optional.of(new Insights.ClvInput(predictions, segments, ctx.settings().clv().horizonDays));
      }
    }
    Result r = computeFrom(invoices, returned, segments, clv, asOf, ctx.settings());
    try {
      // Every output is a small aggregate: one file per as-of date is plenty. Independent
      // tables, written side by side.
      Map<String, Dataset<Row>> outputs = new LinkedHashMap<>();
      outputs.put(Tables.MONTHLY_METRICS, r.monthly);
      outputs.put(Tables.COHORT_RETENTION, r.cohorts);
      outputs.put(Tables.COUNTRY_ROLLUP, r.countries);
      outputs.put(Tables.SEGMENT_SUMMARY, r.segments);
      outputs.put(Tables.INSIGHTS, r.insights);
      Map<String, Callable<Long>> writes = new LinkedHashMap<>();
      outputs.forEach((t, rows) -> writes.put(t, () -> tables.replaceAsOf(t, asOf, rows.coalesce(1))));
      Map<String, Long> written = Parallel.each(writes);
      long out = written.values().stream().mapToLong(Long::longValue).sum();
      StringBuilder detail = new StringBuilder("as of " + asOf + ":");
      written.forEach((t, n) -> detail.append(' ').append(t).append(' ').append(n));
      detail.append("; ").append(state.detail);
      return new StageResult(state.linesRead, out, detail.toString());
    } finally {
      r.unpersist();
    }
  }

  /**
   * All five tables for {@code asOf} from the full silver tables and that date's
   * customer_segments rows. Pure apart from caching: tests call it directly.
   */
  public static Result compute(Dataset<Row> sales, Dataset<Row> returns, Dataset<Row> segments,
      LocalDate asOf, Settings settings) {
    return computeFrom(RollupState.invoices(Rfm.upTo(sales, asOf)), RollupState.returns(Rfm.upTo(returns, asOf)),
        segments, Optional.empty(), asOf, settings);
  }

  /**
   * All five tables from the month state's rows ({@link RollupState}) of the lines up to
   * {@code asOf} and that date's customer_segments rows.
   */
  static Result computeFrom(Dataset<Row> invoiceRows, Dataset<Row> returnRows, Dataset<Row> segments,
      Optional<Insights.ClvInput> clv, LocalDate asOf, Settings settings) {
    // Read by every table: kept instead of recomputed from the state or the lines.
    Dataset<Row> invoices = invoiceRows.persist(StorageLevel.MEMORY_AND_DISK());
    Dataset<Row> productReturns = RollupState.productReturns(returnRows, settings.clean().nonProductCodes);
    Dataset<Row> customerMonths = customerMonths(invoices).persist(StorageLevel.MEMORY_AND_DISK());
    // Small and read again by the insights: cached so the writes do not recompute them.
    Dataset<Row> monthly = monthlyMetrics(invoices, customerMonths, productReturns, asOf)
        .persist(StorageLevel.MEMORY_AND_DISK());
    Dataset<Row> countries = countryRollup(invoices, asOf).persist(StorageLevel.MEMORY_AND_DISK());
    Dataset<Row> segmentSummary = segmentSummary(segments, asOf).persist(StorageLevel.MEMORY_AND_DISK());
    List<Dataset<Row>> cached = List.of(invoices, customerMonths, monthly, countries, segmentSummary);
    Dataset<Row> insights;
    try {
      insights = Insights.compute(invoices, monthly, countries, segmentSummary, clv, asOf, settings.rollups());
    } catch (RuntimeException e) {
      cached.forEach(Dataset::unpersist);
      throw e;
    }
    return new Result(monthly, cohortRetention(customerMonths, asOf), countries, segmentSummary,
        insights, cached);
  }

  /**
   * One row per customer and month they bought in: revenue, whether it is their first month
   * ({@code _is_new}), and whether they also bought the month before ({@code _retained}).
   */
  static Dataset<Row> customerMonths(Dataset<Row> invoices) {
    Column previousActive = org.apache.spark.sql.functions.lag(col(MONTH), 1)
        .over(Window.partitionBy(col(CUSTOMER_ID)).orderBy(col(MONTH)));
    return invoices
        .filter(col(CUSTOMER_ID).isNotNull())
        .groupBy(col(CUSTOMER_ID), col(INVOICE_MONTH).as(MONTH))
        .agg(Money.sumMicros(col(REVENUE_MICROS)).as(REVENUE))
        .withColumn(FIRST_MONTH, min(col(MONTH)).over(Window.partitionBy(col(CUSTOMER_ID))))
        .withColumn(IS_NEW, col(MONTH).equalTo(col(FIRST_MONTH)))
        .withColumn(RETAINED, coalesce(previousActive.equalTo(shiftMonth(col(MONTH), -1)), lit(false)));
  }

  /**
   * One row per calendar month from the first sale to the as-of month (months without sales
   * included, so "previous month" is always the calendar month before).
   */
  static Dataset<Row> monthlyMetrics(Dataset<Row> invoices, Dataset<Row> customerMonths,
      Dataset<Row> productReturns, LocalDate asOf) {
    Dataset<Row> sales = invoices.groupBy(col(INVOICE_MONTH).as(MONTH)).agg(
        Money.sumMicros(col(REVENUE_MICROS)).as(REVENUE),
        countDistinct(col(INVOICE_NO)).as(ORDERS),
        sum(col(UNITS)).as(UNITS),
        Money.sumMicros(when(col(CUSTOMER_ID).isNull(), col(REVENUE_MICROS)).otherwise(0L)).as(GUEST_REVENUE));
    Dataset<Row> customers = customerMonths.groupBy(col(MONTH)).agg(
        count(lit(1)).as(ACTIVE_CUSTOMERS),
        count(when(col(IS_NEW), lit(1))).as(NEW_CUSTOMERS),
        Money.sum(when(col(IS_NEW), col(REVENUE)).otherwise(0.0)).as(NEW_CUSTOMER_REVENUE),
        Money.sum(when(col(IS_NEW), 0.0).otherwise(col(REVENUE))).as(EXISTING_CUSTOMER_REVENUE),
        count(when(col(RETAINED), lit(1))).as(RETAINED_CUSTOMERS));
    Dataset<Row> returned = productReturns.groupBy(col(INVOICE_MONTH).as(MONTH))
        .agg(Money.sumMicros(col(REVENUE_MICROS)).as(RETURNS_VALUE));
    Dataset<Row> filled = calendar(invoices, asOf)
        .join(sales, MONTH, "left")
        .join(customers, MONTH, "left")
        .join(returned, MONTH, "left")
        .na().fill(0L, new String[] {ORDERS, UNITS, ACTIVE_CUSTOMERS, NEW_CUSTOMERS, RETAINED_CUSTOMERS})
        .na().fill(0.0, new String[] {REVENUE, GUEST_REVENUE, NEW_CUSTOMER_REVENUE,
            EXISTING_CUSTOMER_REVENUE, RETURNS_VALUE});
    // The previous calendar month's figures by a join on the shifted month: the first month finds
    // none, so its growth and retention stay null rather than 0.
    Dataset<Row> previous = filled.select(shiftMonth(col(MONTH), 1).as(MONTH),
        col(REVENUE).as(PREVIOUS_REVENUE), col(ACTIVE_CUSTOMERS).as(PREVIOUS_ACTIVE));
    Column firstMonth = col(PREVIOUS_ACTIVE).isNull();
    return filled.join(previous, MONTH, "left").select(
        lit(Date.valueOf(asOf)).as(AS_OF_DATE),
        col(MONTH),
        last_day(monthStart(col(MONTH))).leq(lit(Date.valueOf(asOf))).as(COMPLETE_MONTH),
        col(REVENUE),
        ratio(col(REVENUE).minus(col(PREVIOUS_REVENUE)), col(PREVIOUS_REVENUE)).as(REVENUE_GROWTH),
        col(ORDERS),
        ratio(col(REVENUE), col(ORDERS)).as(AVG_ORDER_VALUE),
        col(UNITS),
        col(ACTIVE_CUSTOMERS),
        col(NEW_CUSTOMERS),
        col(ACTIVE_CUSTOMERS).minus(col(NEW_CUSTOMERS)).as(EXISTING_CUSTOMERS),
        col(NEW_CUSTOMER_REVENUE),
        col(EXISTING_CUSTOMER_REVENUE),
        col(GUEST_REVENUE),
        ratio(col(NEW_CUSTOMERS), col(ACTIVE_CUSTOMERS)).as(NEW_CUSTOMER_RATIO),
        when(not(firstMonth), col(RETAINED_CUSTOMERS)).as(RETAINED_CUSTOMERS),
        ratio(col(RETAINED_CUSTOMERS), col(PREVIOUS_ACTIVE)).as(RETENTION_RATE),
        col(RETURNS_VALUE),
        ratio(col(RETURNS_VALUE), col(REVENUE)).as(RETURN_RATE));
  }

  /**
   * First-purchase-month cohort x months since: every cell of the triangle up to the as-of month,
   * with 0 where nobody of the cohort bought.
   */
  static Dataset<Row> cohortRetention(Dataset<Row> customerMonths, LocalDate asOf) {
    Dataset<Row> cohorts = customerMonths.filter(col(IS_NEW))
        .groupBy(col(MONTH).as(COHORT_MONTH))
        .agg(count(lit(1)).as(COHORT_CUSTOMERS));
    Column offsets = sequence(lit(0), months_between(lit(Date.valueOf(asOf.withDayOfMonth(1))),
        monthStart(col(COHORT_MONTH))).cast(DataTypes.IntegerType));
    Dataset<Row> grid = cohorts
        .withColumn(MONTHS_SINCE_FIRST, explode(offsets))
        .withColumn(MONTH, shiftMonth(col(COHORT_MONTH), col(MONTHS_SINCE_FIRST)));
    Dataset<Row> activity = customerMonths.groupBy(col(FIRST_MONTH).as(ACTIVITY_COHORT),
            col(MONTH).as(ACTIVITY_MONTH))
        .agg(count(lit(1)).as(ACTIVE_CUSTOMERS), Money.sum(col(REVENUE)).as(REVENUE));
    return grid.join(activity, col(COHORT_MONTH).equalTo(col(ACTIVITY_COHORT))
            .and(col(MONTH).equalTo(col(ACTIVITY_MONTH))), "left")
        .select(
            lit(Date.valueOf(asOf)).as(AS_OF_DATE),
            col(COHORT_MONTH),
            col(MONTHS_SINCE_FIRST),
            col(MONTH),
            col(COHORT_CUSTOMERS),
            coalesce(col(ACTIVE_CUSTOMERS), lit(0L)).as(ACTIVE_CUSTOMERS),
            coalesce(col(ACTIVE_CUSTOMERS), lit(0L)).divide(col(COHORT_CUSTOMERS)).as(SHARE_OF_COHORT),
            coalesce(col(REVENUE), lit(0.0)).as(REVENUE));
  }

  /**
   * Country x month, plus one all-months row per country ({@code month = "all"}). Shares are of
   * the same period's totals over all countries; a customer who bought from two countries counts
   * in both, so customer shares can sum to slightly over 1.
   */
  static Dataset<Row> countryRollup(Dataset<Row> invoices, LocalDate asOf) {
    Dataset<Row> byMonth = countryFigures(invoices, col(INVOICE_MONTH));
    Dataset<Row> allMonths = countryFigures(invoices, lit(ALL_MONTHS));
    return byMonth.unionByName(allMonths).select(
        lit(Date.valueOf(asOf)).as(AS_OF_DATE),
        col(COUNTRY),
        col(MONTH),
        col(REVENUE),
        col(ORDERS),
        col(CUSTOMERS),
        ratio(col(REVENUE), col(ORDERS)).as(AVG_ORDER_VALUE),
        ratio(col(REVENUE), col(TOTAL_REVENUE)).as(REVENUE_SHARE),
        ratio(col(CUSTOMERS), col(TOTAL_CUSTOMERS)).as(CUSTOMER_SHARE));
  }

  /** Per country and period, with the period's totals over all countries alongside. */
  private static Dataset<Row> countryFigures(Dataset<Row> invoices, Column period) {
    Dataset<Row> perCountry = invoices.groupBy(col(COUNTRY), period.as(MONTH)).agg(
        Money.sumMicros(col(REVENUE_MICROS)).as(REVENUE),
        countDistinct(col(INVOICE_NO)).as(ORDERS),
        countDistinct(col(CUSTOMER_ID)).as(CUSTOMERS));
    Dataset<Row> totals = invoices.groupBy(period.as(MONTH)).agg(
        Money.sumMicros(col(REVENUE_MICROS)).as(TOTAL_REVENUE),
        countDistinct(col(CUSTOMER_ID)).as(TOTAL_CUSTOMERS));
    return perCountry.join(totals, MONTH);
  }

  /**
   * Per KMeans segment (Low/Mid/High) and per named RFM segment: customers, revenue (customer
   * revenue up to the as-of date; guests have no segment), their shares, and mean R/F/M figures.
   */
  static Dataset<Row> segmentSummary(Dataset<Row> segments, LocalDate asOf) {
    Dataset<Row> totals = segments.agg(count(lit(1)).as(TOTAL_CUSTOMERS), Money.sum(col(MONETARY)).as(TOTAL_REVENUE));
    Dataset<Row> bySegment = segmentFigures(segments, SEGMENT).unionByName(segmentFigures(segments, RFM_SEGMENT));
    return bySegment.crossJoin(totals).select(
        lit(Date.valueOf(asOf)).as(AS_OF_DATE),
        col(SEGMENTATION),
        col(SEGMENT),
        col(CUSTOMERS),
        ratio(col(CUSTOMERS), col(TOTAL_CUSTOMERS)).as(CUSTOMER_SHARE),
        col(REVENUE),
        ratio(col(REVENUE), col(TOTAL_REVENUE)).as(REVENUE_SHARE),
        col(MEAN_RECENCY_DAYS),
        col(MEAN_FREQUENCY),
        col(MEAN_MONETARY),
        col(MEAN_R_SCORE),
        col(MEAN_F_SCORE),
        col(MEAN_M_SCORE));
  }

  private static Dataset<Row> segmentFigures(Dataset<Row> segments, String segmentation) {
    return segments.groupBy(col(segmentation).as(SEGMENT)).agg(
            count(lit(1)).as(CUSTOMERS),
            Money.sum(col(MONETARY)).as(REVENUE),
            avg(col(RECENCY_DAYS)).as(MEAN_RECENCY_DAYS),
            avg(col(FREQUENCY)).as(MEAN_FREQUENCY),
            Money.avg(col(MONETARY)).as(MEAN_MONETARY),
            avg(col(R_SCORE)).as(MEAN_R_SCORE),
            avg(col(F_SCORE)).as(MEAN_F_SCORE),
            avg(col(M_SCORE)).as(MEAN_M_SCORE))
        .withColumn(SEGMENTATION, lit(segmentation));
  }

  /** Every month from the first sale's to the as-of date's, as yyyy-MM. */
  private static Dataset<Row> calendar(Dataset<Row> invoices, LocalDate asOf) {
    return invoices.agg(min(col(INVOICE_MONTH)).as(MONTH))
        .select(explode(sequence(monthStart(col(MONTH)), lit(Date.valueOf(asOf.withDayOfMonth(1))),
            expr("interval 1 month"))).as(MONTH_START))
        .select(date_format(col(MONTH_START), "yyyy-MM").as(MONTH));
  }

  /** a / b, null when b is 0 or null (a share or growth of nothing is undefined, not 0). */
  static Column ratio(Column a, Column b) {
    return when(b.notEqual(0), a.cast(DataTypes.DoubleType).divide(b));
  }

  static String month(LocalDate d) {
    return d.toString().substring(0, 7);
  }

  private static Column monthStart(Column yyyyMM) {
    return to_date(concat(yyyyMM, lit("-01")));
  }

  private static Column shiftMonth(Column yyyyMM, int months) {
    return shiftMonth(yyyyMM, lit(months));
  }

  private static Column shiftMonth(Column yyyyMM, Column months) {
    return date_format(add_months(monthStart(yyyyMM), months), "yyyy-MM");
  }
}
