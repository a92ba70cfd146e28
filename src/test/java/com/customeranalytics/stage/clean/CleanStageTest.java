package com.customeranalytics.stage.clean;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import com.customeranalytics.cli.Pipeline;
import com.customeranalytics.table.TableStore;
import com.customeranalytics.table.Tables;
import com.customeranalytics.testing.SparkExtension;
import com.customeranalytics.testing.SparkTest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Every kind of row, good and bad, and where each one lands. */
@ExtendWith(SparkExtension.class)
class CleanStageTest {
  static final String UCI = "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n";
  static final String SALE = "536365,85123A,WHITE HANGING HEART,6,2010-12-01 08:26:00,2.55,17850,United Kingdom\n";
  static final String GUEST = "536376,22633,HAND WARMER,5,2010-12-01 09:00:00,1.85,,United Kingdom\n";
  static final String POST = "536370,POST,POSTAGE,3,2010-12-01 08:45:00,18.00,12583,France\n";
  private static final SparkSession spark = SparkTest.spark();
  private static Path wh;
  private static TableStore tables;

  @BeforeAll
  static void runIngestAndClean() throws IOException {
    Path in = SparkTest.tempDir("clean-in");
    String a = UCI
        + SALE                                                                   // sale
        + SALE                                                                   // duplicate
        + "C536379,D,Discount,-1,2010-12-01 09:41:00,27.50,14527,United Kingdom\n"  // cancellation (before non_product)
        + "C536383,35004C,SET OF 3,-1,2010-12-01 09:49:00,4.65,15311,United Kingdom\n" // cancellation
        + "A563185,B,Adjust bad debt,1,2011-08-12 14:50:00,11062.06,,United Kingdom\n" // adjustment
        + POST                                                                   // non_product
        + "536371,bank charges,Bank Charges,1,2010-12-01 08:50:00,15.00,,United Kingdom\n" // non_product, any case
        + "536372,22633,ZERO QTY,0,2010-12-01 09:00:00,1.85,17850,United Kingdom\n"  // non_positive_quantity
        + "536373,22633,NEG QTY,-5,2010-12-01 09:00:00,1.85,17850,United Kingdom\n"  // non_positive_quantity
        + "536374,22633,FREE,5,2010-12-01 09:00:00,0,17850,United Kingdom\n"         // non_positive_price
        + "536375,22633,NEG PRICE,5,2010-12-01 09:00:00,-1.5,17850,United Kingdom\n" // non_positive_price
        + GUEST                                                                  // sale (guest)
        + GUEST                                                                  // duplicate
        + POST                                                                   // non_product, not duplicate
        + "536377,22633,X,abc,2010-12-01 09:00:00,1.85,17850,United Kingdom\n"     // unparseable_quantity
        + "536378,,NO CODE,1,2010-12-01 09:00:00,1.85,17850,United Kingdom\n"      // missing_stock_code
        + "536380,22633,TOO FEW,1,2010-12-01 09:00:00\n"                           // malformed_row
        + "536381,22633,TOO MANY,1,2010-12-01 09:00:00,1.85,17850,United Kingdom,x\n" // malformed_row
        + "536382,22633,X,1,2011-02-30 09:00:00,1.85,17850,United Kingdom\n"       // unparseable_invoice_ts
        + "536384,22633,X,1,01.12.2010 09:00,1.85,17850,United Kingdom\n"          // unparseable_invoice_ts
        + "536385,22633,X,1,2010-12-01 09:00:00,one,17850,United Kingdom\n"        // unparseable_unit_price
        + "C536391,22633,X,abc,2010-12-01 09:00:00,1.85,17850,United Kingdom\n"    // unparseable_quantity (rule 1 first)
        + "536392,22634,\"SAY \"\"HELLO\"\", FRIEND\",2,2010-12-02 10:00:00,3.00,17851,EIRE\n" // sale
        + "536393,22635,\"MULTI\nLINE\",1,2010-12-02 10:00:00,1.00,,United Kingdom\n" // 2 x malformed_row
        + "\n";                                                                  // blank: not a row
    SparkTest.write(in, "a.csv", a);
    Files.write(in.resolve("b.csv"), concat(UCI + SALE,                           // duplicate across files
        "536394,22636,CAF", new byte[] {(byte) 0xE9}, ",4,2010-12-03 10:00:00,2.00,17852,France\n")); // invalid_encoding (Latin-1 byte in UTF-8)
    SparkTest.write(in, "c-unknown.csv", "Order,Item,Qty\n1,2,3\n4,5,6\n");      // 2 x unknown_header
    SparkTest.write(in, "d-empty.csv", "");
    SparkTest.write(in, "e-header-only.csv", UCI);
    wh = SparkTest.tempDir("clean-wh");
    tables = new TableStore(spark, wh.toString());
    // A fixture of edge cases, most of them invalid on purpose: the share check (see
    // IngestReliabilityTest) is not what is tested here.
    Pipeline.runJob(spark, SparkTest.settings(wh, in.toString(), "stages=ingest,clean", "clean.max-invalid-share=1"));
  }

