package com.customeranalytics.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.customeranalytics.cli.Pipeline;
import com.customeranalytics.config.Settings;
import com.customeranalytics.table.TableStore;
import com.customeranalytics.table.Tables;
import com.customeranalytics.testing.SparkExtension;
import com.customeranalytics.testing.SparkTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** What a run leaves behind when it is killed, fails, or writes nothing. */
@ExtendWith(SparkExtension.class)
class RunStateTest {
  private final SparkSession spark = SparkTest.spark();

  private static final String CSV = "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n"
      + "536365,85123A,WHITE HANGING HEART,6,12/1/2010 8:26,2.55,17850,United Kingdom\n"
      + "536366,22633,HAND WARMER,6,12/3/2010 8:28,1.85,13047,United Kingdom\n";

  /** A stage named "probe" that runs {@code body}. */
  private static Stage probe(java.util.function.Function<StageContext, StageResult> body) {
    return new Stage() {
      @Override
      public String name() {
        return "probe";
      }

      @Override
      public StageResult run(StageContext c) {
        return body.apply(c);
      }
    };
  }

  /** A stage that looks at job_runs while it runs: a killed run would leave exactly this row. */
  @Test
  void aStageIsInJobRunsAsRunningWhileItRunsAndOnceWhenDone() {
    Path wh = SparkTest.tempDir("running-wh");
    Settings settings = SparkTest.settings(wh, "unused");
    StageContext ctx = new StageContext(spark, settings, "run-1", "unused");
    List<String> seen = new ArrayList<>();
    Stage probe = probe(c -> {
      for (Row r : c.tables().read(Tables.JOB_RUNS).select("run_id", "stage", "status").collectAsList()) {
        seen.add(r.mkString("/"));
      }
      return new StageResult(3, 2, "");
    });
    new JobRunner(List.of(probe)).run(ctx);

    assertThat(seen).containsExactly("run-1/probe/running");
    List<Row> rows = new TableStore(spark, wh.toString()).read(Tables.JOB_RUNS)
        .select("stage", "status", "rows_in", "rows_out").collectAsList();
    assertThat(rows).hasSize(1);
    assertThat(rows.get(0).mkString("/")).isEqualTo("probe/succeeded/3/2");
  }

