package com.customeranalytics.stage.rollups;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.customeranalytics.cli.Pipeline;
import com.customeranalytics.config.Settings;
import com.customeranalytics.job.InputException;
import com.customeranalytics.job.StageFailedException;
import com.customeranalytics.table.TableStore;
import com.customeranalytics.table.Tables;
import com.customeranalytics.testing.Rows;
import com.customeranalytics.testing.SparkExtension;
import com.customeranalytics.testing.SparkTest;
import java.nio.file.Path;
import java.sql.Date;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SparkExtension.class)
class RollupsStageTest {
  private static final LocalDate AS_OF = LocalDate.of(2011, 3, 15);
  private static final double EPS = 1e-9;

  // Customers 1, 2, 5 first buy in January, customer 3 in February; customer 4 only after the
  // as-of date. Guests buy in January (UK) and March (France).
  private static final Dataset<Row> SALES = Rows.lines()
      .line("100", "85123A", 2, "2011-01-05 10:00:00", 5.0, 1L, "United Kingdom")   // invoice 100: 20
      .line("100", "71053", 1, "2011-01-05 10:00:00", 10.0, 1L, "United Kingdom")
      .line("101", "85123A", 4, "2011-01-10 11:00:00", 2.5, 2L, "France")           // 10
      .line("102", "22423", 10, "2011-01-12 12:00:00", 1.0, null, "United Kingdom") // guest 10
      .line("103", "71053", 1, "2011-01-31 23:59:00", 20.0, 5L, "Germany")          // 20, one-time buyer
      .line("200", "85123A", 6, "2011-02-01 09:00:00", 5.0, 1L, "United Kingdom")   // 30
      .line("201", "71053", 2, "2011-02-14 09:00:00", 10.0, 3L, "Germany")          // 20, customer 3 is new
      .line("202", "22423", 5, "2011-02-20 09:00:00", 4.0, 1L, "United Kingdom")   // 20, customer 1 again
      .line("300", "85123A", 8, "2011-03-01 09:00:00", 2.5, 2L, "France")           // 20, back after a gap
      .line("301", "85123A", 2, "2011-03-15 18:00:00", 5.0, 3L, "Germany")          // 10, on the as-of date
      .line("302", "71053", 7, "2011-03-02 09:00:00", 10.0, null, "France")         // guest 70
      .line("303", "85123A", 100, "2011-03-20 09:00:00", 1.0, 4L, "United Kingdom") // after the as-of date
      .toDataset();
  private static final Dataset<Row> RETURNS = Rows.lines()
      .line("C900", "85123A", -2, "2011-02-10 09:00:00", 5.0, 1L, "United Kingdom")
      .line("C901", "POST", -1, "2011-02-11 09:00:00", 15.0, 2L, "France")     // postage: not a product
      .line("C902", "71053", -1, "2011-03-02 10:00:00", 10.0, null, "United Kingdom") // a guest's return counts
      .line("C903", "85123A", -1, "2011-03-20 09:00:00", 5.0, 1L, "United Kingdom") // after the as-of date
      .toDataset();

  private static final StructType SEGMENTS = new StructType()
      .add("as_of_date", DataTypes.DateType)
      .add("customer_id", DataTypes.LongType)
      .add("recency_days", DataTypes.IntegerType)
      .add("frequency", DataTypes.LongType)
      .add("monetary", DataTypes.DoubleType)
      .add("segment", DataTypes.StringType)
      .add("r_score", DataTypes.IntegerType)
      .add("f_score", DataTypes.IntegerType)
      .add("m_score", DataTypes.IntegerType)
      .add("rfm_segment", DataTypes.StringType);

  private static RollupsStage.Result result;

