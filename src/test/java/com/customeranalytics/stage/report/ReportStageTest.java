package com.customeranalytics.stage.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.customeranalytics.config.Settings;
import com.customeranalytics.job.InputException;
import com.customeranalytics.job.StageContext;
import com.customeranalytics.job.StageResult;
import com.customeranalytics.table.RunTables;
import com.customeranalytics.table.TableStore;
import com.customeranalytics.table.Tables;
import com.customeranalytics.testing.SparkExtension;
import com.customeranalytics.testing.SparkTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The report stage on tiny hand-made gold tables: exact CSVs, sample, summary and HTML. */
@ExtendWith(SparkExtension.class)
class ReportStageTest {
  private static final Date AS_OF = Date.valueOf("2011-12-09");
  private static final Date OTHER_DAY = Date.valueOf("2011-12-01");
  private static Path wh;
  /** The bundle of one run with 5 sampled customers, read by the tests that only look. */
  private static Path bundle;

  private static final StructType SEGMENT_SUMMARY = new StructType()
      .add("as_of_date", DataTypes.DateType)
      .add("segmentation", DataTypes.StringType)
      .add("segment", DataTypes.StringType)
      .add("customers", DataTypes.LongType)
      .add("customer_share", DataTypes.DoubleType)
      .add("revenue", DataTypes.DoubleType)
      .add("revenue_share", DataTypes.DoubleType);
  private static final StructType MONTHLY = new StructType()
      .add("as_of_date", DataTypes.DateType)
      .add("month", DataTypes.StringType)
      .add("complete_month", DataTypes.BooleanType)
      .add("revenue", DataTypes.DoubleType)
      .add("active_customers", DataTypes.LongType)
      .add("new_customers", DataTypes.LongType)
      .add("retention_rate", DataTypes.DoubleType);
  private static final StructType SEGMENTS = new StructType()
      .add("as_of_date", DataTypes.DateType)
      .add("customer_id", DataTypes.LongType)
      .add("recency_days", DataTypes.IntegerType)
      .add("frequency", DataTypes.LongType)
      .add("monetary", DataTypes.DoubleType)
      .add("recency_cluster", DataTypes.IntegerType)
      .add("frequency_cluster", DataTypes.IntegerType)
      .add("monetary_cluster", DataTypes.IntegerType)
      .add("overall_score", DataTypes.IntegerType)
      .add("segment", DataTypes.StringType)
      .add("r_score", DataTypes.IntegerType)
      .add("f_score", DataTypes.IntegerType)
      .add("m_score", DataTypes.IntegerType)
      .add("rfm_segment", DataTypes.StringType)
      .add("country", DataTypes.StringType);
  private static final StructType LTV_SET = new StructType()
      .add("as_of_date", DataTypes.DateType)
      .add("customer_id", DataTypes.LongType)
      .add("label_revenue", DataTypes.DoubleType)
      .add("ltv_class", DataTypes.StringType);
  private static final StructType METRICS = new StructType()
      .add("as_of_date", DataTypes.DateType)
      .add("model", DataTypes.StringType)
      .add("variant", DataTypes.StringType)
      .add("validation_f1", DataTypes.DoubleType)
      .add("accuracy", DataTypes.DoubleType)
      .add("weighted_f1", DataTypes.DoubleType)
      .add("precision_low", DataTypes.DoubleType)
      .add("precision_high", DataTypes.DoubleType)
      .add("confusion_matrix", DataTypes.StringType)
      .add("is_best", DataTypes.BooleanType);

