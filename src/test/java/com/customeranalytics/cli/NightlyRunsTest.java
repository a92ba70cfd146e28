package com.customeranalytics.cli;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import com.customeranalytics.table.TableStore;
import com.customeranalytics.table.Tables;
import com.customeranalytics.testing.ChildJob;
import com.customeranalytics.testing.SparkExtension;
import com.customeranalytics.testing.SparkTest;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The real file delivered over four nights (three month ranges, then a file repeating lines
 * already ingested), each night run ingest..rollups on its own as of its last date, equals one
 * full run over the same four files in another warehouse, table for table and row for row (but
 * for the ingest runs' lineage).
 */
@ExtendWith(SparkExtension.class)
class NightlyRunsTest {
  private static final SparkSession spark = SparkTest.spark();
  private static final String STAGES = "ingest,clean,rfm,segment,rollups";
  /** Night 4 repeats every this-many-th line of the first three drops. */
  private static final int REPEAT_EVERY = 2_000;
  private static Path nightly;
  private static Path full;
  private static Path in;
  /** A copy of the nightly warehouse before the last night. */
  private static Path beforeLastNight;
  private static final List<String> asOfDates = new ArrayList<>();
  private static final Map<String, Integer> dropLines = new LinkedHashMap<>();
  /** The customer and month states' versions before the last night. */
  private static final Map<String, Long> stateBeforeLastNight = new LinkedHashMap<>();

  @BeforeAll
  static void fourNightsAndOneFullRun() throws IOException {
    Path drops = SparkTest.tempDir("nightly-drops");
    in = SparkTest.tempDir("nightly-in");
    split(SparkTest.realFile(), drops);
    nightly = SparkTest.tempDir("nightly-wh");
    for (String f : dropLines.keySet()) {
      if (f.equals("drop4.csv")) {
        beforeLastNight = SparkTest.tempDir("nightly-before-last");
        copyTree(nightly, beforeLastNight);
        TableStore t = new TableStore(spark, nightly.toString());
        for (String table : List.of(Tables.RFM_STATE_PRODUCTS, Tables.RFM_STATE_LOG, Tables.ROLLUP_STATE_RETURNS,
            Tables.ROLLUP_STATE_LOG)) {
          stateBeforeLastNight.put(table, t.version(table));
        }
      }
      Files.copy(drops.resolve(f), in.resolve(f));
      run(nightly, in);
      asOfDates.add(new TableStore(spark, nightly.toString()).read(Tables.CUSTOMER_RFM)
          .agg(org.apache.spark.sql.functions.max("as_of_date")).head().getDate(0).toString());
    }
    full = SparkTest.tempDir("nightly-full-wh");
    run(full, in);
  }

  private static void run(Path wh, Path in) {
    run(wh, in, STAGES);
  }

  private static void run(Path wh, Path in, String stages) {
    // A fixed k, swept once per warehouse (models.retrain = never): the sweep is covered
    // elsewhere, and equal tables need no more of it here.
    // The run's error output is kept for the failure message: a CI log shows only its tail.
    ByteArrayOutputStream errors = new ByteArrayOutputStream();
    PrintStream err = new PrintStream(new TeeOutputStream(System.err, errors), true, StandardCharsets.UTF_8);
    int code = Main.execute(new String[] {"run", "--stages", stages, "--input", in.toString(),
        "--warehouse", wh.toString(), "--set", "segment.k=4", "--set", "models.retrain=never"}, Map.of(),
        System.out, err, s -> SparkTest.spark());
    assertThat(code).as("run --stages %s on %s failed:%n%s", stages, wh, errors.toString(StandardCharsets.UTF_8))
        .isZero();
  }

  /**
   * drop1..3.csv: the lines of 2010-12..2011-03, 2011-04..07 and 2011-08..12; drop4.csv: every
   * {@link #REPEAT_EVERY}-th line of those, already ingested by then, and the file's last line.
   */
  private static void split(Path real, Path dir) throws IOException {
    Pattern month = Pattern.compile(",(\\d{4}-\\d{2})-\\d{2} \\d{2}:\\d{2}:\\d{2},");
    String[] names = {"drop1.csv", "drop2.csv", "drop3.csv", "drop4.csv"};
    Writer[] out = new Writer[names.length];
    for (int i = 0; i < names.length; i++) {
      out[i] = Files.newBufferedWriter(dir.resolve(names[i]), StandardCharsets.ISO_8859_1);
      dropLines.put(names[i], 0);
    }
    // ISO-8859-1 both ways: the bytes go through unchanged.
    try (BufferedReader r = new BufferedReader(new InputStreamReader(new GZIPInputStream(
        Files.newInputStream(real)), StandardCharsets.ISO_8859_1))) {
      String header = r.readLine();
      for (Writer w : out) {
        w.write(header + "\n");
      }
      String line;
      String last = null;
      int n = 0;
      while ((line = r.readLine()) != null) {
        Matcher m = month.matcher(line);
        if (!m.find()) {
          throw new IllegalStateException("No invoice date in line " + (n + 2) + ": " + line);
        }
        String mm = m.group(1);
        int drop = mm.compareTo("2011-04") < 0 ? 0 : mm.compareTo("2011-08") < 0 ? 1 : 2;
        out[drop].write(line + "\n");
        dropLines.merge(names[drop], 1, Integer::sum);
        if (++n % REPEAT_EVERY == 0) {
          out[3].write(line + "\n");
          dropLines.merge(names[3], 1, Integer::sum);
        }
        last = line;
      }
      out[3].write(last + "\n");
      dropLines.merge(names[3], 1, Integer::sum);
    } finally {
      for (Writer w : out) {
        w.close();
      }
    }
  }

  @Test
  void eachNightIsIncrementalAndAccountsForItsOwnRows() {
    TableStore t = new TableStore(spark, nightly.toString());
    List<Row> nights = t.read(Tables.DQ_REPORT).filter(col("reason").equalTo("_total"))
        .groupBy("run_id", "clean_mode", "bronze_version", "input_rows", "conservation_ok").sum("rows")
        .orderBy("bronze_version").collectAsList();
    assertThat(nights).extracting(r -> r.getString(1)).containsExactly("full", "incremental", "incremental",
        "incremental");
    List<Integer> lines = new ArrayList<>(dropLines.values());
    for (int i = 0; i < nights.size(); i++) {
      Row r = nights.get(i);
      assertThat(r.getLong(3)).as("night %d input", i + 1).isEqualTo(lines.get(i).longValue());
      assertThat(r.getLong(5)).as("night %d written", i + 1).isEqualTo(lines.get(i).longValue());
      assertThat(r.getBoolean(4)).isTrue();
    }
    assertThat(lines.stream().mapToLong(Integer::longValue).sum()).isEqualTo(541_909 + lines.get(3));
    // Cumulatively after the last night: all of bronze, in the four tables.
    Row last = t.read(Tables.DQ_REPORT).filter(col("reason").equalTo("_cumulative")
        .and(col("bronze_version").equalTo(3))).agg(org.apache.spark.sql.functions.sum("rows"),
        org.apache.spark.sql.functions.max("input_rows")).head();
    assertThat(last.getLong(0)).isEqualTo(last.getLong(1)).isEqualTo(541_909L + lines.get(3));
    assertThat(asOfDates.get(0)).startsWith("2011-03");
    assertThat(asOfDates.get(1)).startsWith("2011-07");
    assertThat(asOfDates.subList(2, 4)).containsExactly("2011-12-09", "2011-12-09");
  }

  @Test
  void theLastNightsDropIsMostlyDuplicates() {
    TableStore t = new TableStore(spark, nightly.toString());
    long repeatedSales = t.read(Tables.SILVER_EXCLUDED).filter(col("reason").equalTo("duplicate")
        .and(col("source_file").endsWith("drop4.csv"))).count();
    assertThat(repeatedSales).isGreaterThan(200); // ~97% of the repeated lines are sales
    assertThat(t.read(Tables.SILVER_SALES).filter(col("source_file").endsWith("drop4.csv")).count())
        .isLessThan(15);
  }

  @Test
  void theNightsGiveTheTablesOfOneFullRun() {
    TableStore a = new TableStore(spark, nightly.toString());
    TableStore b = new TableStore(spark, full.toString());
    for (String table : Tables.SILVER) {
      assertSameRows(table, a.read(table), b.read(table), "run_id", "ingested_at", "source_row");
    }
    java.time.LocalDate asOf = java.time.LocalDate.parse(asOfDates.get(3));
    for (String table : List.of(Tables.CUSTOMER_RFM, Tables.CUSTOMER_SEGMENTS, Tables.RFM_CLUSTER_PROFILES,
        Tables.MONTHLY_METRICS, Tables.COHORT_RETENTION, Tables.COUNTRY_ROLLUP,
        Tables.SEGMENT_SUMMARY, Tables.INSIGHTS)) {
      assertSameRows(table, a.readAsOf(table, asOf), b.readAsOf(table, asOf));
    }
  }

  /**
   * Each night merged only its own lines into the customer state and replaced only its months of
   * the rollups' month state, and customer_rfm and the rollups from the states equal what all of
   * silver gives, column by column; a backfill gives the figures of its date too.
   */
  @Test
  void theStatesGiveWhatAllOfSilverGives() {
    TableStore t = new TableStore(spark, nightly.toString());
    for (String log : List.of(Tables.RFM_STATE_LOG, Tables.ROLLUP_STATE_LOG)) {
      assertThat(t.read(log).orderBy("updated_at").collectAsList()).as(log)
          .extracting(r -> r.getString(1) + " " + r.getLong(0))
          .containsExactly("full 0", "incremental 1", "incremental 2", "incremental 3");
    }
    java.time.LocalDate asOf = java.time.LocalDate.parse(asOfDates.get(3));
    assertSameRows(Tables.CUSTOMER_RFM, t.readAsOf(Tables.CUSTOMER_RFM, asOf),
        com.customeranalytics.features.Rfm.compute(t.read(Tables.SILVER_SALES), t.read(Tables.SILVER_RETURNS), asOf));
    assertSameRollups(t, asOf);
    // Night 2 (2011-04..07) replaced its four months of the month state, no other.
    Row night2 = t.read(Tables.JOB_RUNS).filter(col("stage").equalTo("rollups").and(col("status").equalTo("succeeded")))
        .orderBy("started_at").collectAsList().get(1);
    assertThat(night2.<String>getAs("message")).contains("4 month(s) [2011-04, 2011-05, 2011-06, 2011-07] replaced");

    java.time.LocalDate backfill = java.time.LocalDate.of(2011, 6, 30);
    String[] args = {"run", "--stages", "rfm,segment,rollups", "--as-of", backfill.toString(), "--warehouse",
        nightly.toString(), "--set", "segment.k=4", "--set", "models.retrain=never"};
    assertThat(Main.execute(args, Map.of(), System.out, System.err, s -> SparkTest.spark())).isZero();
    assertSameRows(Tables.CUSTOMER_RFM, t.readAsOf(Tables.CUSTOMER_RFM, backfill),
        com.customeranalytics.features.Rfm.compute(t.read(Tables.SILVER_SALES), t.read(Tables.SILVER_RETURNS), backfill));
    assertSameRollups(t, backfill);
    Row run = t.read(Tables.JOB_RUNS).filter(col("stage").equalTo("rfm").and(col("status").equalTo("succeeded")))
        .orderBy(col("started_at").desc()).head();
    assertThat(run.<String>getAs("message")).contains("from silver (a backfill");
  }

  /** The rollups of {@code asOf} in the warehouse equal those computed from all of silver. */
  private static void assertSameRollups(TableStore t, java.time.LocalDate asOf) {
    com.customeranalytics.stage.rollups.RollupsStage.Result r = com.customeranalytics.stage.rollups.RollupsStage
        .compute(t.read(Tables.SILVER_SALES), t.read(Tables.SILVER_RETURNS),
            t.readAsOf(Tables.CUSTOMER_SEGMENTS, asOf), asOf, SparkTest.settings());
    try {
      assertSameRows(Tables.MONTHLY_METRICS, t.readAsOf(Tables.MONTHLY_METRICS, asOf), r.monthly);
      assertSameRows(Tables.COHORT_RETENTION, t.readAsOf(Tables.COHORT_RETENTION, asOf), r.cohorts);
      assertSameRows(Tables.COUNTRY_ROLLUP, t.readAsOf(Tables.COUNTRY_ROLLUP, asOf), r.countries);
      assertSameRows(Tables.INSIGHTS, t.readAsOf(Tables.INSIGHTS, asOf), r.insights);
    } finally {
      r.unpersist();
    }
  }

  /**
   * The last night's rfm died after merging its invoices, before its products and the state's
   * log, and its rollups after replacing the invoice rows of its months, before the returns' and
   * the log (the other tables put back as the crashes left them): the rerun brings the night in
   * again, and counts nothing twice.
   */
  @Test
  void aRerunAfterACrashInTheStateUpdatesGivesTheSameFigures() {
    TableStore t = new TableStore(spark, nightly.toString());
    java.time.LocalDate asOf = java.time.LocalDate.parse(asOfDates.get(3));
    List<Row> before = t.readAsOf(Tables.CUSTOMER_RFM, asOf).orderBy("customer_id").collectAsList();
    List<Row> monthly = t.readAsOf(Tables.MONTHLY_METRICS, asOf).orderBy("month").collectAsList();
    List<Row> cohorts = t.readAsOf(Tables.COHORT_RETENTION, asOf).orderBy("cohort_month", "month").collectAsList();
    long invoices = t.count(Tables.RFM_STATE_INVOICES);
    for (Map.Entry<String, Long> e : stateBeforeLastNight.entrySet()) {
      io.delta.tables.DeltaTable.forPath(spark, t.path(e.getKey())).restoreToVersion(e.getValue());
    }
    String[] args = {"run", "--stages", "rfm,rollups", "--as-of", asOf.toString(), "--warehouse", nightly.toString()};
    assertThat(Main.execute(args, Map.of(), System.out, System.err, s -> SparkTest.spark())).isZero();
    assertThat(t.count(Tables.RFM_STATE_INVOICES)).isEqualTo(invoices);
    assertThat(t.readAsOf(Tables.CUSTOMER_RFM, asOf).orderBy("customer_id").collectAsList()).isEqualTo(before);
    assertThat(t.readAsOf(Tables.MONTHLY_METRICS, asOf).orderBy("month").collectAsList()).isEqualTo(monthly);
    assertThat(t.readAsOf(Tables.COHORT_RETENTION, asOf).orderBy("cohort_month", "month").collectAsList())
        .isEqualTo(cohorts);
    for (String log : List.of(Tables.RFM_STATE_LOG, Tables.ROLLUP_STATE_LOG)) {
      assertThat(t.read(log).orderBy(col("updated_at").desc()).head().getLong(0)).as(log).isEqualTo(3L);
    }
  }

  /**
   * The last night killed (kill -9, a process of its own) right after clean committed
   * silver_excluded (the night's drop is mostly duplicates), and again right after rfm's first
   * state merge; each rerun gives the tables of
   * the night that was not killed: nothing counted twice, nothing lost.
   */
  @Test
  void aNightKilledInCleanOrInRfmThenRerunGivesTheSameTables() throws Exception {
    TableStore reference = new TableStore(spark, nightly.toString());
    java.time.LocalDate asOf = java.time.LocalDate.parse(asOfDates.get(3));
    for (String killAfter : List.of(Tables.SILVER_EXCLUDED, Tables.RFM_STATE_INVOICES)) {
      Path wh = SparkTest.tempDir("nightly-killed");
      copyTree(beforeLastNight, wh);
      Path log = wh.resolveSibling(wh.getFileName() + ".log");
      long before = latestCommit(wh.resolve(killAfter));
      Process p = ChildJob.start(log, "run", "--stages", "ingest,clean,rfm", "--input", in.toString(),
          "--warehouse", wh.toString(), "--as-of", asOf.toString());
      long deadline = System.currentTimeMillis() + 300_000;
      while (latestCommit(wh.resolve(killAfter)) == before && p.isAlive() && System.currentTimeMillis() < deadline) {
        Thread.sleep(5);
      }
      boolean killedAlive = p.isAlive();
      p.destroyForcibly().waitFor();
      assertThat(killedAlive).as("killed before it ended: " + Files.readString(log)).isTrue();
      TableStore killed = new TableStore(spark, wh.toString());
      assertThat(killed.read(Tables.JOB_RUNS).filter(col("status").equalTo("running")).count())
          .as("job_runs shows the killed run").isPositive();

      run(wh, in, "ingest,clean,rfm");
      for (String table : Tables.SILVER) {
        assertSameRows(table + " after a kill in " + killAfter, killed.read(table), reference.read(table),
            "run_id", "ingested_at");
      }
      assertSameRows("customer_rfm after a kill in " + killAfter, killed.readAsOf(Tables.CUSTOMER_RFM, asOf),
          reference.readAsOf(Tables.CUSTOMER_RFM, asOf));
      assertSameRows("rfm_state_products after a kill in " + killAfter, killed.read(Tables.RFM_STATE_PRODUCTS),
          reference.read(Tables.RFM_STATE_PRODUCTS));
      assertThat(killed.count(Tables.RFM_STATE_INVOICES)).isEqualTo(reference.count(Tables.RFM_STATE_INVOICES));
    }
  }

  /** The latest commit version in a Delta table's folder (-1 when none). */
  private static long latestCommit(Path table) throws IOException {
    Path log = table.resolve("_delta_log");
    if (!Files.isDirectory(log)) {
      return -1;
    }
    try (java.util.stream.Stream<Path> files = Files.list(log)) {
      return files.map(f -> f.getFileName().toString()).filter(n -> n.matches("\\d{20}\\.json"))
          .mapToLong(n -> Long.parseLong(n.substring(0, 20))).max().orElse(-1);
    }
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (java.util.stream.Stream<Path> files = Files.walk(from)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        Path target = to.resolve(from.relativize(f).toString());
        if (Files.isDirectory(f)) {
          Files.createDirectories(target);
        } else {
          Files.copy(f, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
  }

  /**
   * models.retrain: a night within retrain-after-days of the latest training scores with its
   * saved model (no metrics of its own, the model's id on every prediction, job_runs says so); an
   * older model, or one that cannot be read, means training.
   */
  @Test
  void betweenRetrainsTheSavedModelScores() throws IOException {
    // No saved model within retrain-after-days of 2011-12-01: this run trains, and records its
    // scoring of the window the next nights of the month score.
    String[] train = {"run", "--stages", "ltv", "--as-of", "2011-12-01", "--warehouse", nightly.toString(),
        "--set", "models.tuning=false", "--set", "models.retrain=when-older-than"};
    assertThat(Main.execute(train, Map.of(), System.out, System.err, s -> SparkTest.spark())).isZero();
    TableStore t = new TableStore(spark, nightly.toString());
    java.time.LocalDate trained = java.time.LocalDate.of(2011, 12, 1);
    java.time.LocalDate night = java.time.LocalDate.of(2011, 12, 9);
    String best = t.readAsOf(Tables.LTV_MODEL_METRICS, trained).filter(col("is_best")).head().getAs("model_id");

    String[] score = {"run", "--stages", "ltv", "--as-of", night.toString(), "--warehouse", nightly.toString(),
        "--set", "models.tuning=false", "--set", "models.retrain=when-older-than",
        "--set", "models.retrain-after-days=10"};
    assertThat(Main.execute(score, Map.of(), System.out, System.err, s -> SparkTest.spark())).isZero();
    Dataset<Row> predictions = t.readAsOf(Tables.LTV_PREDICTIONS, night);
    assertThat(predictions.count()).isPositive();
    assertThat(predictions.select("model_id").distinct().collectAsList()).extracting(r -> r.getString(0))
        .containsExactly(best);
    assertThat(t.readAsOf(Tables.LTV_MODEL_METRICS, night).count()).isZero();
    Row run = t.read(Tables.JOB_RUNS).filter(col("stage").equalTo("ltv").and(col("status").equalTo("succeeded")))
        .orderBy(col("started_at").desc()).head();
    // The same model and scoring window (2011-09..11) as the training's: its predictions, copied.
    assertThat(run.<String>getAs("message")).contains("not trained", best, "the scoring of " + trained + " reused");
    assertSameRows("ltv_predictions of the training, reused", predictions.drop("as_of_date"),
        t.readAsOf(Tables.LTV_PREDICTIONS, trained).drop("as_of_date"));

    // Another night of the month, nothing new in the scoring window (to 2011-11-30): its
    // predictions are the scoring of 2011-12-09's, copied; and scored afresh with the saved model
    // (no scoring record) they are the same rows: the training's in-memory model and the saved
    // one score alike.
    java.time.LocalDate nextNight = night.plusDays(1);
    String[] nextScore = score.clone();
    nextScore[4] = nextNight.toString();
    assertThat(Main.execute(nextScore, Map.of(), System.out, System.err, s -> SparkTest.spark())).isZero();
    Row reused = t.read(Tables.JOB_RUNS).filter(col("stage").equalTo("ltv").and(col("status").equalTo("succeeded")))
        .orderBy(col("started_at").desc()).head();
    assertThat(reused.<String>getAs("message")).contains("the scoring of " + night + " reused", best,
        "2011-09-01..2011-11-30");
    assertThat(reused.<Long>getAs("rows_out")).isEqualTo(predictions.count());
    assertSameRows("ltv_predictions reused", t.readAsOf(Tables.LTV_PREDICTIONS, nextNight).drop("as_of_date"),
        predictions.drop("as_of_date"));
    SparkTest.deleteTree(nightly.resolve(Tables.MODEL_STATE_SCORING));
    assertThat(Main.execute(nextScore, Map.of(), System.out, System.err, s -> SparkTest.spark())).isZero();
    Row fresh = t.read(Tables.JOB_RUNS).filter(col("stage").equalTo("ltv").and(col("status").equalTo("succeeded")))
        .orderBy(col("started_at").desc()).head();
    assertThat(fresh.<String>getAs("message")).contains("scored", best).doesNotContain("reused");
    assertSameRows("ltv_predictions scored afresh", t.readAsOf(Tables.LTV_PREDICTIONS, nextNight).drop("as_of_date"),
        predictions.drop("as_of_date"));

    // The k sweep (segment.k fixed) follows the same schedule: the nights ran with
    // models.retrain = never, so only the first night swept, and its sweep stands.
    assertThat(t.read(Tables.KMEANS_K_SELECTION).select("as_of_date").distinct().collectAsList())
        .extracting(r -> r.getDate(0).toString()).containsExactly(asOfDates.get(0));
    Row segmented = t.read(Tables.JOB_RUNS).filter(col("stage").equalTo("segment").and(col("status").equalTo("succeeded")))
        .orderBy(col("started_at").desc()).head();
    assertThat(segmented.<String>getAs("message")).contains("k sweep not run", "the sweep of " + asOfDates.get(0)
        + " stands");

    // Eight days old, more than retrain-after-days = 7: this night would train.
    com.customeranalytics.job.StageContext older = new com.customeranalytics.job.StageContext(spark,
        SparkTest.settings(nightly, null, "as-of-date=" + night, "models.retrain=when-older-than",
            "models.retrain-after-days=7"), "test", "");
    assertThat(com.customeranalytics.stage.model.ModelStageOutputs.savedModel(older,
        com.customeranalytics.table.ModelTables.LTV)).isEmpty();

    // A saved model that cannot be read: trained again, even with retrain = never.
    Path model = Path.of(com.customeranalytics.stage.model.ModelStageOutputs.modelPath(t,
        com.customeranalytics.table.ModelTables.LTV, trained).replaceFirst("^file:/+", "/"));
    try (java.util.stream.Stream<Path> files = Files.walk(model.resolve("metadata"))) {
      for (Path f : (Iterable<Path>) files.sorted(java.util.Comparator.reverseOrder())::iterator) {
        Files.delete(f);
      }
    }
    String[] never = {"run", "--stages", "ltv", "--as-of", night.toString(), "--warehouse", nightly.toString(),
        "--set", "models.tuning=false", "--set", "models.retrain=never"};
    assertThat(Main.execute(never, Map.of(), System.out, System.err, s -> SparkTest.spark())).isZero();
    assertThat(t.readAsOf(Tables.LTV_MODEL_METRICS, night).count()).isPositive();
    assertThat(t.readAsOf(Tables.LTV_PREDICTIONS, night).select("model_id").head().getString(0))
        .endsWith("-" + night);
  }

  /** Equal as multisets of rows, on every column but {@code ignored}; and not empty. */
  private static void assertSameRows(String table, Dataset<Row> x, Dataset<Row> y, String... ignored) {
    List<Column> cols = new ArrayList<>();
    for (String c : x.columns()) {
      if (!List.of(ignored).contains(c)) {
        cols.add(col(c));
      }
    }
    Column[] keep = cols.toArray(new Column[0]);
    Dataset<Row> a = x.select(keep);
    Dataset<Row> b = y.select(keep);
    assertThat(a.count()).as(table + " rows").isEqualTo(b.count());
    if (!table.startsWith(Tables.SILVER_INVALID)) { // the real file has no invalid line
      assertThat(a.count()).as(table + " rows").isPositive();
    }
    assertThat(a.exceptAll(b).count()).as(table + ": nightly rows not in the full run").isZero();
    assertThat(b.exceptAll(a).count()).as(table + ": full-run rows not in the nightly").isZero();
  }

  /** Writes to two streams: the console as before, and a buffer for the failure message. */
  private static final class TeeOutputStream extends OutputStream {
    private final OutputStream a;
    private final OutputStream b;

    TeeOutputStream(OutputStream a, OutputStream b) {
      this.a = a;
      this.b = b;
    }

    @Override
    public void write(int c) throws IOException {
      a.write(c);
      b.write(c);
    }

    @Override
    public void write(byte[] buf, int off, int len) throws IOException {
      a.write(buf, off, len);
      b.write(buf, off, len);
    }

    @Override
    public void flush() throws IOException {
      a.flush();
      b.flush();
    }
  }
}