  static Dataset<Row> segments(LocalDate asOf) {
    Date d = Date.valueOf(asOf);
    return SparkTest.spark().createDataFrame(List.of(
        RowFactory.create(d, 1L, 23, 3L, 70.0, "High", 4, 5, 5, "Loyal"),
        RowFactory.create(d, 2L, 14, 2L, 30.0, "Mid", 5, 3, 3, "Potential Loyalist"),
        RowFactory.create(d, 3L, 0, 2L, 30.0, "Mid", 4, 3, 3, "Potential Loyalist"),
        RowFactory.create(d, 5L, 43, 1L, 20.0, "Low", 2, 1, 1, "Hibernating")), SEGMENTS);
  }

  @BeforeAll
  static void compute() {
    result = RollupsStage.compute(SALES, RETURNS, segments(AS_OF), AS_OF, SparkTest.settings());
  }

  @AfterAll
  static void release() {
    result.unpersist();
  }

  private static Map<String, Row> byKey(Dataset<Row> df, String... keys) {
    Map<String, Row> m = new LinkedHashMap<>();
    for (Row r : df.orderBy(keys[0], java.util.Arrays.copyOfRange(keys, 1, keys.length)).collectAsList()) {
      StringBuilder k = new StringBuilder();
      for (String key : keys) {
        k.append(k.length() == 0 ? "" : "|").append(String.valueOf(r.<Object>getAs(key)));
      }
      m.put(k.toString(), r);
    }
    return m;
  }

  @Test
  void monthlyRevenueOrdersAndGrowthWithTheFirstMonthNull() {
    Map<String, Row> m = byKey(result.monthly, "month");
    assertThat(m).containsOnlyKeys("2011-01", "2011-02", "2011-03");
    Row jan = m.get("2011-01");
    assertThat(jan.getAs("as_of_date").toString()).isEqualTo("2011-03-15");
    assertThat(jan.<Double>getAs("revenue")).isCloseTo(60.0, within(EPS));   // guests count in revenue
    assertThat(jan.<Long>getAs("orders")).isEqualTo(4L);                      // distinct invoices, guest's too
    assertThat(jan.<Double>getAs("avg_order_value")).isCloseTo(15.0, within(EPS));
    assertThat(jan.<Long>getAs("units")).isEqualTo(18L);
    assertThat(jan.<Double>getAs("guest_revenue")).isCloseTo(10.0, within(EPS));
    assertThat(jan.<Boolean>getAs("complete_month")).isTrue();
    assertThat(jan.<Double>getAs("revenue_growth")).isNull();                 // no previous month: null, not 0
    assertThat(jan.<Long>getAs("retained_customers")).isNull();
    assertThat(jan.<Double>getAs("retention_rate")).isNull();

    Row feb = m.get("2011-02");
    assertThat(feb.<Double>getAs("revenue")).isCloseTo(70.0, within(EPS));
    assertThat(feb.<Double>getAs("revenue_growth")).isCloseTo(10.0 / 60, within(EPS));
    assertThat(feb.<Long>getAs("orders")).isEqualTo(3L);
    assertThat(feb.<Long>getAs("units")).isEqualTo(13L);

    Row mar = m.get("2011-03");
    assertThat(mar.<Double>getAs("revenue")).isCloseTo(100.0, within(EPS)); // the line after the as-of date is out
    assertThat(mar.<Double>getAs("revenue_growth")).isCloseTo(30.0 / 70, within(EPS));
    assertThat(mar.<Long>getAs("orders")).isEqualTo(3L);
    assertThat(mar.<Double>getAs("guest_revenue")).isCloseTo(70.0, within(EPS));
    assertThat(mar.<Boolean>getAs("complete_month")).isFalse();              // as of the 15th
  }

