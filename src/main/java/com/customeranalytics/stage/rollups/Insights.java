package com.customeranalytics.stage.rollups;

import static com.customeranalytics.table.Columns.AVG_ORDER_VALUE;
import static com.customeranalytics.table.Columns.CLV;
import static com.customeranalytics.table.Columns.CLV_DECILE;
import static com.customeranalytics.table.Columns.M_SCORE;
import static com.customeranalytics.table.Columns.P_ALIVE;
import static com.customeranalytics.table.Columns.COMPLETE_MONTH;
import static com.customeranalytics.table.Columns.COUNTRY;
import static com.customeranalytics.table.Columns.CUSTOMERS;
import static com.customeranalytics.table.Columns.CUSTOMER_ID;
import static com.customeranalytics.table.Columns.CUSTOMER_SHARE;
import static com.customeranalytics.table.Columns.INVOICE_NO;
import static com.customeranalytics.table.Columns.MEAN_FREQUENCY;
import static com.customeranalytics.table.Columns.MEAN_F_SCORE;
import static com.customeranalytics.table.Columns.MEAN_RECENCY_DAYS;
import static com.customeranalytics.table.Columns.MEAN_R_SCORE;
import static com.customeranalytics.table.Columns.MONTH;
import static com.customeranalytics.table.Columns.ORDERS;
import static com.customeranalytics.table.Columns.RETURNS_VALUE;
import static com.customeranalytics.table.Columns.REVENUE;
import static com.customeranalytics.table.Columns.REVENUE_MICROS;
import static com.customeranalytics.table.Columns.REVENUE_SHARE;
import static com.customeranalytics.table.Columns.RFM_SEGMENT;
import static com.customeranalytics.table.Columns.SEGMENT;
import static com.customeranalytics.table.Columns.SEGMENTATION;
import static com.customeranalytics.table.RollupTables.ALL_MONTHS;
import static com.customeranalytics.table.RollupTables.FASTEST_GROWING_COUNTRY;
import static com.customeranalytics.table.RollupTables.INSIGHTS_SCHEMA;
import static com.customeranalytics.table.RollupTables.ONE_TIME_BUYER_SHARE;
import static com.customeranalytics.table.RollupTables.ORDER_VALUE_DIP_MONTH;
import static com.customeranalytics.table.RollupTables.PRODUCT_RETURN_RATE;
import static com.customeranalytics.table.RollupTables.Q4_VS_Q1_REVENUE;
import static com.customeranalytics.table.RollupTables.REPEAT_BUYING_SEGMENT;
import static com.customeranalytics.table.RollupTables.REVENUE_OUTSIDE_HOME_COUNTRY;
import static com.customeranalytics.table.RollupTables.TOP_CUSTOMERS_REVENUE_SHARE;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import com.customeranalytics.config.Settings.RollupsSettings;
import com.customeranalytics.features.Money;
import com.customeranalytics.job.InputException;
import java.math.BigDecimal;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import com.customeranalytics.table.RollupTables;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;

/**
 * The insights table: data-driven statements with their figures, one per row, replacing the
 * hand-written recommendations of the seed analysis. Each figure comes from a small aggregate
 * (months, countries, segments, or one row over customers) brought to the driver; customer rows
 * never are.
 */
public final class Insights {
  private Insights() {}

  /**
   * The insight rows for one as-of date. {@code invoices}: the month state's invoice rows
   * ({@link RollupState}) of the lines up to the date; the other
   * inputs are the stage's monthly_metrics, country_rollup and segment_summary for that date.
   */
  public static Dataset<Row> compute(Dataset<Row> invoices, Dataset<Row> monthly, Dataset<Row> countries,
      Dataset<Row> segmentSummary, LocalDate asOf, RollupsSettings s) {
    return compute(invoices, monthly, countries, segmentSummary, Optional.empty(), asOf, s);
  }