  private static byte[] concat(String a, String b, byte[] c, String d) {
    byte[] x = a.getBytes(StandardCharsets.UTF_8);
    byte[] y = b.getBytes(StandardCharsets.UTF_8);
    byte[] z = d.getBytes(StandardCharsets.UTF_8);
    byte[] out = new byte[x.length + y.length + c.length + z.length];
    System.arraycopy(x, 0, out, 0, x.length);
    System.arraycopy(y, 0, out, x.length, y.length);
    System.arraycopy(c, 0, out, x.length + y.length, c.length);
    System.arraycopy(z, 0, out, x.length + y.length + c.length, z.length);
    return out;
  }

  private static Map<String, Long> byReason(String table) {
    Map<String, Long> m = new HashMap<>();
    for (Row r : tables.read(table).groupBy("reason").count().collectAsList()) {
      m.put(r.getString(0), r.getLong(1));
    }
    return m;
  }

  @Test
  void everyRowLandsInExactlyOneTableWithItsReason() {
    assertThat(tables.read(Tables.BRONZE_TRANSACTIONS).count()).isEqualTo(29);
    assertThat(tables.read(Tables.SILVER_SALES).count()).isEqualTo(3);
    assertThat(byReason(Tables.SILVER_RETURNS)).containsOnly(Map.entry("cancellation", 2L));
    assertThat(byReason(Tables.SILVER_EXCLUDED)).containsOnly(
        Map.entry("duplicate", 3L),
        Map.entry("adjustment", 1L),
        Map.entry("non_product", 3L),
        Map.entry("non_positive_quantity", 2L),
        Map.entry("non_positive_price", 2L));
    assertThat(byReason(Tables.SILVER_INVALID)).containsOnly(
        Map.entry("unparseable_quantity", 2L),
        Map.entry("missing_stock_code", 1L),
        Map.entry("malformed_row", 4L),
        Map.entry("unparseable_invoice_ts", 2L),
        Map.entry("unparseable_unit_price", 1L),
        Map.entry("unknown_header", 2L),
        Map.entry("invalid_encoding", 1L));
  }

  @Test
  void salesAndReturnsCarryRevenueAndGuestFlag() {
    Map<String, Row> sales = new HashMap<>();
    for (Row r : tables.read(Tables.SILVER_SALES).collectAsList()) {
      sales.put(r.getAs("invoice_no"), r);
    }
    assertThat(sales).containsOnlyKeys("536365", "536376", "536392");
    assertThat(sales.get("536365").<Double>getAs("revenue")).isCloseTo(15.3, org.assertj.core.api.Assertions.within(1e-9));
    assertThat(sales.get("536365").<Boolean>getAs("is_guest")).isFalse();
    assertThat(sales.get("536365").<String>getAs("invoice_month")).isEqualTo("2010-12");
    assertThat(sales.get("536376").<Boolean>getAs("is_guest")).isTrue();
    assertThat(sales.get("536392").<String>getAs("description")).isEqualTo("SAY \"HELLO\", FRIEND");
    Row latin1 = tables.read(Tables.SILVER_INVALID).filter(col("invoice_no").equalTo("536394")).first();
    assertThat(latin1.<String>getAs("reason")).isEqualTo("invalid_encoding");
    assertThat(latin1.<String>getAs("raw_record")).startsWith("536394,22636,CAF\\xE9,4,");
    // The first of the duplicates (by source file, then file order) is the one kept.
    assertThat(sales.get("536365").<String>getAs("source_file")).endsWith("a.csv");
    assertThat(sales.get("536365").<Long>getAs("source_row")).isZero();

    List<Row> returns = tables.read(Tables.SILVER_RETURNS).orderBy("invoice_no").collectAsList();
    assertThat(returns).extracting(r -> r.<Double>getAs("revenue")).containsExactly(-27.5, -4.65);
    Row invalid = tables.read(Tables.SILVER_INVALID).filter(col("invoice_no").equalTo("536377")).first();
    assertThat(invalid.<String>getAs("raw_record")).isEqualTo("536377,22633,X,abc,2010-12-01 09:00:00,1.85,17850,United Kingdom");
    assertThat(invalid.<String>getAs("detail")).isEqualTo("unparseable_quantity");
  }