  @Test
  void customersAreNewOnlyInTheirFirstMonthAndGuestsAreNeverCustomers() {
    Map<String, Row> m = byKey(result.monthly, "month");
    Row jan = m.get("2011-01");
    assertThat(jan.<Long>getAs("active_customers")).isEqualTo(3L);           // 1, 2, 5; not the guest
    assertThat(jan.<Long>getAs("new_customers")).isEqualTo(3L);
    assertThat(jan.<Long>getAs("existing_customers")).isZero();
    assertThat(jan.<Double>getAs("new_customer_revenue")).isCloseTo(50.0, within(EPS));
    assertThat(jan.<Double>getAs("existing_customer_revenue")).isZero();
    assertThat(jan.<Double>getAs("new_customer_ratio")).isCloseTo(1.0, within(EPS));

    Row feb = m.get("2011-02");
    assertThat(feb.<Long>getAs("active_customers")).isEqualTo(2L);           // 1 (two invoices) and 3
    assertThat(feb.<Long>getAs("new_customers")).isEqualTo(1L);              // 3; customer 1 is existing now
    assertThat(feb.<Long>getAs("existing_customers")).isEqualTo(1L);
    assertThat(feb.<Double>getAs("new_customer_revenue")).isCloseTo(20.0, within(EPS));
    assertThat(feb.<Double>getAs("existing_customer_revenue")).isCloseTo(50.0, within(EPS));
    assertThat(feb.<Double>getAs("new_customer_ratio")).isCloseTo(0.5, within(EPS));

    Row mar = m.get("2011-03");
    assertThat(mar.<Long>getAs("active_customers")).isEqualTo(2L);           // 2 and 3; 4 is after the as-of date
    assertThat(mar.<Long>getAs("new_customers")).isZero();
    assertThat(mar.<Double>getAs("existing_customer_revenue")).isCloseTo(30.0, within(EPS));
    assertThat(mar.<Double>getAs("new_customer_ratio")).isZero();
    for (Row r : m.values()) { // revenue splits exactly into new, existing and guest revenue
      assertThat(r.<Double>getAs("new_customer_revenue") + r.<Double>getAs("existing_customer_revenue")
          + r.<Double>getAs("guest_revenue")).isCloseTo(r.<Double>getAs("revenue"), within(EPS));
    }
  }

  @Test
  void retentionIsTheShareOfLastMonthsCustomersWhoBoughtAgain() {
    Map<String, Row> m = byKey(result.monthly, "month");
    // February: of January's 1, 2, 5 only 1 bought again.
    assertThat(m.get("2011-02").<Long>getAs("retained_customers")).isEqualTo(1L);
    assertThat(m.get("2011-02").<Double>getAs("retention_rate")).isCloseTo(1.0 / 3, within(EPS));
    // March: of February's 1 and 3, only 3; customer 2 is back after a gap, which is not retention.
    assertThat(m.get("2011-03").<Long>getAs("retained_customers")).isEqualTo(1L);
    assertThat(m.get("2011-03").<Double>getAs("retention_rate")).isCloseTo(0.5, within(EPS));
  }

  @Test
  void returnsValueAndRateCountProductReturnsUpToTheAsOfDate() {
    Map<String, Row> m = byKey(result.monthly, "month");
    assertThat(m.get("2011-01").<Double>getAs("returns_value")).isZero();
    assertThat(m.get("2011-01").<Double>getAs("return_rate")).isZero();
    // The postage cancellation is not a product return.
    assertThat(m.get("2011-02").<Double>getAs("returns_value")).isCloseTo(10.0, within(EPS));
    assertThat(m.get("2011-02").<Double>getAs("return_rate")).isCloseTo(10.0 / 70, within(EPS));
    // The guest's return counts; the one after the as-of date does not.
    assertThat(m.get("2011-03").<Double>getAs("returns_value")).isCloseTo(10.0, within(EPS));
    assertThat(m.get("2011-03").<Double>getAs("return_rate")).isCloseTo(0.1, within(EPS));
  }