  /**
   * As above, with the clv stage's figures when it ran for the date: {@code clv} = that date's
   * clv_predictions joined with its customer_segments (m_score), see {@link #clvFigures}.
   */
  public static Dataset<Row> compute(Dataset<Row> invoices, Dataset<Row> monthly, Dataset<Row> countries,
      Dataset<Row> segmentSummary, Optional<ClvInput> clv, LocalDate asOf, RollupsSettings s) {
    List<Row> months = monthly.select(MONTH, COMPLETE_MONTH, REVENUE, ORDERS, AVG_ORDER_VALUE, RETURNS_VALUE)
        .orderBy(MONTH).collectAsList();
    Insights.Rows out = new Insights.Rows(asOf);
    customerConcentration(invoices, s, out);
    countries(countries, months, s, out);
    orderValueDips(months, s, out);
    quarters(months, asOf, out);
    repeatBuyingSegments(segmentSummary, s, out);
    productReturns(months, out);
    clv.ifPresent(c -> clvFigures(c, out));
    SparkSession spark = invoices.sparkSession();
    return spark.createDataFrame(out.rows, INSIGHTS_SCHEMA);
  }

  /** The clv stage's rows for the insights: its predictions and the date's segments, the horizon. */
  public static final class ClvInput {
    final Dataset<Row> predictions;
    final Dataset<Row> segments;
    final int horizonDays;

    public ClvInput(Dataset<Row> predictions, Dataset<Row> segments, int horizonDays) {
      this.predictions = predictions;
      this.segments = segments;
      this.horizonDays = horizonDays;
    }
  }

  /**
   * The top CLV decile's share of expected value, and the high-value customers (m_score 5: the
   * top fifth by revenue) the BG/NBD model thinks are probably gone (P(alive) below
   * {@link RollupTables#LOW_P_ALIVE}). One aggregation over the customers.
   */
  static void clvFigures(ClvInput c, Rows out) {
    Dataset<Row> joined = c.predictions.join(c.segments.select(col(CUSTOMER_ID), col(M_SCORE)),
        c.predictions.col(CUSTOMER_ID).equalTo(c.segments.col(CUSTOMER_ID)), "left");
    Column top = col(CLV_DECILE).equalTo(10);
    Column highValue = col(M_SCORE).equalTo(5);
    Row f = joined.agg(sum(col(CLV)), sum(when(top, col(CLV))), count(when(top, lit(1))),
        count(when(highValue, lit(1))), count(when(highValue.and(col(P_ALIVE).lt(RollupTables.LOW_P_ALIVE)), lit(1))))
        .head();
    if (f.isNullAt(0) || f.getDouble(0) <= 0) {
      return; // no CLV (no Gamma-Gamma fit): nothing to say
    }
    double share = f.isNullAt(1) ? 0 : f.getDouble(1) / f.getDouble(0);
    out.add(RollupTables.TOP_CLV_DECILE_VALUE_SHARE, 1, "clv_decile 10", share, String.format(Locale.ROOT,
        "The top CLV decile (%,d customers) holds %s of the expected value of the next %d days (%s of %s).",
        f.getLong(2), pct(share), c.horizonDays, money(f.isNullAt(1) ? 0 : f.getDouble(1)), money(f.getDouble(0))));
    long high = f.getLong(3);
    long atRisk = f.getLong(4);
    out.add(RollupTables.HIGH_VALUE_LOW_P_ALIVE, 1, "m_score 5", (double) atRisk, String.format(Locale.ROOT,
        "%,d of the %,d high-value customers (the top fifth by revenue, m_score 5) have P(alive) below %.1f:"
            + " valuable customers the model thinks may have stopped buying.", atRisk, high, RollupTables.LOW_P_ALIVE));
  }

