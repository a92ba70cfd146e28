package com.customeranalytics.features;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;
import static org.assertj.core.api.Assertions.assertThat;

import com.customeranalytics.testing.Rows;
import com.customeranalytics.testing.SparkExtension;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** customer_rfm from the customer state equals customer_rfm from the lines, to the bit, any day. */
@ExtendWith(SparkExtension.class)
class CustomerStateTest {
  /** Lines of two ingest runs: an invoice split over runs and over two days, ties, guests, returns. */
  private static final Dataset<Row> SALES = Rows.lines()
      .line("500001", "A", 2, "2011-12-09 10:00:00", 5.1, 1L, "United Kingdom")
      .line("500001", "B", 1, "2011-12-09 10:00:00", 3.3, 1L, "Spain")      // a tie in time: by country
      .line("500001", "B", 1, "2011-12-10 00:10:00", 3.3, 1L, "Spain")      // the same invoice, next day
      .line("490000", "A", 4, "2011-11-01 09:30:00", 2.55, 1L, "France")
      .line("490000", "C", 3, "2011-11-01 09:30:00", 0.1, 1L, "France")
      .line("470000", "C", 3, "2011-06-15 12:00:00", 10.07, 2L, "Germany")
      .line("470001", "C", 1, "2011-06-16 12:00:00", 0.7, 2L, "Germany")
      .line("480000", "A", 7, "2011-08-01 12:00:00", 1.0, null, "United Kingdom")
      .toDataset()
      .withColumn("run_id", when(col("invoice_ts").geq(lit("2011-11-01")), lit("r2")).otherwise(lit("r1")));
  private static final Dataset<Row> RETURNS = Rows.lines()
      .line("C490001", "A", -2, "2011-11-02 09:00:00", 2.55, 1L, "France")
      .line("C490001", "B", -1, "2011-11-03 09:00:00", 1.1, 1L, "France")
      .line("C470001", "C", -1, "2011-01-02 09:00:00", 9.0, 3L, "Spain")
      .toDataset()
      .withColumn("run_id", lit("r1"));

  @Test
  void theStateGivesTheLinesFiguresOnAnyDay() {
    Dataset<Row> invoices = CustomerState.invoices(SALES, RETURNS);
    Dataset<Row> products = CustomerState.products(SALES);
    assertThat(invoices.filter(col("kind").equalTo("sale")).count()).isEqualTo(5); // 500001 on two days
    for (String day : List.of("2011-06-15", "2011-11-02", "2011-12-09", "2011-12-10", "2012-01-31")) {
      LocalDate asOf = LocalDate.parse(day);
      Dataset<Row> fromLines = Rfm.compute(SALES, RETURNS, asOf);
      Dataset<Row> fromState = CustomerState.rfm(invoices, products, asOf);
      assertThat(fromState.columns()).containsExactly(fromLines.columns());
      assertThat(fromState.schema().fields()).extracting(f -> f.dataType())
          .containsExactly(java.util.Arrays.stream(fromLines.schema().fields()).map(f -> f.dataType())
              .toArray(org.apache.spark.sql.types.DataType[]::new));
      assertThat(fromState.count()).as(day).isEqualTo(fromLines.count()).isPositive();
      assertThat(fromState.exceptAll(fromLines).count()).as(day).isZero();
      assertThat(fromLines.exceptAll(fromState).count()).as(day).isZero();
    }
    Row c1 = CustomerState.rfm(invoices, products, LocalDate.parse("2011-12-09"))
        .filter(col("customer_id").equalTo(1L)).head();
    assertThat(c1.<String>getAs("country")).isEqualTo("United Kingdom");
    assertThat(c1.<Long>getAs("distinct_products")).isEqualTo(3L);
    assertThat(c1.<Long>getAs("returns_count")).isEqualTo(1L);
  }
}