  @Test
  void aMonthWithoutSalesIsAZeroRowAndTheNextMonthsGrowthIsUndefined() {
    Dataset<Row> sales = Rows.lines()
        .line("1", "85123A", 1, "2011-01-10 10:00:00", 10.0, 1L, "France")
        .line("2", "85123A", 3, "2011-03-10 10:00:00", 10.0, 1L, "France")
        .toDataset();
    RollupsStage.Result r = RollupsStage.compute(sales, RETURNS.limit(0), segments(AS_OF), AS_OF,
        SparkTest.settings());
    try {
      Map<String, Row> m = byKey(r.monthly, "month");
      assertThat(m).containsOnlyKeys("2011-01", "2011-02", "2011-03");
      Row feb = m.get("2011-02");
      assertThat(feb.<Double>getAs("revenue")).isZero();
      assertThat(feb.<Long>getAs("orders")).isZero();
      assertThat(feb.<Double>getAs("revenue_growth")).isCloseTo(-1.0, within(EPS));
      assertThat(feb.<Double>getAs("avg_order_value")).isNull();
      assertThat(feb.<Double>getAs("retention_rate")).isZero();               // 0 of January's 1
      Row mar = m.get("2011-03");
      assertThat(mar.<Double>getAs("revenue_growth")).isNull();               // growth on 0 is undefined
      assertThat(mar.<Double>getAs("retention_rate")).isNull();               // nobody to retain
      assertThat(mar.<Long>getAs("new_customers")).isZero();                  // customer 1 is not new again
    } finally {
      r.unpersist();
    }
  }

  @Test
  void cohortsFollowFirstPurchaseMonthsWithShares() {
    Map<String, Row> c = byKey(result.cohorts, "cohort_month", "months_since_first");
    assertThat(c).containsOnlyKeys("2011-01|0", "2011-01|1", "2011-01|2", "2011-02|0", "2011-02|1");
    double[][] expected = { // cohort customers, active, share, revenue
        {3, 3, 1.0, 50.0}, {3, 1, 1.0 / 3, 50.0}, {3, 1, 1.0 / 3, 20.0}, {1, 1, 1.0, 20.0}, {1, 1, 1.0, 10.0}};
    int i = 0;
    for (Row r : c.values()) {
      assertThat(r.<Long>getAs("cohort_customers")).isEqualTo((long) expected[i][0]);
      assertThat(r.<Long>getAs("active_customers")).isEqualTo((long) expected[i][1]);
      assertThat(r.<Double>getAs("share_of_cohort")).isCloseTo(expected[i][2], within(EPS));
      assertThat(r.<Double>getAs("revenue")).isCloseTo(expected[i][3], within(EPS));
      i++;
    }
    assertThat(c.get("2011-01|2").<String>getAs("month")).isEqualTo("2011-03");
  }

  @Test
  void cohortCellsWithoutBuyersAreZero() {
    Dataset<Row> sales = Rows.lines()
        .line("1", "85123A", 1, "2011-01-10 10:00:00", 10.0, 1L, "France")
        .line("2", "85123A", 1, "2011-03-10 10:00:00", 10.0, 1L, "France")
        .toDataset();
    RollupsStage.Result r = RollupsStage.compute(sales, RETURNS, segments(AS_OF), AS_OF, SparkTest.settings());
    try {
      Map<String, Row> c = byKey(r.cohorts, "cohort_month", "months_since_first");
      assertThat(c).containsOnlyKeys("2011-01|0", "2011-01|1", "2011-01|2");
      assertThat(c.get("2011-01|1").<Long>getAs("active_customers")).isZero();
      assertThat(c.get("2011-01|1").<Double>getAs("share_of_cohort")).isZero();
      assertThat(c.get("2011-01|2").<Double>getAs("share_of_cohort")).isCloseTo(1.0, within(EPS));
    } finally {
      r.unpersist();
    }
  }

