package com.customeranalytics.stage.ingest;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.customeranalytics.cli.Pipeline;
import com.customeranalytics.job.StageFailedException;
import com.customeranalytics.table.TableStore;
import com.customeranalytics.table.Tables;
import com.customeranalytics.testing.SparkExtension;
import com.customeranalytics.testing.SparkTest;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SparkExtension.class)
class IngestStageTest {
  static final String UCI = "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n";
  static final String II = "Invoice,StockCode,Description,Quantity,InvoiceDate,Price,Customer ID,Country\n";
  private final SparkSession spark = SparkTest.spark();

  private Dataset<Row> ingest(Path wh, String input, String... sets) {
    String[] all = new String[sets.length + 1];
    all[0] = "stages=ingest";
    System.arraycopy(sets, 0, all, 1, sets.length);
    Pipeline.runJob(spark, SparkTest.settings(wh, input, all));
    return new TableStore(spark, wh.toString()).read(Tables.BRONZE_TRANSACTIONS);
  }

  private static void gzip(Path file, String content) throws IOException {
    try (OutputStream os = new GZIPOutputStream(Files.newOutputStream(file))) {
      os.write(content.getBytes(StandardCharsets.UTF_8));
    }
  }

  @Test
  void readsBothHeaderVariantsPlainAndGzThroughAGlob() throws IOException {
    Path in = SparkTest.tempDir("in");
    SparkTest.write(in, "2010-12.csv", UCI
        + "536365,85123A,WHITE HANGING HEART T-LIGHT HOLDER,6,2010-12-01 08:26:00,2.55,17850,United Kingdom\n"
        + "536366,22633,HAND WARMER UNION JACK,6,12/1/2010 8:28,1.85,,United Kingdom\n");
    // Online Retail II names, columns reordered, gzipped.
    gzip(in.resolve("2011-01.csv.gz"), "Country,Customer ID,Price,InvoiceDate,Quantity,Description,StockCode,Invoice\n"
        + "France,12680.0,4.95,2011-01-04 10:00:00,12,\"SET OF 3 CAKE TINS, PANTRY\",22720,539993\n");
    SparkTest.write(in, "notes.txt", "not part of the glob\n");
    Path wh = SparkTest.tempDir("wh");

    Dataset<Row> bronze = ingest(wh, in + "/*.csv*");

    List<Row> rows = bronze.orderBy(col("invoice_no")).collectAsList();
    assertThat(rows).hasSize(3);
    Row uci = rows.get(0);
    assertThat(uci.<String>getAs("stock_code")).isEqualTo("85123A");
    assertThat(uci.<Integer>getAs("quantity")).isEqualTo(6);
    assertThat(uci.<Double>getAs("unit_price")).isEqualTo(2.55);
    assertThat(uci.<Long>getAs("customer_id")).isEqualTo(17850L);
    assertThat(uci.getAs("invoice_ts").toString()).isEqualTo("2010-12-01 08:26:00.0");
    assertThat(uci.<String>getAs("invoice_month")).isEqualTo("2010-12");
    assertThat(uci.<String>getAs("parse_error")).isNull();
    assertThat(uci.<String>getAs("source_file")).endsWith("2010-12.csv");
    Row guest = rows.get(1);
    assertThat(guest.<Long>getAs("customer_id")).isNull();
    assertThat(guest.getAs("invoice_ts").toString()).isEqualTo("2010-12-01 08:28:00.0");
    Row ii = rows.get(2);
    assertThat(ii.<String>getAs("invoice_no")).isEqualTo("539993");
    assertThat(ii.<String>getAs("description")).isEqualTo("SET OF 3 CAKE TINS, PANTRY");
    assertThat(ii.<Long>getAs("customer_id")).isEqualTo(12680L);
    assertThat(ii.<Double>getAs("unit_price")).isEqualTo(4.95);
    assertThat(ii.<String>getAs("country")).isEqualTo("France");
    assertThat(ii.<String>getAs("source_file")).endsWith("2011-01.csv.gz");
    assertThat(ii.<String>getAs("run_id")).isEqualTo(uci.<String>getAs("run_id"));
    assertThat(bronze.inputFiles()).anyMatch(f -> f.contains("invoice_month=2011-01"));
  }

