package com.customeranalytics.stage.clv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.to_date;

import com.customeranalytics.cli.Main;
import com.customeranalytics.clv.BgNbd;
import com.customeranalytics.clv.CustomerSummary;
import com.customeranalytics.config.Settings.TimeUnit;
import com.customeranalytics.features.Money;
import com.customeranalytics.table.Columns;
import com.customeranalytics.table.TableStore;
import com.customeranalytics.table.Tables;
import com.customeranalytics.testing.SparkExtension;
import com.customeranalytics.testing.SparkTest;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The clv stage on the CDNOW sample through the CLI with conf/examples/cdnow.conf (weeks,
 * calibration to 1997-09-30), against the published fits: Fader, Hardie and Lee (2005) and
 * lifetimes' quickstart, BG/NBD r 0.243, alpha 4.414, a 0.793, b 2.426 (log-likelihood -9582.4
 * over 2,357 customers), Gamma-Gamma p 6.25, q 3.74, v 15.44 (946 repeat customers).
 */
@ExtendWith(SparkExtension.class)
class ClvStageTest {
  private static final LocalDate AS_OF = LocalDate.parse("1998-06-30");
  private static Path wh;
  private static String log;

  @BeforeAll
  static void run() {
    wh = SparkTest.tempDir("cdnow-wh");
    log = cli("run", "--config", Path.of(System.getProperty("ca.repo.root", ".")).resolve("conf/examples/cdnow.conf")
        .toString(), "--input", SparkTest.cdnowFile().toString(), "--warehouse", wh.toString(),
        "--stages", "ingest,clean,rfm,clv");
  }

  private static String cli(String... args) {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Main.execute(args, Map.of(), System.out, new PrintStream(err, true, StandardCharsets.UTF_8),
        s -> SparkTest.spark());
    String text = err.toString(StandardCharsets.UTF_8);
    assertThat(code).as(text).isZero();
    return text;
  }

  private static Map<String, Row> params(String fit) {
    Map<String, Row> out = new HashMap<>();
    for (Row r : new TableStore(SparkTest.spark(), wh.toString()).readAsOf(Tables.CLV_MODEL_PARAMS, AS_OF)
        .filter(col(Columns.FIT).equalTo(fit)).collectAsList()) {
      out.put(r.getAs(Columns.MODEL) + "." + r.getAs(Columns.PARAMETER), r);
    }
    return out;
  }

  private static double value(Map<String, Row> p, String key) {
    return p.get(key).<Double>getAs(Columns.VALUE);
  }

  @Test
  void theCalibrationFitReproducesThePublishedParameters() {
    Map<String, Row> p = params("calibration");
    assertThat(value(p, "bg_nbd.r")).isCloseTo(0.243, within(0.01 * 0.243));
    assertThat(value(p, "bg_nbd.alpha")).isCloseTo(4.414, within(0.01 * 4.414));
    assertThat(value(p, "bg_nbd.a")).isCloseTo(0.793, within(0.01 * 0.793));
    assertThat(value(p, "bg_nbd.b")).isCloseTo(2.426, within(0.01 * 2.426));
    assertThat(value(p, "gamma_gamma.p")).isCloseTo(6.25, within(0.01 * 6.25));
    assertThat(value(p, "gamma_gamma.q")).isCloseTo(3.74, within(0.01 * 3.74));
    assertThat(value(p, "gamma_gamma.v")).isCloseTo(15.44, within(0.01 * 15.44));
    Row bg = p.get("bg_nbd.r");
    Row gg = p.get("gamma_gamma.p");
    assertThat(gg.<Long>getAs(Columns.CUSTOMERS)).isEqualTo(946L);
    // 2,349 customers, not 2,357: 8 customers' only purchase is a $0.00 line, which clean keeps
    // out of silver_sales (non_positive_price). Each would add about -0.53 (an x = 0 customer's
    // log-likelihood), which is the gap to -9582.4 (see theLikelihoodGivesThePublishedValue).
    assertThat(bg.<Long>getAs(Columns.CUSTOMERS)).isEqualTo(2349L);
    assertThat(bg.<Double>getAs(Columns.LOG_LIKELIHOOD)).isCloseTo(-9582.4, within(0.01 * 9582.4));
    assertThat(bg.<Double>getAs(Columns.LOG_LIKELIHOOD)).isCloseTo(-9578.2, within(0.1));
    for (Row r : p.values()) {
      if (r.getAs(Columns.ITERATIONS) != null) {
        assertThat(r.<Boolean>getAs(Columns.CONVERGED)).as(r.toString()).isTrue();
        assertThat(r.<Boolean>getAs(Columns.AT_BOUND)).as(r.toString()).isFalse();
        assertThat(r.<Integer>getAs(Columns.ITERATIONS)).isBetween(5, 100);
      }
    }
    assertThat(value(p, "gamma_gamma.frequency_monetary_correlation")).isBetween(-0.3, 0.3);
  }

