package com.customeranalytics.stage.nextpurchase;

import static org.assertj.core.api.Assertions.assertThat;

import com.customeranalytics.config.Settings;
import com.customeranalytics.features.CustomerFeatures;
import com.customeranalytics.testing.Rows;
import com.customeranalytics.testing.SparkExtension;
import com.customeranalytics.testing.SparkTest;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SparkExtension.class)
class NextPurchaseStageTest {
  private static final LocalDate AS_OF = LocalDate.of(2011, 12, 9);

  @Test
  void windowsAlignToCalendarMonths() {
    com.customeranalytics.features.ModelWindows w = NextPurchaseStage.windows(AS_OF, SparkTest.settings());
    assertThat(w.featureStart).isEqualTo("2011-03-01");
    assertThat(w.featureEnd).isEqualTo("2011-08-31");
    assertThat(w.targetStart).isEqualTo("2011-09-01");
    assertThat(w.targetEnd).isEqualTo("2011-11-30");
    assertThat(w.scoreStart).isEqualTo("2011-06-01");
    assertThat(w.scoreEnd).isEqualTo("2011-11-30");
  }

  @Test
  void gapsLabelsAndClasses() {
    Settings s = SparkTest.settings("segment.k=2");
    Dataset<Row> sales = Rows.lines()
        // 1: four purchase days (two lines on one), gaps 30, 20, 10; next purchase the next day
        .line("1", "A", 1, "2011-03-01 09:00:00", 1.0, 1L, "UK")
        .line("2", "A", 1, "2011-03-11 09:00:00", 1.0, 1L, "UK")
        .line("3", "A", 1, "2011-03-31 09:00:00", 1.0, 1L, "UK")
        .line("4", "A", 1, "2011-04-30 09:00:00", 1.0, 1L, "UK")
        .line("4", "B", 1, "2011-04-30 09:00:00", 1.0, 1L, "UK")
        .line("5", "A", 1, "2011-08-31 18:00:00", 1.0, 1L, "UK")
        .line("6", "A", 1, "2011-09-01 09:00:00", 1.0, 1L, "UK")
        // 2: one purchase day; next purchase 25 days later
        .line("7", "A", 1, "2011-08-31 09:00:00", 1.0, 2L, "UK")
        .line("8", "A", 1, "2011-09-25 09:00:00", 1.0, 2L, "UK")
        // 3: next purchase 60 days later
        .line("9", "A", 1, "2011-08-01 09:00:00", 1.0, 3L, "UK")
        .line("10", "A", 1, "2011-09-30 09:00:00", 1.0, 3L, "UK")
        // 4: no next purchase
        .line("11", "A", 1, "2011-05-01 09:00:00", 1.0, 4L, "UK")
        // 5: a purchase after the next window does not count
        .line("12", "A", 1, "2011-07-01 09:00:00", 1.0, 5L, "UK")
        .line("13", "A", 1, "2011-12-01 09:00:00", 1.0, 5L, "UK")
        .toDataset();
    com.customeranalytics.features.ModelWindows w = NextPurchaseStage.windows(AS_OF, s);
    Dataset<Row> gaps = CustomerFeatures.purchaseGaps(sales, w.featureStart, w.featureEnd);
    try (CustomerFeatures f = CustomerFeatures.of(sales, Rows.lines().toDataset(), w.featureStart,
        w.featureEnd, s.segment())) {
      Map<Long, Row> rows = new HashMap<>();
      for (Row r : NextPurchaseStage.trainingSet(f.withGaps(gaps), sales, w, s).collectAsList()) {
        rows.put(r.getAs("customer_id"), r);
      }
      assertThat(rows).containsOnlyKeys(1L, 2L, 3L, 4L, 5L);
      Row c1 = rows.get(1L);
      assertThat(c1.<Double>getAs("gap_1")).isEqualTo(123.0); // 04-30 -> 08-31
      assertThat(c1.<Double>getAs("gap_2")).isEqualTo(30.0);
      assertThat(c1.<Double>getAs("gap_3")).isEqualTo(20.0);
      assertThat(c1.<Double>getAs("gap_mean")).isEqualTo(45.75); // (10 + 20 + 30 + 123) / 4
      assertThat(c1.<Integer>getAs("days_to_next_purchase")).isEqualTo(1);
      assertThat(c1.<String>getAs("next_purchase_class")).isEqualTo("0-20");
      Row c2 = rows.get(2L);
      assertThat(c2.<Double>getAs("gap_1")).isEqualTo(-1.0);
      assertThat(c2.<Double>getAs("gap_std")).isEqualTo(-1.0);
      assertThat(c2.<Integer>getAs("days_to_next_purchase")).isEqualTo(25);
      assertThat(c2.<String>getAs("next_purchase_class")).isEqualTo("21-50");
      assertThat(rows.get(3L).<Integer>getAs("days_to_next_purchase")).isEqualTo(60);
      assertThat(rows.get(3L).<String>getAs("next_purchase_class")).isEqualTo("over_50_or_none");
      assertThat(rows.get(4L).<Integer>getAs("days_to_next_purchase")).isNull();
      assertThat(rows.get(4L).<Integer>getAs("next_purchase_class_index")).isEqualTo(2);
      assertThat(rows.get(5L).<Integer>getAs("days_to_next_purchase")).isNull();
      assertThat(NextPurchaseStage.featureColumns()).doesNotContain("customer_id")
          .contains("gap_1", "gap_2", "gap_3", "gap_mean", "gap_std");
    }
  }
}
