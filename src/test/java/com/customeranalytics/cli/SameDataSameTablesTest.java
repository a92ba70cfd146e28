package com.customeranalytics.cli;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.rand;
import static org.apache.spark.sql.functions.xxhash64;
import static org.assertj.core.api.Assertions.assertThat;

import com.customeranalytics.features.Rfm;
import com.customeranalytics.stage.rollups.RollupsStage;
import com.customeranalytics.table.TableStore;
import com.customeranalytics.testing.SparkExtension;
import com.customeranalytics.testing.SparkTest;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The same rows as one CSV file and as Parquet files in another order and partitioning give the
 * same tables, bit for bit: no result may depend on the order rows reach an aggregate.
 */
@ExtendWith(SparkExtension.class)
class SameDataSameTablesTest {
  private final SparkSession spark = SparkTest.spark();

  private static final List<String> TABLES = List.of("customer_rfm", "customer_segments",
      "rfm_cluster_profiles", "kmeans_k_selection", "monthly_metrics", "country_rollup",
      "cohort_retention", "segment_summary", "insights");

  @Test
  void csvAndShuffledParquetOfTheRealFileGiveIdenticalTables() throws IOException {
    Path csvIn = SparkTest.tempDir("same-csv");
    Path head = csvIn.resolve("online_retail_head.csv");
    try (BufferedReader r = new BufferedReader(new InputStreamReader(
             new GZIPInputStream(Files.newInputStream(SparkTest.realFile())), StandardCharsets.UTF_8));
         BufferedWriter w = Files.newBufferedWriter(head, StandardCharsets.UTF_8)) {
      String line;
      for (int i = 0; i <= 40_000 && (line = r.readLine()) != null; i++) { // header + 40,000 rows
        w.write(line);
        w.write('\n');
      }
    }
    Path parquetIn = SparkTest.tempDir("same-parquet");
    spark.read().option("header", "true").option("escape", "\"").csv(head.toString())
        .repartition(3, xxhash64(col("Description"))).sortWithinPartitions(col("Description").desc())
        .write().mode("overwrite").parquet(parquetIn.resolve("drop").toString());

    Path whCsv = SparkTest.tempDir("same-wh-csv");
    Path whParquet = SparkTest.tempDir("same-wh-parquet");
    String stages = "stages=ingest,clean,rfm,segment,rollups";
    String sweep = "segment.k-max=4"; // a short k sweep: the fits are not what is tested
    Pipeline.runJob(spark, SparkTest.settings(whCsv, csvIn.toString(), stages, sweep));
    Pipeline.runJob(spark, SparkTest.settings(whParquet, parquetIn.resolve("drop").toString(), stages, sweep));

    TableStore a = new TableStore(spark, whCsv.toString());
    TableStore b = new TableStore(spark, whParquet.toString());
    for (String t : TABLES) {
      Dataset<Row> x = a.read(t);
      Dataset<Row> y = b.read(t).select(x.columns()[0], java.util.Arrays.copyOfRange(x.columns(), 1, x.columns().length));
      assertThat(y.count()).as(t).isEqualTo(x.count()).isPositive();
      assertThat(x.exceptAll(y).count()).as("rows of %s from CSV not in the Parquet run's", t).isZero();
      assertThat(y.exceptAll(x).count()).as("rows of %s from Parquet not in the CSV run's", t).isZero();
    }

    // The aggregates themselves, on one set of silver rows in two orders and partitionings: the
    // per-customer and per-month revenue sums must not move in the last bits.
    Dataset<Row> sales = a.read("silver_sales");
    Dataset<Row> returns = a.read("silver_returns");
    Dataset<Row> segments = a.read("customer_segments");
    LocalDate asOf = segments.select("as_of_date").first().getDate(0).toLocalDate();
    Dataset<Row> sales1 = sales.repartition(5, rand(1)).sortWithinPartitions(rand(2));
    Dataset<Row> sales2 = sales.repartition(2, rand(3)).sortWithinPartitions(col("revenue").desc());
    assertSame("customer_rfm", Rfm.compute(sales1, returns, asOf), Rfm.compute(sales2, returns, asOf));
    RollupsStage.Result r1 = RollupsStage.compute(sales1, returns, segments, asOf, SparkTest.settings());
    RollupsStage.Result r2 = RollupsStage.compute(sales2, returns, segments, asOf, SparkTest.settings());
    assertSame("monthly_metrics", r1.monthly, r2.monthly);
    assertSame("country_rollup", r1.countries, r2.countries);
    assertSame("insights", r1.insights, r2.insights);
  }

  private static void assertSame(String what, Dataset<Row> x, Dataset<Row> y) {
    assertThat(x.count()).as(what).isPositive();
    assertThat(x.exceptAll(y).count()).as("%s rows that differ between two orders of the same rows", what).isZero();
  }
}