  @Test
  void countrySharesSumToOneAndGuestsCountInRevenueOnly() {
    Map<String, Row> c = byKey(result.countries, "month", "country");
    assertThat(c).containsOnlyKeys(
        "2011-01|France", "2011-01|Germany", "2011-01|United Kingdom",
        "2011-02|Germany", "2011-02|United Kingdom",
        "2011-03|France", "2011-03|Germany",
        "all|France", "all|Germany", "all|United Kingdom");
    Row franceMarch = c.get("2011-03|France");
    assertThat(franceMarch.<Double>getAs("revenue")).isCloseTo(90.0, within(EPS)); // 20 + the guest's 70
    assertThat(franceMarch.<Long>getAs("orders")).isEqualTo(2L);
    assertThat(franceMarch.<Long>getAs("customers")).isEqualTo(1L);                // the guest is no customer
    assertThat(franceMarch.<Double>getAs("avg_order_value")).isCloseTo(45.0, within(EPS));
    assertThat(franceMarch.<Double>getAs("revenue_share")).isCloseTo(0.9, within(EPS));
    assertThat(franceMarch.<Double>getAs("customer_share")).isCloseTo(0.5, within(EPS));

    Row ukAll = c.get("all|United Kingdom");
    assertThat(ukAll.<Double>getAs("revenue")).isCloseTo(80.0, within(EPS));
    assertThat(ukAll.<Long>getAs("orders")).isEqualTo(4L);
    assertThat(ukAll.<Long>getAs("customers")).isEqualTo(1L);
    assertThat(ukAll.<Double>getAs("revenue_share")).isCloseTo(80.0 / 230, within(EPS));
    assertThat(c.get("all|Germany").<Long>getAs("customers")).isEqualTo(2L);
    assertThat(c.get("all|Germany").<Double>getAs("customer_share")).isCloseTo(0.5, within(EPS));

    for (Row r : result.countries.groupBy("month").agg(org.apache.spark.sql.functions.sum("revenue_share"),
        org.apache.spark.sql.functions.sum("customer_share")).collectAsList()) {
      assertThat(r.getDouble(1)).as("revenue shares of " + r.getString(0)).isCloseTo(1.0, within(EPS));
      assertThat(r.getDouble(2)).as("customer shares of " + r.getString(0)).isCloseTo(1.0, within(EPS));
    }
  }

  @Test
  void segmentSummaryPerSegmentAndNamedSegment() {
    Map<String, Row> s = byKey(result.segments, "segmentation", "segment");
    assertThat(s).containsOnlyKeys("rfm_segment|Hibernating", "rfm_segment|Loyal",
        "rfm_segment|Potential Loyalist", "segment|High", "segment|Low", "segment|Mid");
    Row mid = s.get("segment|Mid");
    assertThat(mid.<Long>getAs("customers")).isEqualTo(2L);
    assertThat(mid.<Double>getAs("customer_share")).isCloseTo(0.5, within(EPS));
    assertThat(mid.<Double>getAs("revenue")).isCloseTo(60.0, within(EPS));
    assertThat(mid.<Double>getAs("revenue_share")).isCloseTo(0.4, within(EPS));
    assertThat(mid.<Double>getAs("mean_recency_days")).isCloseTo(7.0, within(EPS));
    assertThat(mid.<Double>getAs("mean_frequency")).isCloseTo(2.0, within(EPS));
    assertThat(mid.<Double>getAs("mean_monetary")).isCloseTo(30.0, within(EPS));
    assertThat(mid.<Double>getAs("mean_r_score")).isCloseTo(4.5, within(EPS));
    assertThat(s.get("rfm_segment|Loyal").<Double>getAs("revenue_share")).isCloseTo(70.0 / 150, within(EPS));
    double shares = 0;
    for (Row r : s.values()) {
      if (r.<String>getAs("segmentation").equals("segment")) {
        shares += r.<Double>getAs("revenue_share");
      }
    }
    assertThat(shares).isCloseTo(1.0, within(EPS));
  }

  private static Map<String, Row> insights(Dataset<Row> df) {
    return byKey(df, "metric", "rank");
  }