  /** One-time buyers, and the top customers' share of customer revenue. */
  static void customerConcentration(Dataset<Row> invoices, RollupsSettings s, Rows out) {
    Dataset<Row> perCustomer = invoices.filter(col(CUSTOMER_ID).isNotNull()).groupBy(col(CUSTOMER_ID))
        .agg(countDistinct(col(INVOICE_NO)).as(ORDERS), Money.sumMicros(col(REVENUE_MICROS)).as(REVENUE));
    Row totals = perCustomer.agg(count(lit(1)), count(when(col(ORDERS).equalTo(1), lit(1))),
        Money.sum(col(REVENUE))).head();
    long customers = totals.getLong(0);
    if (customers == 0) {
      out.add(ONE_TIME_BUYER_SHARE, 1, null, null, "No customer (with a customer id) has bought yet.");
      return;
    }
    long oneTime = totals.getLong(1);
    double revenue = totals.getDouble(2);
    out.add(ONE_TIME_BUYER_SHARE, 1, null, (double) oneTime / customers, String.format(Locale.ROOT,
        "%s of customers (%,d of %,d) have bought only once (one invoice).",
        pct((double) oneTime / customers), oneTime, customers));

    // Exact top k by a sorted limit: each task keeps its k largest, one task merges them. No
    // global window, no approximate quantiles; ties at the cut have equal revenue, so the sum is exact.
    for (int i = 0; i < s.topCustomerShares.size(); i++) {
      double share = s.topCustomerShares.get(i);
      int k = (int) Math.max(1, Math.ceil(customers * share - 1e-9)); // rounded up to whole customers
      double topRevenue = perCustomer.orderBy(col(REVENUE).desc()).limit(k).agg(Money.sum(col(REVENUE))).head()
          .getDouble(0);
      Double revenueShare = revenue == 0 ? null : topRevenue / revenue;
      String subject = "top " + percentLabel(share);
      out.add(TOP_CUSTOMERS_REVENUE_SHARE, i + 1, subject, revenueShare, String.format(Locale.ROOT,
          "The %s of customers (%,d of %,d) bring %s of customer revenue (%s).", subject, k, customers,
          revenueShare == null ? "n/a" : pct(revenueShare), money(topRevenue)));
    }
  }

  /** Revenue outside the home country, and the fastest-growing other countries. */
  static void countries(Dataset<Row> countries, List<Row> months, RollupsSettings s, Rows out) {
    Map<String, Double> byCountry = new LinkedHashMap<>();
    for (Row r : countries.filter(col(MONTH).equalTo(ALL_MONTHS))
        .select(COUNTRY, REVENUE).orderBy(col(REVENUE).desc(), col(COUNTRY)).collectAsList()) {
      byCountry.put(name(r.getString(0)), r.getDouble(1));
    }
    if (byCountry.isEmpty()) {
      return;
    }
    String home = s.homeCountry.orElse(byCountry.keySet().iterator().next()); // most revenue first
    if (!byCountry.containsKey(home)) {
      throw new InputException("Setting rollups.home-country: '" + home + "' has no sales; countries with"
          + " the most revenue: " + byCountry.keySet().stream().limit(5).collect(Collectors.joining(", ")));
    }
    double total = byCountry.values().stream().mapToDouble(Double::doubleValue).sum();
    double outside = total - byCountry.get(home);
    Double share = total == 0 ? null : outside / total;
    out.add(REVENUE_OUTSIDE_HOME_COUNTRY, 1, home, share, String.format(Locale.ROOT,
        "%s of revenue (%s) comes from outside the home country %s, from %,d other countries.",
        share == null ? "n/a" : pct(share), money(outside), home, byCountry.size() - 1));

    List<String> complete = months.stream().filter(r -> r.getBoolean(1)).map(r -> r.getString(0))
        .collect(Collectors.toList());
    int w = s.growthWindowMonths;
    if (complete.size() < 2 * w) {
      out.add(FASTEST_GROWING_COUNTRY, 1, null, null, String.format(Locale.ROOT,
          "Country growth needs %d complete months (2 x %d); there are %d.", 2 * w, w, complete.size()));
      return;
    }
    List<String> latest = complete.subList(complete.size() - w, complete.size());
    List<String> before = complete.subList(complete.size() - 2 * w, complete.size() - w);
    Column inLatest = col(MONTH).isin(latest.toArray());
    Column inBefore = col(MONTH).isin(before.toArray());
    List<Row> windows = countries.filter(inLatest.or(inBefore)).groupBy(col(COUNTRY)).agg(
            Money.sum(when(inLatest, col(REVENUE)).otherwise(0.0)),
            Money.sum(when(inBefore, col(REVENUE)).otherwise(0.0)))
        .collectAsList();
    List<Growth> growth = new ArrayList<>();
    for (Row r : windows) {
      Growth g = new Growth(name(r.getString(0)), r.getDouble(1), r.getDouble(2));
      if (!g.country.equals(home) && g.before > 0 && g.before >= s.growthMinRevenue) {
        growth.add(g);
      }
    }
    growth.sort(Comparator.comparingDouble((Growth g) -> -g.rate()).thenComparing(g -> g.country));
    String latestLabel = span(latest);
    String beforeLabel = span(before);
    if (growth.isEmpty()) {
      out.add(FASTEST_GROWING_COUNTRY, 1, null, null, String.format(Locale.ROOT,
          "No country other than %s had at least %s revenue in %s to measure growth from.", home,
          money(s.growthMinRevenue), beforeLabel));
    }
    for (int i = 0; i < Math.min(s.growingCountries, growth.size()); i++) {
      Growth g = growth.get(i);
      out.add(FASTEST_GROWING_COUNTRY, i + 1, g.country, g.rate(), String.format(Locale.ROOT,
          "%s: revenue %s in %s, %s %s on %s (%s).", g.country, money(g.latest), latestLabel,
          g.rate() >= 0 ? "up" : "down", pct(Math.abs(g.rate())), beforeLabel, money(g.before)));
    }
  }