  @Test
  void theLikelihoodGivesThePublishedValueOnAllOfTheSample() {
    // All 2,357 customers, $0.00 purchases included, straight from the CSV (the summary's own code
    // on the file's lines): the log-likelihood at the published parameters is the published one.
    Dataset<Row> lines = SparkTest.spark().read().option("header", "true").option("inferSchema", "true")
        .csv(SparkTest.cdnowFile().toString());
    Dataset<Row> days = lines.groupBy(col("CustomerID").as(Columns.CUSTOMER_ID),
        to_date(col("InvoiceDate")).as(Columns.DAY))
        .agg(org.apache.spark.sql.functions.sum(Money.micros(col("Quantity").multiply(col("UnitPrice")))).as("_micros"));
    List<Row> summary = CustomerSummary.summary(days, LocalDate.parse("1997-09-30"), TimeUnit.WEEKS).collectAsList();
    assertThat(summary).hasSize(2357);
    double[] published = {0.243, 4.414, 0.793, 2.426};
    double ll = 0;
    for (Row r : summary) {
      ll += BgNbd.logLikelihood(published, r.<Long>getAs(Columns.FREQUENCY), r.<Double>getAs(Columns.RECENCY),
          r.<Double>getAs(Columns.T), null, 1);
    }
    assertThat(ll).isCloseTo(-9582.4, within(0.5));
  }

  @Test
  void predictionsAndHoldoutMetricsComeFromTheFits() {
    TableStore tables = new TableStore(SparkTest.spark(), wh.toString());
    Dataset<Row> predictions = tables.readAsOf(Tables.CLV_PREDICTIONS, AS_OF);
    assertThat(predictions.count()).isEqualTo(2349L);
    Row range = predictions.agg(org.apache.spark.sql.functions.min(Columns.P_ALIVE),
        org.apache.spark.sql.functions.max(Columns.P_ALIVE), org.apache.spark.sql.functions.min(Columns.CLV_DECILE),
        org.apache.spark.sql.functions.max(Columns.CLV_DECILE), org.apache.spark.sql.functions.count(Columns.CLV),
        org.apache.spark.sql.functions.max(Columns.T)).head();
    assertThat(range.getDouble(0)).isGreaterThan(0);
    assertThat(range.getDouble(1)).isEqualTo(1.0);
    assertThat(range.getInt(2)).isEqualTo(1);
    assertThat(range.getInt(3)).isEqualTo(10);
    assertThat(range.getLong(4)).isEqualTo(2349L);
    assertThat(range.getDouble(5)).isCloseTo(545 / 7.0, within(1e-9)); // 1997-01-01 to 1998-06-30, in weeks
    // The top decile holds the largest CLVs.
    Row top = predictions.filter(col(Columns.CLV_DECILE).equalTo(10))
        .agg(org.apache.spark.sql.functions.min(Columns.CLV), org.apache.spark.sql.functions.count(Columns.CLV)).head();
    Row rest = predictions.filter(col(Columns.CLV_DECILE).lt(10)).agg(org.apache.spark.sql.functions.max(Columns.CLV)).head();
    assertThat(top.getDouble(0)).isGreaterThanOrEqualTo(rest.getDouble(0));
    assertThat(top.getLong(1)).isBetween(220L, 250L);

    Map<String, Row> metrics = new HashMap<>();
    for (Row r : tables.readAsOf(Tables.CLV_HOLDOUT_METRICS, AS_OF).collectAsList()) {
      metrics.put(r.getAs(Columns.TARGET) + "." + r.getAs(Columns.FREQUENCY_BUCKET), r);
    }
    assertThat(metrics.keySet()).containsExactlyInAnyOrder("purchases.0", "purchases.1", "purchases.2",
        "purchases.3", "purchases.4", "purchases.5", "purchases.6+", "purchases.all", "value.0", "value.1",
        "value.2", "value.3", "value.4", "value.5", "value.6+", "value.all");
    Row all = metrics.get("purchases.all");
    assertThat(all.<Long>getAs(Columns.CUSTOMERS)).isEqualTo(2349L);
    assertThat(all.<Double>getAs(Columns.HOLDOUT_LENGTH)).isCloseTo(273 / 7.0, within(1e-9));
    // The model beats carrying each customer's calibration rate forward, and its mean is close.
    assertThat(all.<Double>getAs(Columns.RMSE)).isLessThan(all.<Double>getAs(Columns.BASELINE_RMSE));
    assertThat(all.<Double>getAs(Columns.PREDICTED)).isCloseTo(all.<Double>getAs(Columns.ACTUAL),
        within(0.15 * all.<Double>getAs(Columns.ACTUAL)));
    long bucketCustomers = 0;
    for (Map.Entry<String, Row> e : metrics.entrySet()) {
      if (e.getKey().startsWith("purchases.") && !e.getKey().endsWith(".all")) {
        bucketCustomers += e.getValue().<Long>getAs(Columns.CUSTOMERS);
      }
    }
    assertThat(bucketCustomers).isEqualTo(2349L);
    // Holdout purchases grow with calibration purchases, and so do the predictions.
    assertThat(metrics.get("purchases.6+").<Double>getAs(Columns.ACTUAL))
        .isGreaterThan(metrics.get("purchases.0").<Double>getAs(Columns.ACTUAL));
    assertThat(metrics.get("purchases.6+").<Double>getAs(Columns.PREDICTED))
        .isGreaterThan(metrics.get("purchases.1").<Double>getAs(Columns.PREDICTED));
  }