  @Test
  void insightsFromTheData() {
    Map<String, Row> in = insights(result.insights);
    assertThat(in).containsOnlyKeys(
        "fastest_growing_country|1", "one_time_buyer_share|1", "order_value_dip_month|1",
        "order_value_dip_month|2", "product_return_rate|1", "q4_vs_q1_revenue|1",
        "repeat_buying_target_segment|1", "revenue_outside_home_country_share|1",
        "top_customers_revenue_share|1", "top_customers_revenue_share|2");

    Row oneTime = in.get("one_time_buyer_share|1");
    assertThat(oneTime.<Double>getAs("value")).isCloseTo(0.25, within(EPS)); // customer 5 of 1, 2, 3, 5
    assertThat(oneTime.<String>getAs("statement")).isEqualTo(
        "25.0% of customers (1 of 4) have bought only once (one invoice).");

    // Customer revenue: 1: 70, 2: 30, 3: 30, 5: 20. The top 1% and 10% of 4 customers is 1 customer.
    Row top1 = in.get("top_customers_revenue_share|1");
    assertThat(top1.<String>getAs("subject")).isEqualTo("top 1%");
    assertThat(top1.<Double>getAs("value")).isCloseTo(70.0 / 150, within(EPS));
    assertThat(in.get("top_customers_revenue_share|2").<String>getAs("subject")).isEqualTo("top 10%");

    // France has the most revenue (the guest's 70 included): it is the home country.
    Row outside = in.get("revenue_outside_home_country_share|1");
    assertThat(outside.<String>getAs("subject")).isEqualTo("France");
    assertThat(outside.<Double>getAs("value")).isCloseTo(130.0 / 230, within(EPS));
    assertThat(outside.<String>getAs("statement")).isEqualTo(
        "56.5% of revenue (130.00) comes from outside the home country France, from 2 other countries.");

    // Two complete months, six needed (2 x 3): no ranking, said so.
    assertThat(in.get("fastest_growing_country|1").<Double>getAs("value")).isNull();

    // Average revenue per order: 15, 23.33, 33.33; mean 23.89.
    Row dip = in.get("order_value_dip_month|1");
    assertThat(dip.<String>getAs("subject")).isEqualTo("2011-01");
    assertThat(dip.<Double>getAs("value")).isCloseTo(15.0 / (215.0 / 9) - 1, within(EPS));
    assertThat(dip.<String>getAs("statement")).isEqualTo(
        "Average revenue per order in 2011-01 was 15.00, 37.2% below the mean of 3 months (23.89).");
    assertThat(in.get("order_value_dip_month|2").<String>getAs("subject")).isEqualTo("2011-02");

    assertThat(in.get("q4_vs_q1_revenue|1").<Double>getAs("value")).isNull(); // no Q4 yet

    Row repeat = in.get("repeat_buying_target_segment|1");
    assertThat(repeat.<String>getAs("subject")).isEqualTo("Potential Loyalist");
    assertThat(repeat.<Double>getAs("value")).isEqualTo(2.0);
    assertThat(repeat.<String>getAs("statement")).isEqualTo("Target Potential Loyalist for repeat buying:"
        + " 2 customers (50.0%) bought recently (7 days ago on average) but have only 2.0 orders on average;"
        + " 40.0% of customer revenue.");

    Row returns = in.get("product_return_rate|1");
    assertThat(returns.<Double>getAs("value")).isCloseTo(20.0 / 230, within(EPS));
    assertThat(returns.<String>getAs("statement")).isEqualTo(
        "Returned products were worth 20.00, 8.7% of sales revenue; the highest month was 2011-02 at 14.3%.");
  }

  @Test
  void insightThresholdsComeFromSettings() {
    Settings s = SparkTest.settings("rollups.home-country=United Kingdom",
        "rollups.insights.top-customer-shares=[0.5]", "rollups.insights.growth-window-months=1",
        "rollups.insights.growth-min-revenue=0", "rollups.insights.dip-months=1",
        "rollups.insights.repeat-min-r-score=1");
    RollupsStage.Result r = RollupsStage.compute(SALES, RETURNS, segments(AS_OF), AS_OF, s);
    try {
      Map<String, Row> in = insights(r.insights);
      // The top 50% of 4 customers: 1 and one of the two with 30.
      assertThat(in.get("top_customers_revenue_share|1").<Double>getAs("value")).isCloseTo(100.0 / 150, within(EPS));
      assertThat(in).doesNotContainKey("top_customers_revenue_share|2");
      assertThat(in.get("revenue_outside_home_country_share|1").<Double>getAs("value"))
          .isCloseTo(150.0 / 230, within(EPS));
      // February vs January (the latest complete month vs the one before), the UK left out.
      assertThat(in.get("fastest_growing_country|1").<String>getAs("statement"))
          .isEqualTo("Germany: revenue 20.00 in 2011-02, up 0.0% on 2011-01 (20.00).");
      Row second = in.get("fastest_growing_country|2");
      assertThat(second.<String>getAs("subject")).isEqualTo("France");
      assertThat(second.<Double>getAs("value")).isCloseTo(-1.0, within(EPS));
      assertThat(second.<String>getAs("statement"))
          .isEqualTo("France: revenue 0.00 in 2011-02, down 100.0% on 2011-01 (10.00).");
      assertThat(in).containsKey("order_value_dip_month|1").doesNotContainKey("order_value_dip_month|2");
      // Any recency now: Hibernating (1 customer) joins Potential Loyalist (2).
      assertThat(in.get("repeat_buying_target_segment|2").<String>getAs("subject")).isEqualTo("Hibernating");
    } finally {
      r.unpersist();
    }
  }

