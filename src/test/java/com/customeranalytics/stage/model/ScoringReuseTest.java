package com.customeranalytics.stage.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import org.junit.jupiter.api.Test;

/** The files a scoring window reads: those of its months, wherever the warehouse lies. */
class ScoringReuseTest {
  private static final LocalDate FROM = LocalDate.of(2011, 6, 1);
  private static final LocalDate TO = LocalDate.of(2011, 11, 30);

  @Test
  void onlyTheWindowsMonthsCountAndNotWhereTheTableLies() {
    String[] files = {
      "file:/wh/silver_sales/invoice_month=2011-12/part-00000-c.snappy.parquet",
      "file:/wh/silver_sales/invoice_month=2011-11/part-00001-b.snappy.parquet",
      "file:/wh/silver_sales/invoice_month=2011-05/part-00000-x.snappy.parquet",
      "file:/wh/silver_sales/invoice_month=2011-06/part-00000-a.snappy.parquet",
      "file:/wh/silver_sales/invoice_month=__HIVE_DEFAULT_PARTITION__/part-00000-n.snappy.parquet",
    };
    assertThat(ScoringReuse.windowFiles(files, FROM, TO)).containsExactly(
        "invoice_month=2011-06/part-00000-a.snappy.parquet", "invoice_month=2011-11/part-00001-b.snappy.parquet");

    String[] copied = {
      "s3a://bucket/other/silver_sales/invoice_month=2011-06/part-00000-a.snappy.parquet",
      "s3a://bucket/other/silver_sales/invoice_month=2011-11/part-00001-b.snappy.parquet",
    };
    assertThat(ScoringReuse.windowFiles(copied, FROM, TO)).isEqualTo(ScoringReuse.windowFiles(files, FROM, TO));
    // A month that received lines has a new file: a different list.
    String[] grown = {copied[0], copied[1], "file:/wh/silver_sales/invoice_month=2011-09/part-00000-new.snappy.parquet"};
    assertThat(ScoringReuse.windowFiles(grown, FROM, TO)).hasSize(3);
  }
}
