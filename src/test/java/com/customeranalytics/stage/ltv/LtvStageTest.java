package com.customeranalytics.stage.ltv;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.customeranalytics.config.Settings;
import com.customeranalytics.features.CustomerFeatures;
import com.customeranalytics.testing.Rows;
import com.customeranalytics.testing.SparkExtension;
import com.customeranalytics.testing.SparkTest;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SparkExtension.class)
class LtvStageTest {
  private static final LocalDate AS_OF = LocalDate.of(2011, 12, 9);

  @Test
  void windowsAlignToCalendarMonths() {
    com.customeranalytics.features.ModelWindows w = LtvStage.windows(AS_OF, SparkTest.settings());
    assertThat(w.featureStart).isEqualTo("2011-03-01");
    assertThat(w.featureEnd).isEqualTo("2011-05-31");
    assertThat(w.targetStart).isEqualTo("2011-06-01");
    assertThat(w.targetEnd).isEqualTo("2011-11-30");
    assertThat(w.scoreStart).isEqualTo("2011-09-01");
    assertThat(w.scoreEnd).isEqualTo("2011-11-30");
    // The first day of a month is its own label_end month.
    assertThat(LtvStage.windows(LocalDate.of(2011, 12, 1), SparkTest.settings()).targetEnd)
        .isEqualTo("2011-11-30");
  }

  @Test
  void trainingSetLabelsClassesAndOutliers() {
    Settings s = SparkTest.settings("segment.k=2");
    Rows.Lines lines = Rows.lines()
        // 1: first day of the feature window; first and last day of the label window
        .line("1", "A", 1, "2011-03-01 09:00:00", 10.0, 1L, "UK")
        .line("2", "A", 1, "2011-06-01 09:00:00", 100.0, 1L, "UK")
        .line("3", "A", 1, "2011-11-30 18:00:00", 50.0, 1L, "UK")
        // 2: last day of the feature window, nothing in the label window: label 0
        .line("4", "A", 1, "2011-05-31 18:00:00", 10.0, 2L, "UK")
        // 3: the day before the feature window only: not in the training set
        .line("5", "A", 1, "2011-02-28 18:00:00", 10.0, 3L, "UK")
        .line("6", "A", 1, "2011-07-01 10:00:00", 999.0, 3L, "UK")
        // 4: a purchase after the label window does not count: label 0
        .line("7", "A", 1, "2011-04-01 10:00:00", 10.0, 4L, "UK")
        .line("8", "A", 1, "2011-12-01 10:00:00", 500.0, 4L, "UK")
        // 5: the biggest label: left out of training by the 0.99 quantile rule
        .line("9", "A", 1, "2011-04-02 10:00:00", 10.0, 5L, "UK")
        .line("10", "A", 1, "2011-08-01 10:00:00", 100000.0, 5L, "UK");
    for (long c = 6; c <= 12; c++) { // spread of labels so three classes exist
      lines.line("f" + c, "A", 1, "2011-04-10 10:00:00", 5.0, c, "UK")
          .line("l" + c, "A", 1, "2011-09-10 10:00:00", c * c * 40.0, c, "UK");
    }
    Dataset<Row> sales = lines.toDataset();
    Dataset<Row> returns = Rows.lines().toDataset();
    com.customeranalytics.features.ModelWindows w = LtvStage.windows(AS_OF, s);
    try (CustomerFeatures f = CustomerFeatures.of(sales, returns, w.featureStart, w.featureEnd, s.segment())) {
      LtvStage.TrainingSet ts = LtvStage.trainingSet(f.data, sales, w, s);
      Map<Long, Row> rows = new HashMap<>();
      for (Row r : ts.rows.collectAsList()) {
        rows.put(r.getAs("customer_id"), r);
      }
      assertThat(rows).containsOnlyKeys(1L, 2L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L, 12L);
      assertThat(rows.get(1L).<Double>getAs("label_revenue")).isCloseTo(150.0, within(1e-9));
      assertThat(rows.get(2L).<Double>getAs("label_revenue")).isZero();
      assertThat(rows.get(4L).<Double>getAs("label_revenue")).isZero();
      assertThat(rows.get(1L).<Double>getAs("recency_days")).isEqualTo(91.0); // 2011-03-01 -> 05-31
      assertThat(rows.get(2L).<Double>getAs("recency_days")).isZero();
      // Quantile rule: only the top label is flagged; it stays in the table.
      assertThat(rows.values()).filteredOn(r -> r.<Boolean>getAs("excluded_from_training"))
          .extracting(r -> r.<Long>getAs("customer_id")).containsExactly(5L);
      assertThat(rows.get(5L).<String>getAs("split")).isEqualTo("excluded");
      // Classes are ordered by label: a higher label never has a lower class.
      List<Row> sorted = ts.rows.filter(col("excluded_from_training").equalTo(false))
          .orderBy("label_revenue").collectAsList();
      for (int i = 1; i < sorted.size(); i++) {
        assertThat(sorted.get(i).<Integer>getAs("ltv_class_index"))
            .isGreaterThanOrEqualTo(sorted.get(i - 1).<Integer>getAs("ltv_class_index"));
      }
      assertThat(sorted.get(0).<String>getAs("ltv_class")).isEqualTo("Low");
      assertThat(sorted.get(sorted.size() - 1).<String>getAs("ltv_class")).isEqualTo("High");
      assertThat(ts.centers).hasSize(3).isSorted();
      // Features never include the customer id.
      assertThat(CustomerFeatures.RFM_FEATURES).doesNotContain("customer_id");
      assertThat(ts.rows.filter(col("split").equalTo("test")).count()).isPositive();
    }
  }
}
