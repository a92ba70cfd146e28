package com.customeranalytics.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.customeranalytics.testing.Rows;
import com.customeranalytics.testing.SparkExtension;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SparkExtension.class)
class RfmTest {
  private static final Dataset<Row> SALES = Rows.lines()
      // customer 1: two invoices, one on the as-of date (two lines), one earlier
      .line("500001", "A", 2, "2011-12-09 10:00:00", 5.0, 1L, "United Kingdom")
      .line("500001", "B", 1, "2011-12-09 10:00:00", 3.0, 1L, "United Kingdom")
      .line("490000", "A", 4, "2011-11-01 09:30:00", 2.5, 1L, "France")
      // after the as-of date: ignored
      .line("500100", "A", 100, "2011-12-10 08:00:00", 1.0, 1L, "United Kingdom")
      // customer 2: a one-time buyer
      .line("470000", "C", 3, "2011-06-15 12:00:00", 10.0, 2L, "Germany")
      // guests: never a customer
      .line("480000", "A", 7, "2011-08-01 12:00:00", 1.0, null, "United Kingdom")
      .toDataset();
  private static final Dataset<Row> RETURNS = Rows.lines()
      .line("C490001", "A", -2, "2011-11-02 09:00:00", 2.5, 1L, "France")
      .line("C490001", "B", -1, "2011-11-02 09:00:00", 1.0, 1L, "France")
      .line("C500200", "A", -1, "2011-12-10 09:00:00", 2.5, 1L, "France") // after as-of
      .line("C470001", "C", -1, "2011-01-02 09:00:00", 9.0, 3L, "Spain")  // returns only: no customer
      .toDataset();

  private static Map<Long, Row> byCustomer(LocalDate asOf) {
    Map<Long, Row> m = new HashMap<>();
    for (Row r : Rfm.compute(SALES, RETURNS, asOf).collectAsList()) {
      m.put(r.getAs("customer_id"), r);
    }
    return m;
  }

  @Test
  void exactRecencyFrequencyMonetary() {
    Map<Long, Row> rfm = byCustomer(LocalDate.of(2011, 12, 9));
    assertThat(rfm).containsOnlyKeys(1L, 2L);

    Row c1 = rfm.get(1L);
    assertThat(c1.getAs("as_of_date").toString()).isEqualTo("2011-12-09");
    assertThat(c1.<Integer>getAs("recency_days")).isZero();          // bought on the as-of date
    assertThat(c1.<Long>getAs("frequency")).isEqualTo(2L);           // distinct invoices, not lines
    assertThat(c1.<Double>getAs("monetary")).isCloseTo(23.0, within(1e-9)); // 10 + 3 + 10; returns do not count
    assertThat(c1.getAs("first_purchase_date").toString()).isEqualTo("2011-11-01");
    assertThat(c1.getAs("last_purchase_date").toString()).isEqualTo("2011-12-09");
    assertThat(c1.<Integer>getAs("tenure_days")).isEqualTo(38);
    assertThat(c1.<Double>getAs("avg_order_value")).isCloseTo(11.5, within(1e-9));
    assertThat(c1.<Long>getAs("distinct_products")).isEqualTo(2L);
    assertThat(c1.<Long>getAs("returns_count")).isEqualTo(1L);
    assertThat(c1.<Double>getAs("returns_value")).isCloseTo(6.0, within(1e-9));
    assertThat(c1.<String>getAs("country")).isEqualTo("United Kingdom"); // of the latest purchase

    Row c2 = rfm.get(2L);
    assertThat(c2.<Integer>getAs("recency_days")).isEqualTo(177);
    assertThat(c2.<Long>getAs("frequency")).isEqualTo(1L);
    assertThat(c2.<Double>getAs("monetary")).isCloseTo(30.0, within(1e-9));
    assertThat(c2.<Integer>getAs("tenure_days")).isEqualTo(177);
    assertThat(c2.<Long>getAs("returns_count")).isZero();
    assertThat(c2.<Double>getAs("returns_value")).isZero();
  }

  @Test
  void backfillGivesThatDaysView() {
    Map<Long, Row> rfm = byCustomer(LocalDate.of(2011, 11, 30));
    Row c1 = rfm.get(1L);
    assertThat(c1.<Integer>getAs("recency_days")).isEqualTo(29);
    assertThat(c1.<Long>getAs("frequency")).isEqualTo(1L);
    assertThat(c1.<Double>getAs("monetary")).isCloseTo(10.0, within(1e-9));
    assertThat(c1.<String>getAs("country")).isEqualTo("France");
    assertThat(byCustomer(LocalDate.of(2011, 6, 14))).isEmpty();
  }
}
