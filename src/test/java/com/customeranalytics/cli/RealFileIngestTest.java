package com.customeranalytics.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.customeranalytics.testing.SparkTest;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The real UCI file through the CLI, as a user would run it: run, then query. */
class RealFileIngestTest {
  @Test
  void ingestsEveryRowOfTheRealFile() {
    Path wh = SparkTest.tempDir("real-wh");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
    PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);

    int run = Main.execute(new String[] {"run", "--input", SparkTest.realFile().toString(),
        "--warehouse", wh.toString(), "--stages", "ingest"}, Map.of(), o, e, s -> SparkTest.spark());
    assertThat(run).as(err.toString()).isZero();

    int query = Main.execute(new String[] {"query", "--warehouse", wh.toString(),
        "SELECT count(*) AS n, count(parse_error) AS unparsed, count(DISTINCT invoice_month) AS months,"
            + " min(invoice_month) AS first, max(invoice_month) AS last,"
            + " count(DISTINCT customer_id) AS customers FROM bronze_transactions"},
        Map.of(), o, e, s -> SparkTest.spark());
    assertThat(query).as(err.toString()).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8).split("\n")).containsExactly(
        "n,unparsed,months,first,last,customers",
        "541909,0,13,2010-12,2011-12,4372");
  }
}