  @Test
  void dqReportRecordsConservation() {
    Dataset<Row> dq = tables.read(Tables.DQ_REPORT);
    Row first = dq.first();
    assertThat(first.<Long>getAs("input_rows")).isEqualTo(29L);
    assertThat(first.<Long>getAs("output_rows")).isEqualTo(29L);
    assertThat(first.<Boolean>getAs("conservation_ok")).isTrue();
    Map<String, Long> totals = new HashMap<>();
    for (Row r : dq.filter(col("reason").equalTo("_total")).collectAsList()) {
      totals.put(r.getAs("table_name"), r.getAs("rows"));
    }
    assertThat(totals).containsOnly(Map.entry("silver_sales", 3L), Map.entry("silver_returns", 2L),
        Map.entry("silver_excluded", 11L), Map.entry("silver_invalid", 13L));
    assertThat(dq.filter(col("table_name").equalTo("silver_excluded").and(col("reason").equalTo("duplicate")))
        .first().<Long>getAs("rows")).isEqualTo(3L);
  }

  @Test
  void reRunningCleanGivesTheSameTables() {
    Path wh2 = SparkTest.tempDir("clean-rerun");
    Path in = SparkTest.tempDir("clean-rerun-in");
    SparkTest.write(in, "a.csv", UCI + SALE + SALE + GUEST + POST);
    Pipeline.runJob(spark, SparkTest.settings(wh2, in.toString(), "stages=ingest,clean", "clean.max-invalid-share=1"));
    TableStore t = new TableStore(spark, wh2.toString());
    List<Row> before = t.read(Tables.SILVER_SALES).orderBy("invoice_no").collectAsList();
    Pipeline.runJob(spark, SparkTest.settings(wh2, in.toString(), "stages=clean", "clean.max-invalid-share=1"));
    Pipeline.runJob(spark, SparkTest.settings(wh2, in.toString(), "stages=ingest,clean", "clean.max-invalid-share=1"));
    assertThat(t.read(Tables.SILVER_SALES).orderBy("invoice_no").collectAsList()).isEqualTo(before);
    assertThat(t.read(Tables.SILVER_SALES).count()).isEqualTo(2);
    assertThat(t.read(Tables.SILVER_EXCLUDED).count()).isEqualTo(2);
    assertThat(t.read(Tables.DQ_REPORT).select("run_id").distinct().count()).isEqualTo(3);
  }

  @Test
  void conservationCheckNamesAllFourFigures() {
    Map<String, Long> written = new java.util.LinkedHashMap<>();
    written.put(Tables.SILVER_SALES, 90L);
    written.put(Tables.SILVER_RETURNS, 5L);
    written.put(Tables.SILVER_EXCLUDED, 3L);
    written.put(Tables.SILVER_INVALID, 1L);
    assertThat(CleanStage.checkConservation(99, written))
        .isEqualTo("input 99 = sales 90 + returns 5 + excluded 3 + invalid 1");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> CleanStage.checkConservation(100, written))
        .hasMessage("Row conservation failed: input 100 != sales 90 + returns 5 + excluded 3 + invalid 1"
            + " (= 99, -1 rows)");
  }
}