  @Test
  void keepsEveryMalformedRowWithItsProblemAndRawText() throws IOException {
    Path in = SparkTest.tempDir("in");
    SparkTest.write(in, "a.csv", "\uFEFF" + UCI.replace("\n", "\r\n")
        + "1,A,ok,6,2010-12-01 08:26:00,2.55,17850,UK\r\n"
        + "2,A,integral text,6.0,2010-12-01 08:26:00,2.55,17850.0,UK\r\n"
        + "3,A,fractional,6.5,2010-12-01 08:26:00,2.55,17850.5,UK\r\n"
        + "4,A,garbage,x6,2011-02-30 08:26:00,N/A,abc,UK\r\n"
        + "5,A,too few,6,2010-12-01 08:26:00\r\n"
        + "6,A,too many,6,2010-12-01 08:26:00,2.55,17850,UK,extra\r\n"
        + "\r\n"
        + "7,A,\"a, \"\"quoted\"\" desc\",6,2010-12-01 08:26:00,NaN,,UK\r\n"
        + ",,,,,,,\r\n"
        + "9, A ,spaces, 6 , 31.12.2010 10:00 , 1e2 ,1,UK\r\n"
        + "10,,no code,1,2010-12-01 08:26:00,1.00,,UK\r\n");
    Files.write(in.resolve("b.csv"), concat(UCI.getBytes(StandardCharsets.UTF_8),
        new byte[] {'1', '1', ',', 'A', ',', 'c', 'a', 'f', (byte) 0xE9, ',', '1', ',', '2', '0', '1', '1',
            '-', '0', '1', '-', '0', '1', ' ', '1', '0', ':', '0', '0', ':', '0', '0', ',', '1', ',', ',',
            'U', 'K', '\n'},
        // Valid UTF-8 in the same file reads as the text it is.
        "12,A,caf\u00e9 \u2615,1,2011-01-01 10:00:00,1,,UK\n".getBytes(StandardCharsets.UTF_8)));
    SparkTest.write(in, "unknown.csv", "foo,bar\n1,2\n3,4\n");
    SparkTest.write(in, "empty.csv", "");
    SparkTest.write(in, "header-only.csv", UCI);
    Path wh = SparkTest.tempDir("wh");

    Dataset<Row> bronze = ingest(wh, in.toString());

    Map<String, String> problems = new HashMap<>();
    for (Row r : bronze.collectAsList()) {
      String key = r.<String>getAs("invoice_no") == null ? r.<String>getAs("raw_record") : r.getAs("invoice_no");
      problems.put(key, r.getAs("parse_error") == null ? "ok" : r.<String>getAs("parse_error"));
    }
    assertThat(problems).containsOnly(
        Map.entry("1", "ok"),
        Map.entry("2", "ok"),
        Map.entry("3", "unparseable_quantity;unparseable_customer_id"),
        Map.entry("4", "unparseable_quantity;unparseable_invoice_ts;unparseable_unit_price;unparseable_customer_id"),
        Map.entry("5", "malformed_row;missing_unit_price"),
        Map.entry("6", "malformed_row"),
        Map.entry("7", "unparseable_unit_price"),
        Map.entry(",,,,,,,", "missing_invoice_no;missing_stock_code;missing_quantity;missing_invoice_ts;missing_unit_price"),
        Map.entry("9", "unparseable_invoice_ts"),
        Map.entry("10", "missing_stock_code"),
        Map.entry("11", "invalid_encoding"),
        Map.entry("12", "ok"),
        Map.entry("1,2", "unknown_header"),
        Map.entry("3,4", "unknown_header"));
    Row four = bronze.filter(col("invoice_no").equalTo("4")).first();
    assertThat(four.<String>getAs("raw_record")).isEqualTo("4,A,garbage,x6,2011-02-30 08:26:00,N/A,abc,UK");
    Row seven = bronze.filter(col("invoice_no").equalTo("7")).first();
    assertThat(seven.<String>getAs("description")).isEqualTo("a, \"quoted\" desc");
    Row nine = bronze.filter(col("invoice_no").equalTo("9")).first();
    assertThat(nine.<String>getAs("stock_code")).isEqualTo("A");
    assertThat(nine.<Integer>getAs("quantity")).isEqualTo(6);
    assertThat(nine.<Double>getAs("unit_price")).isEqualTo(100.0);
    Row eleven = bronze.filter(col("invoice_no").equalTo("11")).first();
    // A byte that is not UTF-8 reads as U+FFFD: the row is kept, flagged, and raw_record keeps
    // the byte itself, escaped.
    assertThat(eleven.<String>getAs("description")).isEqualTo("caf\uFFFD");
    assertThat(eleven.<String>getAs("raw_record")).startsWith("11,A,caf\\xE9,1,2011-01-01 10:00:00,");
    Row twelve = bronze.filter(col("invoice_no").equalTo("12")).first();
    assertThat(twelve.<String>getAs("description")).isEqualTo("caf\u00e9 \u2615");
    assertThat(bronze.filter(col("parse_error").isNull()).count()).isEqualTo(3);
  }