  @Test
  void nightByNightGivesTheSameFitsAndRefusesAStaleState() throws java.io.IOException {
    // The sample in two drops (before and from 1998), each night ingest, clean, rfm, clv; between
    // them clv alone after a clean is refused (rfm's state lags silver), naming the fix.
    List<String> lines = java.nio.file.Files.readAllLines(SparkTest.cdnowFile());
    Path in = SparkTest.tempDir("cdnow-drops");
    Path nightly = SparkTest.tempDir("cdnow-nightly");
    StringBuilder first = new StringBuilder(lines.get(0)).append('\n');
    StringBuilder second = new StringBuilder(lines.get(0)).append('\n');
    for (String l : lines.subList(1, lines.size())) {
      (l.split(",")[4].compareTo("1998-01-01") < 0 ? first : second).append(l).append('\n');
    }
    String config = Path.of(System.getProperty("ca.repo.root", ".")).resolve("conf/examples/cdnow.conf").toString();
    SparkTest.write(in, "1997.csv", first.toString());
    cli("run", "--config", config, "--input", in.toString(), "--warehouse", nightly.toString(),
        "--stages", "ingest,clean,rfm,clv", "--as-of", "1997-12-31");
    SparkTest.write(in, "1998.csv", second.toString());
    cli("run", "--config", config, "--input", in.toString(), "--warehouse", nightly.toString(), "--stages", "ingest,clean");
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Main.execute(new String[] {"run", "--config", config, "--warehouse", nightly.toString(), "--stages", "clv",
        "--as-of", AS_OF.toString()}, Map.of(), System.out, new PrintStream(err, true, StandardCharsets.UTF_8),
        s -> SparkTest.spark());
    assertThat(code).isEqualTo(1);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("rfm's customer state", "run the rfm stage first");
    cli("run", "--config", config, "--warehouse", nightly.toString(), "--stages", "rfm,clv", "--as-of", AS_OF.toString());
    TableStore night = new TableStore(SparkTest.spark(), nightly.toString());
    Map<String, Row> once = new HashMap<>();
    for (String fit : List.of("calibration", "full")) {
      params(fit).forEach((k, r) -> once.put(fit + "." + k, r));
    }
    List<Row> nights = night.readAsOf(Tables.CLV_MODEL_PARAMS, AS_OF).collectAsList();
    assertThat(nights).hasSize(once.size());
    for (Row r : nights) {
      Row o = once.get(r.getAs(Columns.FIT) + "." + r.getAs(Columns.MODEL) + "." + r.getAs(Columns.PARAMETER));
      assertThat(r.<Double>getAs(Columns.VALUE)).as(r.toString()).isEqualTo(o.<Double>getAs(Columns.VALUE));
    }
    assertThat(night.readAsOf(Tables.CLV_PREDICTIONS, AS_OF).except(
        new TableStore(SparkTest.spark(), wh.toString()).readAsOf(Tables.CLV_PREDICTIONS, AS_OF)).count()).isZero();
    assertThat(night.readAsOf(Tables.CLV_PREDICTIONS, LocalDate.parse("1997-12-31")).count()).isPositive();
  }

