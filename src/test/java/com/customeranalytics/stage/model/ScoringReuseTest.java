package com.customeranalytics.stage.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.customeranalytics.table.TableStore;
import com.customeranalytics.table.Tables;
import com.customeranalytics.testing.SparkExtension;
import com.customeranalytics.testing.SparkTest;
import java.nio.file.Path;
import java.time.LocalDate;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The files a scoring window reads: those of its months, wherever the warehouse lies; and no
 * digest at all where file names cannot tell a change (deletion vectors).
 */
@ExtendWith(SparkExtension.class)
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

  @Test
  void silverWithDeletionVectorsHasNoDigest(SparkSession spark) {
    Path plain = SparkTest.tempDir("scoring-plain");
    Path dv = SparkTest.tempDir("scoring-dv");
    for (Path wh : new Path[] {plain, dv}) {
      for (String t : Tables.SALES_AND_RETURNS) {
        spark.sql("CREATE TABLE delta.`" + wh.resolve(t) + "` (customer_id BIGINT, invoice_month STRING) USING DELTA"
            + " PARTITIONED BY (invoice_month)"
            + (wh == dv ? " TBLPROPERTIES ('delta.enableDeletionVectors' = 'true')" : ""));
        spark.sql("INSERT INTO delta.`" + wh.resolve(t) + "` VALUES (1, '2011-07'), (2, '2011-12')");
      }
    }
    TableStore a = new TableStore(spark, plain.toString());
    TableStore b = new TableStore(spark, dv.toString());
    String digest = ScoringReuse.inputs(a, "m", window(a)).orElseThrow();
    assertThat(digest).isNotEqualTo(ScoringReuse.inputs(a, "other-model", window(a)).orElseThrow());
    assertThat(ScoringReuse.inputs(b, "m", window(b))).isEmpty();
  }

  private static ModelStageOutputs.ScoringWindow window(TableStore t) {
    return new ModelStageOutputs.ScoringWindow(FROM, TO, t.read(Tables.SILVER_SALES), t.read(Tables.SILVER_RETURNS), "s");
  }
}