  @Test
  void reIngestAddsNothingAndNewFilesAreAppended() {
    Path in = SparkTest.tempDir("in");
    SparkTest.write(in, "day1.csv", UCI + "1,A,x,1,2011-01-01 10:00:00,1.0,1,UK\n2,A,x,1,2011-01-01 10:00:00,1.0,1,UK\n");
    SparkTest.write(in, "day2.csv", UCI + "3,A,x,1,2011-01-02 10:00:00,1.0,1,UK\n");
    Path wh = SparkTest.tempDir("wh");
    assertThat(ingest(wh, in.toString()).count()).isEqualTo(3);
    assertThat(ingest(wh, in.toString()).count()).isEqualTo(3);
    SparkTest.write(in, "day3.csv", UCI + "4,A,x,1,2011-01-03 10:00:00,1.0,1,UK\n5,A,x,1,2011-01-03 10:00:00,1.0,1,UK\n");
    Dataset<Row> bronze = ingest(wh, in.toString());
    assertThat(bronze.count()).isEqualTo(5);
    assertThat(bronze.select("run_id").distinct().count()).isEqualTo(2);

    Dataset<Row> runs = new TableStore(spark, wh.toString()).read(Tables.JOB_RUNS).orderBy("started_at");
    List<Row> r = runs.collectAsList();
    assertThat(r).hasSize(3);
    assertThat(r).extracting(x -> x.<Long>getAs("rows_out")).containsExactly(3L, 0L, 2L);
    assertThat(r).extracting(x -> x.<String>getAs("status")).containsOnly("succeeded");
    assertThat(r).extracting(x -> x.<String>getAs("stage")).containsOnly("ingest");
    assertThat(r.get(1).<String>getAs("message")).contains("2 already ingested");
    assertThat(r.get(0).<String>getAs("settings_digest")).hasSize(16);
  }

  @Test
  void readsParquetAndDeltaInputs() throws IOException {
    Path gen = SparkTest.tempDir("gen");
    new com.customeranalytics.generate.TransactionGenerator(3).generate(2_000, gen,
        com.customeranalytics.generate.TransactionGenerator.Format.PARQUET);
    Path wh = SparkTest.tempDir("wh");
    Dataset<Row> fromParquet = ingest(wh, gen.toString());
    assertThat(fromParquet.count()).isEqualTo(2_000);
    assertThat(fromParquet.filter(col("parse_error").isNull()).count()).isBetween(1_990L, 2_000L);

    // A Delta table with UCI-named typed columns, as another team might publish it.
    Path delta = SparkTest.tempDir("delta").resolve("raw");
    spark.read().parquet(gen.toString()).limit(300).selectExpr("InvoiceNo", "StockCode", "Description",
        "cast(Quantity as int) as Quantity", "InvoiceDate", "UnitPrice", "CustomerID", "Country")
        .write().format("delta").save(delta.toString());
    Path wh2 = SparkTest.tempDir("wh");
    assertThat(ingest(wh2, delta.toString()).count()).isEqualTo(300);
    assertThat(ingest(wh2, delta.toString()).count()).as("re-ingest of the same version").isEqualTo(300);
  }

  @Test
  void missingInputFailsNamingThePath() {
    Path wh = SparkTest.tempDir("wh");
    assertThatThrownBy(() -> ingest(wh, "/no/such/dir/transactions.csv"))
        .isInstanceOf(StageFailedException.class)
        .hasMessageContaining("Stage 'ingest' failed")
        .hasMessageContaining("Input not found: /no/such/dir/transactions.csv");
    Path in = SparkTest.tempDir("in");
    SparkTest.write(in, "data.xlsx", "binary");
    assertThatThrownBy(() -> ingest(wh, in.toString()))
        .isInstanceOf(StageFailedException.class)
        .hasMessageContaining("data.xlsx");
  }

  private static byte[] concat(byte[]... parts) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.write(p, 0, p.length);
    }
    return out.toByteArray();
  }
}