  @Test
  void anUnknownHomeCountryFailsNamingTheSetting() {
    assertThatThrownBy(() -> RollupsStage.compute(SALES, RETURNS, segments(AS_OF), AS_OF,
        SparkTest.settings("rollups.home-country=Atlantis")))
        .isInstanceOf(InputException.class)
        .hasMessageContaining("rollups.home-country").hasMessageContaining("'Atlantis' has no sales");
  }

  @Test
  void reRunningADateReplacesOnlyItsOwnPartition() {
    Path wh = SparkTest.tempDir("rollups-wh");
    TableStore tables = new TableStore(SparkTest.spark(), wh.toString());
    tables.overwrite(Tables.SILVER_SALES, SALES, "invoice_month");
    tables.overwrite(Tables.SILVER_RETURNS, RETURNS, "invoice_month");
    LocalDate earlier = LocalDate.of(2011, 2, 28);
    tables.overwrite(Tables.CUSTOMER_SEGMENTS, segments(AS_OF).unionByName(segments(earlier)), "as_of_date");
    assertThatThrownBy(() -> Pipeline.runJob(SparkTest.spark(), SparkTest.settings(wh, null,
        "stages=rollups", "as-of-date=2011-01-31")))
        .isInstanceOf(StageFailedException.class).hasMessageContaining("run the segment stage");

    for (String asOf : new String[] {AS_OF.toString(), earlier.toString(), AS_OF.toString()}) {
      Pipeline.runJob(SparkTest.spark(), SparkTest.settings(wh, null, "stages=rollups", "as-of-date=" + asOf));
    }
    Map<String, Long> rows = new LinkedHashMap<>();
    for (String t : new String[] {Tables.MONTHLY_METRICS, Tables.COHORT_RETENTION, Tables.COUNTRY_ROLLUP,
        Tables.SEGMENT_SUMMARY, Tables.INSIGHTS}) {
      for (Row r : tables.read(t).groupBy("as_of_date").count().orderBy("as_of_date").collectAsList()) {
        rows.put(t + " " + r.get(0), r.getLong(1));
      }
    }
    assertThat(rows).containsExactly(
        Map.entry("monthly_metrics 2011-02-28", 2L), Map.entry("monthly_metrics 2011-03-15", 3L),
        Map.entry("cohort_retention 2011-02-28", 3L), Map.entry("cohort_retention 2011-03-15", 5L),
        Map.entry("country_rollup 2011-02-28", 8L), Map.entry("country_rollup 2011-03-15", 10L),
        Map.entry("segment_summary 2011-02-28", 6L), Map.entry("segment_summary 2011-03-15", 6L),
        Map.entry("insights 2011-02-28", 9L), Map.entry("insights 2011-03-15", 10L));
    assertThat(tables.read(Tables.MONTHLY_METRICS).filter(col("as_of_date").equalTo("2011-02-28"))
        .agg(org.apache.spark.sql.functions.sum("revenue")).head().getDouble(0)).isCloseTo(130.0, within(EPS));
  }
}