  /** A country's revenue in the latest window and the one before. */
  private static final class Growth {
    final String country;
    final double latest;
    final double before;

    Growth(String country, double latest, double before) {
      this.country = country;
      this.latest = latest;
      this.before = before;
    }

    double rate() {
      return latest / before - 1;
    }
  }

  /** Months whose average revenue per order is furthest below the mean of the months. */
  static void orderValueDips(List<Row> months, RollupsSettings s, Rows out) {
    List<Row> withOrders = months.stream().filter(r -> r.getLong(3) > 0).collect(Collectors.toList());
    if (withOrders.isEmpty()) {
      return;
    }
    double mean = withOrders.stream().mapToDouble(r -> r.getDouble(4)).average().getAsDouble();
    List<Row> below = withOrders.stream().filter(r -> r.getDouble(4) < mean)
        .sorted(Comparator.comparingDouble((Row r) -> r.getDouble(4)).thenComparing(r -> r.getString(0)))
        .collect(Collectors.toList());
    if (below.isEmpty()) {
      out.add(ORDER_VALUE_DIP_MONTH, 1, null, null, "Average revenue per order is the same in every month.");
    }
    for (int i = 0; i < Math.min(s.dipMonths, below.size()); i++) {
      Row r = below.get(i);
      double gap = r.getDouble(4) / mean - 1;
      out.add(ORDER_VALUE_DIP_MONTH, i + 1, r.getString(0), gap, String.format(Locale.ROOT,
          "Average revenue per order in %s was %s, %s below the mean of %d months (%s).", r.getString(0),
          money(r.getDouble(4)), pct(-gap), withOrders.size(), money(mean)));
    }
  }

  /** Q4 vs Q1 revenue of the latest year with sales in both quarters. */
  static void quarters(List<Row> months, LocalDate asOf, Rows out) {
    Map<String, Double> revenue = new LinkedHashMap<>();
    months.forEach(r -> revenue.put(r.getString(0), r.getDouble(2)));
    for (int year = asOf.getYear(); months.size() > 0
        && year >= Integer.parseInt(months.get(0).getString(0).substring(0, 4)); year--) {
      double q1 = quarter(revenue, year, 1);
      double q4 = quarter(revenue, year, 10);
      if (q1 > 0 && q4 > 0) {
        String partial = asOf.isBefore(LocalDate.of(year, 12, 31)) ? " (to " + asOf + ")" : "";
        out.add(Q4_VS_Q1_REVENUE, 1, String.valueOf(year), q4 / q1, String.format(Locale.ROOT,
            "Revenue in Q4 %d%s was %s, %.2fx Q1 %d (%s).", year, partial, money(q4), q4 / q1, year,
            money(q1)));
        return;
      }
    }
    out.add(Q4_VS_Q1_REVENUE, 1, null, null, "No year up to " + asOf + " has sales in both Q1 and Q4.");
  }