  /** The stage's work is committed but its final job_runs row cannot be: said as such, once. */
  @Test
  void aStageWhoseJobRunsRowCannotBeWrittenSaysItsWorkIsDone() {
    Path wh = SparkTest.tempDir("log-fails-wh");
    StageContext ctx = new StageContext(spark, SparkTest.settings(wh, "unused"), "run-2", "unused");
    Stage breaksTheLog = probe(c -> {
      try { // the storage under job_runs stops taking writes while the stage runs
        Path log = wh.resolve(Tables.JOB_RUNS);
        Files.move(log, wh.resolve("job_runs.moved"));
        Files.writeString(log, "not a table folder");
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
      return new StageResult(1, 1, "");
    });
    assertThatThrownBy(() -> new JobRunner(List.of(breaksTheLog)).run(ctx))
        .isInstanceOf(StageFailedException.class)
        .hasMessageStartingWith("Stage 'probe' failed: probe finished and its tables are written, but its"
            + " job_runs row could not be")
        .hasMessageContaining("re-running");
  }

  @Test
  void aHalfCreatedTableIsSkippedByTheListingAndRecreatedByItsStage() throws Exception {
    Path in = SparkTest.tempDir("half-in");
    SparkTest.write(in, "a.csv", CSV);
    Path wh = SparkTest.tempDir("half-wh");
    Pipeline.runJob(spark, SparkTest.settings(wh, in.toString(), "stages=ingest,clean"));
    // A first write of customer_rfm that died before its first commit.
    Files.createDirectories(wh.resolve(Tables.CUSTOMER_RFM).resolve("_delta_log"));
    TableStore tables = new TableStore(spark, wh.toString());

    assertThat(tables.listTables()).contains(Tables.JOB_RUNS, Tables.SILVER_SALES)
        .doesNotContain(Tables.CUSTOMER_RFM);
    assertThat(tables.read(Tables.JOB_RUNS).count()).isEqualTo(2);

    Pipeline.runJob(spark, SparkTest.settings(wh, in.toString(), "stages=rfm"));
    assertThat(tables.listTables()).contains(Tables.CUSTOMER_RFM);
    assertThat(tables.read(Tables.CUSTOMER_RFM).count()).isEqualTo(2);
  }

  @Test
  void anAsOfDateBeforeAnySaleFailsAtRfmNamingTheSalesDates() {
    Path in = SparkTest.tempDir("early-in");
    SparkTest.write(in, "a.csv", CSV);
    Path wh = SparkTest.tempDir("early-wh");
    Pipeline.runJob(spark, SparkTest.settings(wh, in.toString(), "stages=ingest,clean,rfm"));

    assertThatThrownBy(() -> Pipeline.runJob(spark, SparkTest.settings(wh, in.toString(),
        "stages=rfm,segment", "as-of-date=1999-01-01")))
        .isInstanceOf(StageFailedException.class)
        .hasMessageContaining("Stage 'rfm' failed")
        .hasMessageContaining("from 2010-12-01 to 2010-12-03");
  }

  @Test
  void aStageWhoseInputTableIsMissingNamesTheStageThatWritesIt() {
    Path wh = SparkTest.tempDir("empty-wh");
    assertThatThrownBy(() -> Pipeline.runJob(spark, SparkTest.settings(wh, "unused", "stages=ltv")))
        .isInstanceOf(StageFailedException.class)
        .hasMessage("Stage 'ltv' failed: Table silver_sales does not exist under " + wh
            + ": run the clean stage (--stages clean) first");
  }

  /**
   * A clean that died after rewriting silver_sales (its other writes and dq_report not done):
   * the customer stages refuse the mixed set naming both runs; the next clean completes it.
   */
  @Test
  void silverTablesFromAnInterruptedCleanAreNotReadAsOneSet() {
    Path in = SparkTest.tempDir("torn-in");
    SparkTest.write(in, "a.csv", CSV);
    Path wh = SparkTest.tempDir("torn-wh");
    Pipeline.runJob(spark, SparkTest.settings(wh, in.toString(), "stages=ingest,clean,rfm"));
    TableStore died = new TableStore(spark, wh.toString(), "run-that-died");
    died.overwrite(Tables.SILVER_SALES, died.read(Tables.SILVER_SALES).localCheckpoint(), "invoice_month");

    assertThatThrownBy(() -> Pipeline.runJob(spark, SparkTest.settings(wh, in.toString(), "stages=rfm")))
        .isInstanceOf(StageFailedException.class)
        .hasMessageContaining("silver_sales was rewritten by run run-that-died after the last complete clean")
        .hasMessageContaining("Run the clean stage again (--stages clean)");

    // The next clean sees the interrupted one and completes it (its rows are written again).
    Pipeline.runJob(spark, SparkTest.settings(wh, in.toString(), "stages=clean,rfm"));
    TableStore store = new TableStore(spark, wh.toString());
    assertThat(store.read(Tables.CUSTOMER_RFM).count()).isEqualTo(2);
    assertThat(store.read(Tables.JOB_RUNS).filter("stage = 'clean' AND status = 'succeeded'")
        .orderBy(org.apache.spark.sql.functions.col("started_at").desc()).first().<String>getAs("message"))
        .contains("completed the interrupted clean that wrote silver_sales (run run-that-died)");
    assertThat(store.interruptedWrites(Tables.SILVER, Tables.DQ_REPORT)).isEmpty();
  }

  /** rows_out is this write's commit: a write that commits nothing reports 0, not an older count. */
  @Test
  void aWriteReportsItsOwnCommitsRowsNotAnEarlierOnes() {
    Path wh = SparkTest.tempDir("rows-wh");
    TableStore tables = new TableStore(spark, wh.toString(), "run-a");
    StructType schema = new StructType().add("d", DataTypes.StringType).add("v", DataTypes.IntegerType);
    List<Row> three = List.of(org.apache.spark.sql.RowFactory.create("x", 1),
        org.apache.spark.sql.RowFactory.create("x", 2), org.apache.spark.sql.RowFactory.create("x", 3));
    assertThat(tables.replaceWhere("t", "d = 'x'", spark.createDataFrame(three, schema), "d")).isEqualTo(3);
    assertThat(tables.replaceWhere("t", "d = 'y'", spark.createDataFrame(List.of(), schema), "d")).isEqualTo(0);
    assertThat(tables.count("t")).isEqualTo(3);
  }
}
