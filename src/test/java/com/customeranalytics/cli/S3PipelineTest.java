package com.customeranalytics.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.customeranalytics.generate.TransactionGenerator;
import com.customeranalytics.testing.S3Proxy;
import com.customeranalytics.testing.SparkExtension;
import com.customeranalytics.testing.SparkTest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The job with its input and its warehouse on {@code s3a://}, against S3Proxy on 127.0.0.1, through
 * the CLI as a cluster runs it; then the tables are read back over S3A. And a wrong endpoint must
 * fail fast, naming the endpoint, instead of hanging in S3A's retries.
 */
@ExtendWith(SparkExtension.class)
class S3PipelineTest {
  private static final String BUCKET = "ca-test";
  /** Configured like BUCKET but pointed at a closed port: nothing answers there. */
  private static final String UNREACHABLE_BUCKET = "ca-unreachable";
  private static final String INPUT = "s3a://" + BUCKET + "/raw/";
  private static final String WAREHOUSE = "s3a://" + BUCKET + "/warehouse";
  /**
   * The stages run here: ingest -> clean -> rfm, as issue 7 asks.
   */
  private static final String STAGES = "ingest,clean,rfm";
  private static final int GENERATED_ROWS = 2_000;
  private static final long WRONG_ENDPOINT_LIMIT_SECONDS = 60;

  /** Hand-made: one row per outcome, so every silver table has an exact expected count. */
  private static final String HAND_MADE = String.join("\n",
      "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country",
      "536365,85123A,WHITE HANGING HEART,6,2010-12-01 08:26:00,2.55,17850,United Kingdom",  // sale
      "536365,85123A,WHITE HANGING HEART,6,2010-12-01 08:26:00,2.55,17850,United Kingdom",  // duplicate
      "536376,22633,HAND WARMER,5,2010-12-01 09:00:00,1.85,,United Kingdom",              // sale (guest)
      "C536379,22633,HAND WARMER,-1,2010-12-02 09:41:00,1.85,14527,United Kingdom",       // cancellation
      "A563185,B,Adjust bad debt,1,2011-08-12 14:50:00,11062.06,,United Kingdom",         // adjustment
      "536370,POST,POSTAGE,3,2010-12-01 08:45:00,18.00,12583,France",                     // non_product
      "536372,22633,ZERO QTY,0,2010-12-01 09:00:00,1.85,17850,United Kingdom",            // non_positive_quantity
      "536374,22633,FREE,5,2010-12-01 09:00:00,0,17850,United Kingdom",                   // non_positive_price
      "536377,22633,X,abc,2010-12-01 09:00:00,1.85,17850,United Kingdom",                 // unparseable_quantity
      "");
  private static final int HAND_MADE_ROWS = 9;

  private static S3Proxy s3;
  private static Configuration hadoopConf;

  @BeforeAll
  static void startS3() {
    s3 = S3Proxy.start(BUCKET);
    hadoopConf = SparkTest.spark().sparkContext().hadoopConfiguration();
    S3Proxy.configureBucket(hadoopConf, BUCKET, s3.endpoint());
  }

  @AfterAll
  static void stopS3() {
    if (s3 != null) {
      s3.close();
    }
  }

  @Test
  void runsTheJobWithInputAndWarehouseOnS3() throws IOException {
    Path local = SparkTest.tempDir("s3-input");
    Path hand = SparkTest.write(local, "hand-made.csv", HAND_MADE);
    Path generated = gzip(new TransactionGenerator(7).generate(GENERATED_ROWS, local,
        TransactionGenerator.Format.CSV));
    upload(hand, INPUT + "2011-12-09/hand-made.csv");
    upload(generated, INPUT + "2011-12-09/transactions.csv.gz");

    long start = System.nanoTime();
    run(STAGES);
    System.err.printf(Locale.ROOT, "S3PipelineTest: %s on s3a:// took %.1f s%n", STAGES,
        (System.nanoTime() - start) / 1e9);
    // A re-run of the night ingests nothing new: the files on S3 are known to be in bronze already.
    run("ingest");

    long total = HAND_MADE_ROWS + GENERATED_ROWS;
    Map<String, String> expected = new LinkedHashMap<>();
    expected.put("bronze rows", String.valueOf(total));
    expected.put("bronze sources on s3a", "2");
    // The hand-made rows, table by table and reason by reason.
    expected.put("hand-made silver_excluded adjustment", "1");
    expected.put("hand-made silver_excluded duplicate", "1");
    expected.put("hand-made silver_excluded non_positive_price", "1");
    expected.put("hand-made silver_excluded non_positive_quantity", "1");
    expected.put("hand-made silver_excluded non_product", "1");
    expected.put("hand-made silver_invalid unparseable_quantity", "1");
    expected.put("hand-made silver_returns cancellation", "1");
    expected.put("hand-made silver_sales -", "2");
    expected.put("hand-made sales revenue", "24.55");
    expected.put("hand-made guest sales", "1");
    // Every input row, hand-made and generated, in exactly one silver table.
    expected.put("silver rows", String.valueOf(total));
    expected.put("dq_report conservation_ok", "true");
    expected.put("job_runs", "ingest succeeded " + total + " 2011-12-09; clean succeeded " + total
        + " 2011-12-09; rfm succeeded 2011-12-09; ingest succeeded 0 2011-12-09");
    // One customer_rfm row per customer with a sale on or before the as-of date, read from S3.
    expected.put("customer_rfm rows = customers", "true");
    Map<String, String> facts = facts(String.join(" UNION ALL ",
        "SELECT 'bronze rows', CAST(count(*) AS STRING) FROM bronze_transactions",
        "SELECT 'bronze sources on s3a', CAST(count(DISTINCT source_file) AS STRING)"
            + " FROM bronze_transactions WHERE source_file LIKE '" + INPUT + "%'",
        "SELECT concat('hand-made ', t, ' ', coalesce(reason, '-')), CAST(count(*) AS STRING) FROM ("
            + silverRows("source_file LIKE '%/hand-made.csv'") + ") GROUP BY t, reason",
        "SELECT 'hand-made sales revenue', CAST(CAST(sum(revenue) AS DECIMAL(10, 2)) AS STRING)"
            + " FROM silver_sales WHERE source_file LIKE '%/hand-made.csv'",
        "SELECT 'hand-made guest sales', CAST(sum(CAST(is_guest AS INT)) AS STRING) FROM silver_sales"
            + " WHERE source_file LIKE '%/hand-made.csv'",
        "SELECT 'silver rows', CAST(count(*) AS STRING) FROM (" + silverRows("true") + ")",
        "SELECT 'dq_report conservation_ok', CAST(bool_and(conservation_ok) AS STRING) FROM dq_report",
        "SELECT 'job_runs', array_join(transform(array_sort(collect_list(struct(started_at, concat_ws(' ',"
            + " stage, status, CASE WHEN stage <> 'rfm' THEN CAST(rows_in AS STRING) END,"
            + " CAST(as_of_date AS STRING))))), x -> x.col2), '; ') FROM job_runs",
        "SELECT 'customer_rfm rows = customers', CAST((SELECT count(*) FROM customer_rfm) = (SELECT"
            + " count(DISTINCT customer_id) FROM silver_sales WHERE to_date(invoice_ts) <= DATE'2011-12-09')"
            + " AND (SELECT count(*) FROM customer_rfm) > 0 AS STRING)"));
    assertThat(facts).containsExactlyInAnyOrderEntriesOf(expected);
    assertThat(s3.storedObject(BUCKET, "warehouse/silver_sales/_delta_log/00000000000000000000.json"))
        .as("written through S3Proxy").isRegularFile();
  }

  @Test
  void aWrongEndpointFailsFastNamingTheEndpoint() {
    String endpoint = "http://127.0.0.1:" + S3Proxy.freePort(); // closed: nothing listens there
    S3Proxy.configureBucket(hadoopConf, UNREACHABLE_BUCKET, endpoint);

    // The input on the unreachable endpoint, the warehouse local.
    String message = failFast(new String[] {"run", "--stages", STAGES, "--as-of", "2011-12-09",
        "--input", "s3a://" + UNREACHABLE_BUCKET + "/raw/", "--warehouse",
        SparkTest.tempDir("s3-wrong-endpoint-wh").toString()});
    assertThat(message).contains("Stage 'ingest' failed")
        .contains("Cannot read input s3a://" + UNREACHABLE_BUCKET + "/raw/ (S3 endpoint " + endpoint + ")");

    // The warehouse there too: the stage's first write (its job_runs row) names it.
    message = failFast(new String[] {"run", "--stages", STAGES, "--as-of", "2011-12-09",
        "--input", "s3a://" + UNREACHABLE_BUCKET + "/raw/", "--warehouse",
        "s3a://" + UNREACHABLE_BUCKET + "/warehouse"});
    assertThat(message).contains("Stage 'ingest' failed")
        .contains("Cannot write job_runs under s3a://" + UNREACHABLE_BUCKET + "/warehouse (S3 endpoint "
            + endpoint + "), so the stage did not start");
  }

  private static String failFast(String[] args) {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    long start = System.nanoTime();
    int code = Main.execute(args, Map.of(), System.out, new PrintStream(err, true, StandardCharsets.UTF_8),
        s -> SparkTest.spark());
    double seconds = (System.nanoTime() - start) / 1e9;
    String message = err.toString(StandardCharsets.UTF_8);
    System.err.printf(Locale.ROOT, "S3PipelineTest: wrong endpoint failed after %.1f s: %s%n", seconds,
        message.lines().findFirst().orElse(""));
    assertThat(code).as(message).isEqualTo(Main.FAILED);
    assertThat(seconds).as(message).isLessThan(WRONG_ENDPOINT_LIMIT_SECONDS);
    return message;
  }

  private static void run(String stages) {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Main.execute(new String[] {"run", "--stages", stages, "--as-of", "2011-12-09",
        "--input", INPUT, "--warehouse", WAREHOUSE}, Map.of(), System.out,
        new PrintStream(err, true, StandardCharsets.UTF_8), s -> SparkTest.spark());
    assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
  }

  /** Every silver row matching {@code where}, as (t = its table, reason). */
  private static String silverRows(String where) {
    return String.join(" UNION ALL ",
        "SELECT 'silver_sales' AS t, CAST(NULL AS STRING) AS reason FROM silver_sales WHERE " + where,
        "SELECT 'silver_returns', reason FROM silver_returns WHERE " + where,
        "SELECT 'silver_excluded', reason FROM silver_excluded WHERE " + where,
        "SELECT 'silver_invalid', reason FROM silver_invalid WHERE " + where);
  }

  /**
   * Runs {@code query --format csv} over the S3 warehouse (one run lists and opens every table, so
   * the checks share one) and returns its rows as fact -> value.
   */
  private static Map<String, String> facts(String sql) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Main.execute(new String[] {"query", "--warehouse", WAREHOUSE,
        "SELECT * FROM (" + sql + ") AS facts(fact, value)"}, Map.of(),
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), s -> SparkTest.spark());
    assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
    Map<String, String> facts = new LinkedHashMap<>();
    String[] lines = out.toString(StandardCharsets.UTF_8).split("\n");
    for (int i = 1; i < lines.length; i++) { // line 0 is the header; facts and values hold no commas
      int comma = lines[i].indexOf(',');
      facts.put(lines[i].substring(0, comma), lines[i].substring(comma + 1));
    }
    return facts;
  }

  /** Copies a local file to S3 through S3A, as a nightly drop would arrive. */
  private static void upload(Path file, String target) throws IOException {
    org.apache.hadoop.fs.Path dst = new org.apache.hadoop.fs.Path(target);
    FileSystem fs = dst.getFileSystem(hadoopConf);
    fs.copyFromLocalFile(new org.apache.hadoop.fs.Path(file.toUri()), dst);
    assertThat(fs.getFileStatus(dst).getLen()).isEqualTo(Files.size(file));
  }

  private static Path gzip(Path file) throws IOException {
    Path gz = file.resolveSibling(file.getFileName() + ".gz");
    try (InputStream in = Files.newInputStream(file);
        OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
      in.transferTo(out);
    }
    Files.delete(file);
    return gz;
  }
}