  private static double quarter(Map<String, Double> revenue, int year, int firstMonth) {
    double sum = 0;
    for (int m = firstMonth; m < firstMonth + 3; m++) {
      sum += revenue.getOrDefault(String.format(Locale.ROOT, "%d-%02d", year, m), 0.0);
    }
    return sum;
  }

  /** Named segments of recent but infrequent customers, largest first. */
  static void repeatBuyingSegments(Dataset<Row> segmentSummary, RollupsSettings s, Rows out) {
    List<Row> targets = segmentSummary
        .filter(col(SEGMENTATION).equalTo(RFM_SEGMENT)
            .and(col(MEAN_R_SCORE).geq(s.repeatMinRScore))
            .and(col(MEAN_F_SCORE).leq(s.repeatMaxFScore)))
        .select(SEGMENT, CUSTOMERS, CUSTOMER_SHARE, REVENUE_SHARE, MEAN_RECENCY_DAYS, MEAN_FREQUENCY)
        .orderBy(col(CUSTOMERS).desc(), col(SEGMENT))
        .limit(s.repeatSegments)
        .collectAsList();
    if (targets.isEmpty()) {
      out.add(REPEAT_BUYING_SEGMENT, 1, null, null, String.format(Locale.ROOT,
          "No named segment is both recent (mean r_score >= %.1f) and infrequent (mean f_score <= %.1f).",
          s.repeatMinRScore, s.repeatMaxFScore));
    }
    for (int i = 0; i < targets.size(); i++) {
      Row r = targets.get(i);
      out.add(REPEAT_BUYING_SEGMENT, i + 1, r.getString(0), (double) r.getLong(1), String.format(Locale.ROOT,
          "Target %s for repeat buying: %,d customers (%s) bought recently (%.0f days ago on average)"
              + " but have only %.1f orders on average; %s of customer revenue.", r.getString(0), r.getLong(1),
          pct(r.getDouble(2)), r.getDouble(4), r.getDouble(5), pct(r.getDouble(3))));
    }
  }

  /** Product returns against sales revenue, with the worst month. */
  static void productReturns(List<Row> months, Rows out) {
    double revenue = months.stream().mapToDouble(r -> r.getDouble(2)).sum();
    double returned = months.stream().mapToDouble(r -> r.getDouble(5)).sum();
    if (revenue <= 0) {
      return;
    }
    Optional<Row> worst = months.stream().filter(r -> r.getDouble(2) > 0)
        .max(Comparator.comparingDouble((Row r) -> r.getDouble(5) / r.getDouble(2)));
    out.add(PRODUCT_RETURN_RATE, 1, null, returned / revenue, String.format(Locale.ROOT,
        "Returned products were worth %s, %s of sales revenue; the highest month was %s at %s.",
        money(returned), pct(returned / revenue), worst.get().getString(0),
        pct(worst.get().getDouble(5) / worst.get().getDouble(2))));
  }

  /** Collects insight rows for one as-of date. */
  static final class Rows {
    private final Date asOf;
    final List<Row> rows = new ArrayList<>();

    Rows(LocalDate asOf) {
      this.asOf = Date.valueOf(asOf);
    }

    void add(String metric, int rank, String subject, Double value, String statement) {
      rows.add(RowFactory.create(asOf, metric, rank, subject, value, statement));
    }
  }

  private static String name(String country) {
    return country == null ? "(no country)" : country;
  }

  private static String span(List<String> months) {
    return months.size() == 1 ? months.get(0) : months.get(0) + ".." + months.get(months.size() - 1);
  }

  static String pct(double share) {
    return String.format(Locale.ROOT, "%.1f%%", share * 100);
  }

  static String money(double amount) {
    return String.format(Locale.ROOT, "%,.2f", amount);
  }

  /** 0.01 -> "1%", 0.005 -> "0.5%". */
  static String percentLabel(double share) {
    return BigDecimal.valueOf(share).movePointRight(2).stripTrailingZeros().toPlainString() + "%";
  }
}