  @BeforeAll
  static void tables() {
    wh = SparkTest.tempDir("report-wh");
    TableStore t = new TableStore(SparkTest.spark(), wh.toString());
    t.overwrite(Tables.SEGMENT_SUMMARY, df(SEGMENT_SUMMARY,
        RowFactory.create(AS_OF, "segment", "Low", 15L, 0.75, 100.0, 0.25),
        RowFactory.create(AS_OF, "segment", "High", 5L, 0.25, 300.0, 0.75),
        RowFactory.create(AS_OF, "rfm_segment", "Champions & <Co>", 20L, 1.0, 400.0, 1.0),
        RowFactory.create(OTHER_DAY, "segment", "Low", 99L, 1.0, 1.0, 1.0)), "as_of_date");
    t.overwrite(Tables.MONTHLY_METRICS, df(MONTHLY,
        RowFactory.create(AS_OF, "2011-11", true, 250.0, 12L, 12L, null),
        RowFactory.create(AS_OF, "2011-12", false, 150.5, 9L, 2L, 0.5833333333333334),
        RowFactory.create(OTHER_DAY, "2011-11", true, 1.0, 1L, 1L, null)), "as_of_date");
    List<Row> customers = new ArrayList<>();
    for (long id = 1; id <= 20; id++) {
      customers.add(RowFactory.create(AS_OF, id, (int) id, id, id * 10.0, 1, 1, 1, (int) (id % 7),
          id <= 15 ? "Low" : "High", 1, 2, 3, "Champions & <Co>", "United Kingdom"));
    }
    customers.add(RowFactory.create(OTHER_DAY, 99L, 1, 1L, 1.0, 0, 0, 0, 0, "Low", 1, 1, 1, "Lost", "France"));
    t.overwrite(Tables.CUSTOMER_SEGMENTS, SparkTest.spark().createDataFrame(customers, SEGMENTS), "as_of_date");
    List<Row> labels = new ArrayList<>();
    for (long id = 1; id <= 20; id += 2) {
      labels.add(RowFactory.create(AS_OF, id, id * 1.5, id < 10 ? "Low" : "High"));
    }
    t.overwrite(Tables.LTV_TRAINING_SET, SparkTest.spark().createDataFrame(labels, LTV_SET), "as_of_date");
    t.overwrite(Tables.LTV_MODEL_METRICS, df(METRICS,
        RowFactory.create(AS_OF, "gbt", "default", 0.80, 0.75, 0.74, 0.7, 0.8, "[[6,2],[3,9]]", false),
        RowFactory.create(AS_OF, "random_forest", "default", 0.85, 0.80, 0.79, 0.8, 0.9, "[[7,1],[3,9]]", true)),
        "as_of_date");
    // job_runs: the report lists the latest run of each stage for its date, whichever run it was.
    t.appendLog(Tables.JOB_RUNS, df(RunTables.JOB_RUNS_SCHEMA,
        jobRun("run-1", null, "ingest", "2026-01-01T01:00:00Z", 100L),
        jobRun("run-1", AS_OF, "segment", "2026-01-01T01:05:00Z", 20L),
        jobRun("run-2", AS_OF, "segment", "2026-01-02T01:05:00Z", 21L),
        jobRun("run-3", OTHER_DAY, "segment", "2026-01-03T01:05:00Z", 99L),
        jobRun("run-2", AS_OF, "report", "2026-01-02T01:06:00Z", 6L)));
    bundle = runStage("report.sample-rows=5");
  }

  private static Row jobRun(String run, Date asOf, String stage, String started, long rows) {
    Timestamp at = Timestamp.from(Instant.parse(started));
    return RowFactory.create(run, asOf, stage, "succeeded", at, at, 1.5, rows, rows, 3, "digest", "test", null);
  }

  private static org.apache.spark.sql.Dataset<Row> df(StructType schema, Row... rows) {
    return SparkTest.spark().createDataFrame(List.of(rows), schema);
  }

  private static Path runStage(String... sets) {
    List<String> all = new ArrayList<>(List.of("as-of-date=2011-12-09"));
    all.addAll(List.of(sets));
    Settings s = SparkTest.settings(wh, null, all.toArray(new String[0]));
    StageResult r = new ReportStage().run(new StageContext(SparkTest.spark(), s, "test-run", ""));
    assertThat(r.rowsOut()).isEqualTo(6);
    return wh.resolve("reports/2011-12-09");
  }

  private static String read(Path p) throws IOException {
    return Files.readString(p, StandardCharsets.UTF_8);
  }