  @Test
  void betweenRetrainsTheLatestFitScores() {
    // models.retrain = when-older-than (7 days): five days after the fit of 1998-06-30 the
    // customers are scored with its parameters; no fit, no params or holdout rows of their own.
    TableStore tables = new TableStore(SparkTest.spark(), wh.toString());
    LocalDate later = LocalDate.parse("1998-07-05");
    cli("run", "--config", Path.of(System.getProperty("ca.repo.root", ".")).resolve("conf/examples/cdnow.conf")
        .toString(), "--warehouse", wh.toString(), "--stages", "clv", "--as-of", later.toString(),
        "--set", "models.retrain=when-older-than");
    assertThat(tables.readAsOf(Tables.CLV_MODEL_PARAMS, later).count()).isZero();
    assertThat(tables.readAsOf(Tables.CLV_HOLDOUT_METRICS, later).count()).isZero();
    Dataset<Row> scored = tables.readAsOf(Tables.CLV_PREDICTIONS, later);
    assertThat(scored.count()).isEqualTo(2349L);
    Row message = tables.read(Tables.JOB_RUNS).filter(col("stage").equalTo("clv")).orderBy(col("started_at").desc())
        .head();
    assertThat(message.<String>getAs("message")).contains("scored with the clv fit of 1998-06-30",
        "models.retrain = when-older-than");
    // The same parameters five days on: t is 5/7 week longer, so fewer expected purchases.
    Map<String, Row> full = params("full");
    double[] bg = {value(full, "bg_nbd.r"), value(full, "bg_nbd.alpha"), value(full, "bg_nbd.a"), value(full, "bg_nbd.b")};
    Row one = scored.orderBy(col(Columns.CUSTOMER_ID)).head();
    assertThat(one.<Double>getAs(Columns.P_ALIVE)).isCloseTo(BgNbd.probabilityAlive(bg, one.<Long>getAs(Columns.FREQUENCY),
        one.<Double>getAs(Columns.RECENCY), one.<Double>getAs(Columns.T)), within(1e-12));
    Row before = tables.readAsOf(Tables.CLV_PREDICTIONS, AS_OF).filter(col(Columns.CUSTOMER_ID)
        .equalTo(one.<Long>getAs(Columns.CUSTOMER_ID))).head();
    assertThat(one.<Double>getAs(Columns.T)).isCloseTo(before.<Double>getAs(Columns.T) + 5 / 7.0, within(1e-9));
  }

  @Test
  void thePenalizerShrinksTheParameters() {
    // lifetimes' L2 penalty on the parameters: on the same data, a smaller sum of squares and a
    // lower log-likelihood than the plain fit.
    TableStore tables = new TableStore(SparkTest.spark(), wh.toString());
    LocalDate other = LocalDate.parse("1998-07-01");
    double[] plain = bgNbdSquaresAndLikelihood(tables, other, "0");
    double[] penalized = bgNbdSquaresAndLikelihood(tables, other, "0.01");
    assertThat(penalized[0]).isLessThan(plain[0]);
    assertThat(penalized[1]).isLessThan(plain[1]);
  }

  /** Runs clv as of {@code date} with the penalizer; the full BG/NBD fit's sum of squares and LL. */
  private static double[] bgNbdSquaresAndLikelihood(TableStore tables, LocalDate date, String penalizer) {
    cli("run", "--config", Path.of(System.getProperty("ca.repo.root", ".")).resolve("conf/examples/cdnow.conf")
        .toString(), "--warehouse", wh.toString(), "--stages", "clv", "--as-of", date.toString(),
        "--set", "clv.penalizer=" + penalizer);
    double squares = 0;
    double ll = 0;
    for (Row r : tables.readAsOf(Tables.CLV_MODEL_PARAMS, date).filter(col(Columns.FIT).equalTo("full")
        .and(col(Columns.MODEL).equalTo("bg_nbd"))).collectAsList()) {
      squares += Math.pow(r.<Double>getAs(Columns.VALUE), 2);
      ll = r.getAs(Columns.LOG_LIKELIHOOD);
    }
    return new double[] {squares, ll};
  }

  @Test
  void aRerunReplacesTheDate() {
    TableStore tables = new TableStore(SparkTest.spark(), wh.toString());
    Map<String, Row> before = params("full");
    cli("run", "--config", Path.of(System.getProperty("ca.repo.root", ".")).resolve("conf/examples/cdnow.conf")
        .toString(), "--warehouse", wh.toString(), "--stages", "clv", "--as-of", AS_OF.toString());
    assertThat(tables.readAsOf(Tables.CLV_PREDICTIONS, AS_OF).count()).isEqualTo(2349L);
    assertThat(tables.readAsOf(Tables.CLV_HOLDOUT_METRICS, AS_OF).count()).isEqualTo(16L);
    Map<String, Row> after = params("full");
    assertThat(after.keySet()).isEqualTo(before.keySet());
    before.forEach((k, r) -> assertThat(after.get(k).<Double>getAs(Columns.VALUE)).as(k)
        .isEqualTo(r.<Double>getAs(Columns.VALUE)));
  }
}
