package com.customeranalytics.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.customeranalytics.testing.SparkExtension;
import com.customeranalytics.testing.SparkTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The real UCI file through the CLI, as a user runs it: one pipeline run for the class, then
 * each stage's end-to-end figures checked with `query`, the report bundle read back, and every
 * notebook in notebooks/ executed headless against that bundle and warehouse.
 */
@ExtendWith(SparkExtension.class)
class RealFilePipelineTest {
  /** Default variants compared (tuning off): random_forest, gbt, and xgboost in the Spark 3.5 build. */
  private static final int CANDIDATES = org.apache.spark.package$.MODULE$.SPARK_VERSION().startsWith("3.") ? 3 : 2;
  private static Path wh;

  @BeforeAll
  static void runPipeline() {
    wh = SparkTest.tempDir("real-wh");
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    // Tuning (CrossValidator over the grids) is covered on small data in ClassifierTrainerTest;
    // here the default variants keep the suite fast.
    int code = Main.execute(new String[] {"run", "--input", SparkTest.realFile().toString(),
        "--warehouse", wh.toString(), "--set", "models.tuning=false"}, Map.of(), System.out,
        new PrintStream(err, true, StandardCharsets.UTF_8), s -> SparkTest.spark());
    assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
  }

  /** Runs `query --format csv` and returns its lines (header first). */
  static String[] query(String sql) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Main.execute(new String[] {"query", "--warehouse", wh.toString(), sql}, Map.of(),
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), s -> SparkTest.spark());
    assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
    return out.toString(StandardCharsets.UTF_8).split("\n");
  }

  @Test
  void ingestKeepsEveryRow() {
    assertThat(query("SELECT count(*) AS n, count(parse_error) AS unparsed,"
        + " count(DISTINCT invoice_month) AS months, min(invoice_month) AS first,"
        + " max(invoice_month) AS last, count(DISTINCT customer_id) AS customers"
        + " FROM bronze_transactions")).containsExactly(
        "n,unparsed,months,first,last,customers",
        "541909,0,13,2010-12,2011-12,4372");
  }

  @Test
  void cleanAccountsForEveryRow() {
    assertThat(query("SELECT table_name, reason, rows, input_rows, conservation_ok FROM dq_report"
        + " WHERE reason IS NULL OR reason NOT IN ('_total', '_cumulative') ORDER BY table_name, reason")).containsExactly(
        "table_name,reason,rows,input_rows,conservation_ok",
        "silver_excluded,adjustment,3,541909,true",
        "silver_excluded,duplicate,5221,541909,true",
        "silver_excluded,non_positive_price,1164,541909,true",
        "silver_excluded,non_positive_quantity,1336,541909,true",
        "silver_excluded,non_product,2329,541909,true",
        "silver_returns,cancellation,9288,541909,true",
        "silver_sales,,522568,541909,true");
    assertThat(query("SELECT (SELECT count(*) FROM silver_sales) + (SELECT count(*) FROM silver_returns)"
        + " + (SELECT count(*) FROM silver_excluded) + (SELECT count(*) FROM silver_invalid) AS total"))
        .containsExactly("total", "541909");
    assertThat(query("SELECT CAST(round(sum(revenue), 2) AS DECIMAL(14, 2)) AS revenue, sum(CAST(is_guest AS INT)) AS guest_lines,"
        + " count(DISTINCT customer_id) AS customers FROM silver_sales"))
        .containsExactly("revenue,guest_lines,customers", "10247905.13,131418,4334");
  }

  @Test
  void rfmOfNamedCustomers() {
    assertThat(query("SELECT count(*) AS customers, min(as_of_date) AS as_of FROM customer_rfm"))
        .containsExactly("customers,as_of", "4334,2011-12-09");
    assertThat(query("SELECT customer_id, recency_days, frequency, CAST(round(monetary, 2) AS DECIMAL(12, 2)) AS m"
        + " FROM customer_rfm WHERE customer_id IN (12346, 12347, 12348, 12349, 12350, 14646)"
        + " ORDER BY customer_id")).containsExactly(
        "customer_id,recency_days,frequency,m",
        "12346,325,1,77183.60",   // one huge order, then cancelled: returns do not reduce monetary
        "12347,2,7,4310.00",
        "12348,75,4,1437.24",     // postage lines are not products
        "12349,18,1,1457.55",
        "12350,310,1,294.40",
        "14646,1,72,279138.02");
  }

  @Test
  void segmentsOnTheRealFile() {
    assertThat(query("SELECT segment, count(*) AS customers FROM customer_segments GROUP BY segment"
        + " ORDER BY segment")).containsExactly("segment,customers", "High,114", "Low,2051", "Mid,2169");
    assertThat(query("SELECT dimension, count(*) AS ks, min(k) AS k_min, max(k) AS k_max,"
        + " sum(CAST(chosen AS INT)) AS chosen FROM kmeans_k_selection GROUP BY dimension ORDER BY dimension"))
        .containsExactly("dimension,ks,k_min,k_max,chosen", "frequency,9,2,10,1", "monetary,9,2,10,1",
            "recency,9,2,10,1");
    assertThat(query("SELECT dimension, cluster, customers, min, max FROM rfm_cluster_profiles"
        + " WHERE dimension = 'recency' ORDER BY cluster")).containsExactly(
        "dimension,cluster,customers,min,max",
        "recency,0,499,252.0,373.0",
        "recency,1,598,140.0,250.0",
        "recency,2,1040,52.0,138.0",
        "recency,3,2197,0.0,51.0");
    assertThat(query("SELECT customer_id, recency_cluster, frequency_cluster, monetary_cluster, segment,"
        + " r_score, f_score, m_score, rfm_segment FROM customer_segments"
        + " WHERE customer_id IN (12347, 14646) ORDER BY customer_id")).containsExactly(
        "customer_id,recency_cluster,frequency_cluster,monetary_cluster,segment,r_score,f_score,m_score,rfm_segment",
        "12347,3,1,0,Mid,5,5,5,Champions",
        "14646,3,2,3,High,5,5,5,Champions");
  }

  @Test
  void ltvModelOnTheRealFile() {
    assertThat(query("SELECT count(*) AS n, sum(CAST(excluded_from_training AS INT)) AS excluded,"
        + " sum(CASE WHEN split = 'test' THEN 1 ELSE 0 END) AS test FROM ltv_training_set"))
        .containsExactly("n,excluded,test", "1991,20,393");
    String[] best = query("SELECT model, variant, weighted_f1, test_size FROM ltv_model_metrics WHERE is_best");
    assertThat(best).hasSize(2);
    assertThat(Double.parseDouble(best[1].split(",")[2])).as(best[1]).isGreaterThanOrEqualTo(0.80);
    assertThat(query("SELECT count(*) AS n, count(DISTINCT model_id) AS models,"
        + " min(prob_low + prob_mid + prob_high) > 0.999 AS probs_sum_to_1 FROM ltv_predictions"))
        .containsExactly("n,models,probs_sum_to_1", "2845,1,true");
    assertThat(query("SELECT class FROM ltv_class_boundaries ORDER BY class_index"))
        .containsExactly("class", "Low", "Mid", "High");
  }

  @Test
  void nextPurchaseModelOnTheRealFile() {
    assertThat(query("SELECT count(*) AS n FROM next_purchase_training_set")).containsExactly("n", "2809");
    assertThat(query("SELECT count(*) AS candidates, sum(CAST(is_best AS INT)) AS best FROM next_purchase_metrics"))
        .containsExactly("candidates,best", CANDIDATES + ",1");
    assertThat(query("SELECT count(*) AS n FROM next_purchase_predictions")).containsExactly("n", "3465");
  }

  /** Figures cross-checked with an independent script over the CSV applying DESIGN.md's clean rules. */
  @Test
  void rollupsOnTheRealFile() {
    assertThat(query("SELECT CAST(round(sum(revenue), 2) AS DECIMAL(14, 2)) AS revenue, count(*) AS months,"
        + " count(revenue_growth) AS with_growth, count(retention_rate) AS with_retention,"
        + " min(as_of_date) AS as_of FROM monthly_metrics")).containsExactly(
        "revenue,months,with_growth,with_retention,as_of",
        "10247905.13,13,12,12,2011-12-09"); // the first month has no growth or retention
    assertThat(query("SELECT month, CAST(round(revenue, 2) AS DECIMAL(12, 2)) AS revenue, orders,"
        + " active_customers, new_customers, retained_customers FROM monthly_metrics ORDER BY month"))
        .containsExactly(
            "month,revenue,orders,active_customers,new_customers,retained_customers",
            "2010-12,775714.95,1550,884,884,",
            "2011-01,670439.46,1081,739,416,323",
            "2011-02,507866.54,1093,757,380,260",
            "2011-03,689841.84,1440,973,452,290",
            "2011-04,515469.66,1235,853,300,301",
            "2011-05,740036.33,1668,1054,284,366",
            "2011-06,737683.99,1525,990,242,410",
            "2011-07,688252.67,1452,946,187,365",
            "2011-08,724308.16,1339,933,169,386",
            "2011-09,1028345.38,1818,1259,299,423",
            "2011-10,1103330.92,2005,1361,357,487",
            "2011-11,1452115.98,2751,1660,323,616",
            "2011-12,614499.25,816,614,41,370"); // to 2011-12-09
    assertThat(query("SELECT cohort_customers, concat_ws(' ', transform(array_sort(collect_list("
        + "struct(months_since_first, active_customers))), c -> CAST(c.active_customers AS STRING))) AS active"
        + " FROM cohort_retention WHERE cohort_month = '2010-12' GROUP BY cohort_customers"))
        .containsExactly("cohort_customers,active",
        "884,884 323 286 339 320 352 320 308 312 349 330 444 234");
    assertThat(query("SELECT metric, rank, subject, CAST(round(value, 4) AS DECIMAL(10, 4)) AS value FROM insights"
        + " ORDER BY metric, rank")).containsExactly(
        "metric,rank,subject,value",
        "fastest_growing_country,1,Norway,1.3481",      // 2011-09..11 vs 2011-06..08
        "fastest_growing_country,2,France,1.0413",
        "fastest_growing_country,3,Japan,0.9263",
        "high_value_low_p_alive,1,m_score 5,0.0000",     // of 866: P(alive) ~1 for nearly all (a ~ 0.003)
        "one_time_buyer_share,1,,0.3473",                // 1,505 of 4,334
        "order_value_dip_month,1,2011-04,-0.2045",
        "order_value_dip_month,2,2011-05,-0.1544",
        "order_value_dip_month,3,2011-02,-0.1144",
        "product_return_rate,1,,0.0467",                 // 478,724.18 of product returns
        "q4_vs_q1_revenue,1,2011,1.6968",
        "repeat_buying_target_segment,1,Potential Loyalist,484.0000",
        "repeat_buying_target_segment,2,Promising,164.0000",
        "repeat_buying_target_segment,3,New,74.0000",
        "revenue_outside_home_country_share,1,United Kingdom,0.1486",
        "top_clv_decile_value_share,1,clv_decile 10,0.5049", // 433 customers
        "top_customers_revenue_share,1,top 1%,0.3220",   // 44 customers
        "top_customers_revenue_share,2,top 10%,0.6142"); // 434 customers
  }
  @Test
  void clvFitsTheRealFileAndSaysWhereItDegenerates() {
    // Days; calibration to 2011-06-12 (180 days before 2011-12-09). The full fit is interior; the
    // calibration fit drives a to its bound (a -> 0: almost no customer drops out) and says so.
    // Three decimals: the last bits of a sum may differ between JVMs and CPUs. The calibration b
    // sits in the flat direction the degenerate fit runs along, so it is checked to 1%.
    assertThat(query("SELECT fit, model, parameter, CAST(round(value, 3) AS DECIMAL(14, 3)) AS value,"
        + " CAST(round(log_likelihood, 1) AS DECIMAL(12, 1)) AS ll, converged, at_bound, customers FROM clv_model_params"
        + " WHERE parameter != 'frequency_monetary_correlation' AND NOT (fit = 'calibration' AND parameter = 'b')"
        + " ORDER BY fit, model, parameter")).containsExactly(
        "fit,model,parameter,value,ll,converged,at_bound,customers",
        "calibration,bg_nbd,a,0.000,-21971.5,true,true,2819",
        "calibration,bg_nbd,alpha,62.414,-21971.5,true,false,2819",
        "calibration,bg_nbd,r,0.742,-21971.5,true,false,2819",
        "calibration,gamma_gamma,p,3.383,-9713.9,true,false,1421",
        "calibration,gamma_gamma,q,3.100,-9713.9,true,false,1421",
        "calibration,gamma_gamma,v,256.057,-9713.9,true,false,1421",
        "full,bg_nbd,a,0.003,-61480.1,true,false,4334",
        "full,bg_nbd,alpha,69.091,-61480.1,true,false,4334",
        "full,bg_nbd,b,7.249,-61480.1,true,false,4334",
        "full,bg_nbd,r,0.823,-61480.1,true,false,4334",
        "full,gamma_gamma,p,2.259,-18934.7,true,false,2776",
        "full,gamma_gamma,q,3.410,-18934.7,true,false,2776",
        "full,gamma_gamma,v,437.538,-18934.7,true,false,2776");
    double b = Double.parseDouble(query("SELECT value FROM clv_model_params WHERE fit = 'calibration'"
        + " AND parameter = 'b'")[1]);
    assertThat(b).isBetween(4764.0 * 0.99, 4764.0 * 1.01);
    assertThat(query("SELECT count(*) AS n, count(clv) AS with_clv, min(clv_decile) AS lo, max(clv_decile) AS hi,"
        + " CAST(round(sum(clv), 2) AS DECIMAL(14, 2)) AS value FROM clv_predictions"))
        .containsExactly("n,with_clv,lo,hi,value", "4334,4334,1,10,4347743.79");
    // The model beats carrying each customer's calibration purchase rate forward.
    assertThat(query("SELECT customers, round(actual, 3) AS actual, round(predicted, 3) AS predicted, round(rmse, 3)"
        + " AS rmse, round(baseline_rmse, 3) AS baseline_rmse FROM clv_holdout_metrics WHERE target = 'purchases'"
        + " AND frequency_bucket = 'all'")).containsExactly("customers,actual,predicted,rmse,baseline_rmse",
        "2819,2.407,2.14,2.493,2.627");
  }

  /** The report stage's bundle for the real file's as-of date. */
  private static Path bundle() {
    return wh.resolve("reports/2011-12-09");
  }

  private static List<String> lines(Path p) throws IOException {
    return Files.readAllLines(p, StandardCharsets.UTF_8);
  }

  @Test
  void reportBundleOnTheRealFile() throws IOException {
    Path dir = bundle();
    Map<String, Integer> rows = new TreeMap<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.collect(Collectors.toList())) {
        String name = f.getFileName().toString();
        rows.put(name, name.endsWith(".csv") ? lines(f).size() - 1 : -1);
      }
    }
    assertThat(rows.keySet()).containsExactly("clv_by_segment.csv", "clv_holdout_metrics.csv", "clv_model_params.csv",
        "clv_p_alive.csv", "cohort_retention.csv", "country_rollup.csv", "customer_sample.csv", "insights.csv", "kmeans_k_selection.csv", "ltv_class_boundaries.csv", "ltv_model_metrics.csv",
        "ltv_roc_points.csv", "monthly_metrics.csv", "next_purchase_metrics.csv", "next_purchase_roc_points.csv",
        "report.html", "rfm_cluster_profiles.csv", "segment_summary.csv", "summary.json");
    // The summary tables, whole, for the as-of date; the customer sample bounded: no file is
    // anywhere near the 4,334-customer table.
    assertThat(rows).containsEntry("customer_sample.csv", 2000).containsEntry("monthly_metrics.csv", 13)
        .containsEntry("kmeans_k_selection.csv", 27).containsEntry("rfm_cluster_profiles.csv", 12)
        .containsEntry("ltv_model_metrics.csv", CANDIDATES).containsEntry("next_purchase_metrics.csv", CANDIDATES)
        .containsEntry("insights.csv", 17).containsEntry("cohort_retention.csv", 91)
        .containsEntry("ltv_class_boundaries.csv", 3).containsEntry("clv_holdout_metrics.csv", 16)
        .containsEntry("clv_by_segment.csv", 11);
    for (Map.Entry<String, Integer> e : rows.entrySet()) {
      assertThat(e.getValue()).as(e.getKey()).isLessThan(4334);
    }
    assertThat(query("SELECT count(*) AS n FROM segment_summary")[1])
        .isEqualTo(String.valueOf(rows.get("segment_summary.csv")));
    assertThat(query("SELECT count(*) AS n FROM country_rollup")[1])
        .isEqualTo(String.valueOf(rows.get("country_rollup.csv")));
    // Sampled customers with an LTV label carry the training set's figure.
    String[] sample = lines(dir.resolve("customer_sample.csv")).get(0).split(",");
    assertThat(sample).containsExactly("customer_id", "recency_days", "frequency", "monetary", "recency_cluster",
        "frequency_cluster", "monetary_cluster", "overall_score", "segment", "r_score", "f_score", "m_score",
        "rfm_segment", "label_revenue", "ltv_class");

    JsonNode s = new ObjectMapper().readTree(dir.resolve("summary.json").toFile());
    assertThat(s.get("as_of_date").asText()).isEqualTo("2011-12-09");
    assertThat(s.get("missing").size()).isZero();
    JsonNode h = s.get("headline");
    assertThat(h.get("customers").asLong()).isEqualTo(4334);
    assertThat(h.get("revenue").decimalValue().toPlainString()).isEqualTo("10247905.13");
    assertThat(h.get("segment_customers").get("segment").toString()).isEqualTo("{\"High\":114,\"Low\":2051,\"Mid\":2169}");
    String[] best = query("SELECT model, variant, weighted_f1 FROM ltv_model_metrics WHERE is_best")[1].split(",");
    JsonNode ltv = h.get("best_models").get("ltv");
    assertThat(ltv.get("model").asText() + "," + ltv.get("variant").asText()).isEqualTo(best[0] + "," + best[1]);
    assertThat(ltv.get("test_weighted_f1").asDouble()).isEqualTo(Double.parseDouble(best[2]));
    assertThat(h.get("best_models").has("next_purchase")).isTrue();
    List<String> stages = new ArrayList<>();
    s.get("stages").forEach(st -> stages.add(st.get("stage").asText()));
    assertThat(stages).containsExactly("ingest", "clean", "rfm", "segment", "ltv", "next_purchase", "clv", "rollups");
    List<String> files = new ArrayList<>();
    s.get("files").forEach(f -> files.add(f.get("file").asText()));
    assertThat(files).contains("customer_sample.csv", "summary.json", "report.html").hasSize(19);

    String html = Files.readString(dir.resolve("report.html"), StandardCharsets.UTF_8);
    assertThat(html).doesNotContain("<script").doesNotContain("Not in this bundle")
        .contains("Revenue peaked in 2011-11 at 1,452,116")
        .contains("United Kingdom brings 85% of revenue");
    // Elbow x3, silhouette, clusters, segments x2, LTV scatter, per task F1 + 3 ROC, monthly x3, countries,
    // clv: P(alive), calibration, CLV by segment.
    assertThat(html.split("<svg ", -1).length - 1).isEqualTo(23);
    assertThat(html).contains("P(alive): customers per tenth", "Holdout purchases per calibration purchases",
        "at their search bound, where the model degenerates on this data: calibration bg_nbd a");
    assertThat(html.split("<table class=\"heatmap\"", -1).length - 1).isEqualTo(3); // 2 confusion matrices, cohorts
    // The model comparison shows every candidate, xgboost too where the build has it (Spark 3.5).
    assertThat(html).contains("random_forest/default AUC", "gbt/default AUC");
    if (CANDIDATES == 3) {
      assertThat(html).contains("xgboost/default AUC");
    }
  }

  /**
   * Executes every notebook headless against the bundle (report.ipynb) and the warehouse
   * (spark_tables.ipynb, through the CLI fallback: pyspark is not installed here). Fails, not
   * skips, when Jupyter is missing: CI installs it (.ci/python-deps).
   */
  @Test
  void notebooksExecuteAgainstTheBundle() throws IOException, InterruptedException {
    Path nbconvert = Paths.get("/usr/bin/jupyter-nbconvert");
    assertThat(Files.isExecutable(nbconvert)).as("%s is missing: run .ci/python-deps (Debian packages"
        + " python3-pandas python3-matplotlib jupyter-nbconvert python3-ipykernel)", nbconvert).isTrue();
    Path repo = Paths.get(System.getProperty("ca.repo.root", ".")).toAbsolutePath().normalize();
    List<Path> notebooks;
    try (Stream<Path> files = Files.list(repo.resolve("notebooks"))) {
      notebooks = files.filter(p -> p.toString().endsWith(".ipynb")).sorted().collect(Collectors.toList());
    }
    assertThat(notebooks).extracting(p -> p.getFileName().toString()).contains("report.ipynb", "spark_tables.ipynb");
    Path out = SparkTest.tempDir("notebooks");
    Path cli = cliScript(repo, out);
    for (Path nb : notebooks) {
      ProcessBuilder pb = new ProcessBuilder(nbconvert.toString(), "--to", "notebook", "--execute",
          "--ExecutePreprocessor.timeout=600", "--output-dir", out.toString(), nb.toString())
          .directory(nb.getParent().toFile()).redirectErrorStream(true)
          .redirectOutput(out.resolve(nb.getFileName() + ".log").toFile());
      Map<String, String> env = pb.environment();
      // Debian's python (with pandas) must win over any pyenv/venv python3 on the PATH.
      env.put("PATH", "/usr/bin:/bin:" + env.getOrDefault("PATH", ""));
      env.put("CA_REPORT_DIR", bundle().toString());
      env.put("CA_WAREHOUSE", wh.toString());
      env.put("CA_AS_OF", "2011-12-09");
      env.put("CA_CLI", cli.toString());
      env.put("CA_CONFIG", repo.resolve("conf/local.conf").toString());
      env.put("MPLBACKEND", "Agg");
      Process p = pb.start();
      boolean done = p.waitFor(15, TimeUnit.MINUTES);
      if (!done) {
        p.destroyForcibly();
      }
      String log = Files.readString(out.resolve(nb.getFileName() + ".log"), StandardCharsets.UTF_8);
      assertThat(done && p.exitValue() == 0).as("notebook %s failed (a cell raised, or timed out):%n%s", nb,
          log.length() > 6000 ? log.substring(log.length() - 6000) : log).isTrue();
      String executed = Files.readString(out.resolve(nb.getFileName()), StandardCharsets.UTF_8);
      assertThat(executed).as(nb.toString()).doesNotContain("\"output_type\": \"error\"").contains("Reading: ");
    }
  }

  /**
   * The notebooks' CLI fallback, as a script running this build's classes (the jar is built
   * after the tests), in local mode with the job's own logging on stderr.
   */
  private static Path cliScript(Path repo, Path dir) throws IOException {
    List<String> jvm = ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
        .filter(a -> a.startsWith("--add-opens") || a.startsWith("-XX:+IgnoreUnrecognizedVMOptions")
            || a.startsWith("-Djdk.reflect"))
        .collect(Collectors.toList());
    String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
    String script = "#!/bin/sh\nexec '" + java + "' -Xmx1g " + String.join(" ", jvm)
        + " '-Dlog4j.configurationFile=" + repo.resolve("conf/log4j2.properties") + "' -cp '"
        + classpath + "' com.customeranalytics.cli.Main \"$@\"\n";
    Path f = dir.resolve("customer-analytics-cli");
    Files.writeString(f, script);
    assertThat(f.toFile().setExecutable(true)).isTrue();
    return f;
  }
}