  @Test
  void writesTheBundleForTheAsOfDateOnly() throws IOException {
    Path dir = bundle;
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList())).containsExactly(
          "customer_sample.csv", "ltv_model_metrics.csv", "monthly_metrics.csv", "report.html",
          "segment_summary.csv", "summary.json");
    }
    assertThat(read(dir.resolve("monthly_metrics.csv"))).isEqualTo(
        "as_of_date,month,complete_month,revenue,active_customers,new_customers,retention_rate\r\n"
            + "2011-12-09,2011-11,true,250.0,12,12,\r\n"
            + "2011-12-09,2011-12,false,150.5,9,2,0.5833333333333334\r\n");
    // Sorted by segmentation, segment; a name with a comma-free ampersand needs no quoting.
    assertThat(read(dir.resolve("segment_summary.csv")).split("\r\n")).containsExactly(
        "as_of_date,segmentation,segment,customers,customer_share,revenue,revenue_share",
        "2011-12-09,rfm_segment,Champions & <Co>,20,1.0,400.0,1.0",
        "2011-12-09,segment,High,5,0.25,300.0,0.75",
        "2011-12-09,segment,Low,15,0.75,100.0,0.25");
  }

  @Test
  void sampleIsBoundedDeterministicAndLabelled() throws IOException {
    Path dir = bundle;
    List<String> first = List.of(read(dir.resolve("customer_sample.csv")).split("\r\n"));
    assertThat(first).hasSize(6);
    assertThat(first.get(0)).isEqualTo("customer_id,recency_days,frequency,monetary,recency_cluster,frequency_cluster,"
        + "monetary_cluster,overall_score,segment,r_score,f_score,m_score,rfm_segment,label_revenue,ltv_class");
    for (String line : first.subList(1, 6)) {
      String[] f = line.split(",");
      long id = Long.parseLong(f[0]);
      assertThat(id).isBetween(1L, 20L); // never the other day's customer 99
      // Odd ids are in the LTV training set with label id * 1.5; even ids have no label.
      assertThat(f.length == 15 ? f[13] : "").isEqualTo(id % 2 == 1 ? String.valueOf(id * 1.5) : "");
    }
    assertThat(List.of(read(runStage("report.sample-rows=5").resolve("customer_sample.csv")).split("\r\n")))
        .as("same seed, same sample").isEqualTo(first);
    assertThat(List.of(read(runStage("report.sample-rows=5", "report.seed=7").resolve("customer_sample.csv"))
        .split("\r\n"))).as("another seed, another sample").isNotEqualTo(first);
  }

  @Test
  void summaryMatchesTheTablesAndNotesWhatIsMissing() throws IOException {
    Path dir = bundle;
    JsonNode s = new ObjectMapper().readTree(read(dir.resolve("summary.json")));
    assertThat(s.get("run_id").asText()).isEqualTo("test-run");
    assertThat(s.get("as_of_date").asText()).isEqualTo("2011-12-09");
    assertThat(s.get("settings_digest").asText()).hasSize(16);
    JsonNode h = s.get("headline");
    assertThat(h.get("customers").asLong()).isEqualTo(20);
    assertThat(h.get("revenue").asDouble()).isCloseTo(400.5, within(1e-9));
    assertThat(h.get("segment_customers").get("segment").get("High").asLong()).isEqualTo(5);
    JsonNode best = h.get("best_models").get("ltv");
    assertThat(best.get("model").asText()).isEqualTo("random_forest");
    assertThat(best.get("test_weighted_f1").asDouble()).isEqualTo(0.79);
    assertThat(h.get("best_models").has("next_purchase")).isFalse();
    List<String> files = new ArrayList<>();
    s.get("files").forEach(f -> files.add(f.get("file").asText() + "=" + f.get("rows").asText()));
    assertThat(files).containsExactly("segment_summary.csv=3", "ltv_model_metrics.csv=2", "monthly_metrics.csv=2",
        "customer_sample.csv=5", "summary.json=null", "report.html=null");
    List<String> stages = new ArrayList<>();
    s.get("stages").forEach(st -> stages.add(st.get("stage").asText() + "@" + st.get("run_id").asText() + "="
        + st.get("rows_out").asLong()));
    assertThat(stages).containsExactly("ingest@run-1=100", "segment@run-2=21");
    List<String> missing = new ArrayList<>();
    s.get("missing").forEach(m -> missing.add(m.get("file").asText()));
    assertThat(missing).contains("kmeans_k_selection.csv", "ltv_roc_points.csv", "country_rollup.csv", "insights.csv")
        .doesNotContain("monthly_metrics.csv");
  }

  @Test
  void htmlIsSelfContainedWithEscapedText() throws IOException {
    String html = read(bundle.resolve("report.html"));
    assertThat(html).startsWith("<!DOCTYPE html>").contains("<svg").doesNotContain("<script")
        .doesNotContain(" src=", " href=\"http", "<link", "@import", "url(")
        .contains("Champions &amp; &lt;Co&gt; are 100% of customers and 100% of revenue")
        .doesNotContain("Champions & <Co>")
        .contains("High are 25% of customers and 75% of revenue")
        .contains("Best by validation F1: random_forest/default (validation 0.850), test weighted F1 0.790,"
            + " accuracy 0.800: 16 of 20 test customers right; most frequent error: true high predicted low (3).")
        .contains("Not in this bundle: " + Tables.KMEANS_K_SELECTION);
  }

  @Test
  void rerunReplacesTheBundle() throws IOException {
    Path dir = bundle;
    Files.writeString(dir.resolve("stale.csv"), "old");
    runStage("report.sample-rows=5");
    assertThat(dir.resolve("stale.csv")).doesNotExist();
    assertThat(dir.resolve("report.html")).exists();
  }

  @Test
  void failsClearlyWhenThereIsNothingToReport() {
    Path empty = SparkTest.tempDir("report-empty");
    Settings s = SparkTest.settings(empty, null, "as-of-date=2011-12-09");
    assertThatThrownBy(() -> new ReportStage().run(new StageContext(SparkTest.spark(), s, "r", "")))
        .isInstanceOf(InputException.class)
        .hasMessageContaining("Nothing to report as of 2011-12-09")
        .hasMessageContaining(Tables.MONTHLY_METRICS);
  }
}
