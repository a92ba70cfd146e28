package com.customeranalytics.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.customeranalytics.testing.SparkTest;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The real UCI file through the CLI, as a user runs it: one pipeline run for the class, then
 * each stage's end-to-end figures checked with `query`.
 */
class RealFilePipelineTest {
  private static Path wh;

  @BeforeAll
  static void runPipeline() {
    wh = SparkTest.tempDir("real-wh");
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Main.execute(new String[] {"run", "--input", SparkTest.realFile().toString(),
        "--warehouse", wh.toString()}, Map.of(), System.out,
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
        + " WHERE reason IS NULL OR reason <> '_total' ORDER BY table_name, reason")).containsExactly(
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
}
