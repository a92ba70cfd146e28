package com.customeranalytics.stage.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.customeranalytics.cli.Pipeline;
import com.customeranalytics.table.TableStore;
import com.customeranalytics.table.Tables;
import com.customeranalytics.testing.SparkExtension;
import com.customeranalytics.testing.SparkTest;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Each CSV file is read with the one timestamp format that reads all of it; never guessed row by row. */
@ExtendWith(SparkExtension.class)
class TimestampFormatTest {
  private final SparkSession spark = SparkTest.spark();

  private static final String HEADER = "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n";

  /** One sale per timestamp text, invoice numbers from {@code invoice}. */
  private static String file(int invoice, String... timestamps) {
    StringBuilder sb = new StringBuilder(HEADER);
    for (int i = 0; i < timestamps.length; i++) {
      sb.append(invoice + i).append(",85123A,\"HEART, WHITE\",6,").append(timestamps[i])
          .append(",2.55,17850,United Kingdom\n");
    }
    return sb.toString();
  }

  private static final String[] DAY_FIRST = {"01/12/2010 08:26", "05/12/2010 09:10", "13/12/2010 10:00", "20/12/2010 11:30"};
  private static final String[] MONTH_FIRST = {"12/1/2010 8:26", "12/13/2010 9:05"};

  private Map<Integer, String> timestampsByInvoice(Path wh) {
    Map<Integer, String> out = new TreeMap<>();
    for (Row r : new TableStore(spark, wh.toString()).read(Tables.BRONZE_TRANSACTIONS)
        .selectExpr("int(invoice_no)", "string(invoice_ts)", "parse_error").collectAsList()) {
      assertThat(r.isNullAt(2)).as("parse_error of %s", r.get(0)).isTrue();
      out.put(r.getInt(0), r.getString(1));
    }
    return out;
  }

  @Test
  void aDayFirstFileUnderTheDefaultFormatsFailsNamingTheFileAndTheFormatToAdd() {
    Path in = SparkTest.tempDir("dayfirst-in");
    Path wh = SparkTest.tempDir("dayfirst-wh");
    SparkTest.write(in, "eu.csv", file(700000, DAY_FIRST));
    SparkTest.write(in, "us.csv", file(710000, MONTH_FIRST));

    // Row by row, 01/12 and 05/12 would be read as January 12 and May 12, and 13/12 as invalid.
    assertThatThrownBy(() -> Pipeline.runJob(spark, SparkTest.settings(wh, in.toString(), "stages=ingest")))
        .hasMessageContaining("eu.csv")
        .hasMessageContaining("day-first")
        .hasMessageContaining("'13/12/2010 10:00'")
        .hasMessageContaining("\"d/M/yyyy H:mm\"")
        .hasMessageContaining("ingest.timestamp-formats")
        .hasMessageContaining("Nothing of this input is ingested");
    TableStore store = new TableStore(spark, wh.toString());
    assertThat(store.exists(Tables.BRONZE_TRANSACTIONS) ? store.read(Tables.BRONZE_TRANSACTIONS).count() : 0L)
        .isZero();
  }

  @Test
  void withBothFormatsConfiguredEachFileIsReadInItsOwn() {
    Path in = SparkTest.tempDir("twoformats-in");
    Path wh = SparkTest.tempDir("twoformats-wh");
    SparkTest.write(in, "eu.csv", file(700000, DAY_FIRST));
    SparkTest.write(in, "us.csv", file(710000, MONTH_FIRST));

    Pipeline.runJob(spark, SparkTest.settings(wh, in.toString(), "stages=ingest",
        "ingest.timestamp-formats=M/d/yyyy H:mm,d/M/yyyy H:mm"));

    assertThat(timestampsByInvoice(wh)).containsExactlyEntriesOf(new TreeMap<>(Map.of(
        700000, "2010-12-01 08:26:00", 700001, "2010-12-05 09:10:00", 700002, "2010-12-13 10:00:00",
        700003, "2010-12-20 11:30:00", 710000, "2010-12-01 08:26:00", 710001, "2010-12-13 09:05:00")));
  }

  @Test
  void aFileThatTwoFormatsReadDifferentlyFailsNamingBoth() {
    Path in = SparkTest.tempDir("ambiguous-in");
    Path wh = SparkTest.tempDir("ambiguous-wh");
    SparkTest.write(in, "early_december.csv", file(720000, "01/12/2010 08:26", "05/12/2010 09:10"));

    assertThatThrownBy(() -> Pipeline.runJob(spark, SparkTest.settings(wh, in.toString(), "stages=ingest",
        "ingest.timestamp-formats=M/d/yyyy H:mm,d/M/yyyy H:mm")))
        .hasMessageContaining("early_december.csv")
        .hasMessageContaining("more than one of ingest.timestamp-formats")
        .hasMessageContaining("'01/12/2010 08:26' is 2010-01-12 08:26:00 under \"M/d/yyyy H:mm\"")
        .hasMessageContaining("2010-12-01 08:26:00 under \"d/M/yyyy H:mm\"");
  }

  @Test
  void theSamplerReadsTheTimestampColumnOfEveryRecord() throws Exception {
    CsvScan s = new CsvScan(',', false, 4, true);
    byte[] bytes = (HEADER + "1,A,\"quoted, with comma\",6,12/1/2010 8:26,2.55,1,UK\r\n"
        + "2,B,\"say \"\"hi\"\"\",6, 12/1/2010 8:26 ,2.55,1,UK\n"
        + "3,C,plain,6,12/2/2010 9:00,2.55,1,UK").getBytes("UTF-8"); // no final line break
    s.write(bytes, 0, 17);
    s.write(bytes, 17, bytes.length - 17);
    s.close();
    assertThat(s.values()).containsExactly("12/1/2010 8:26", "12/2/2010 9:00");
    assertThat(s.records()).isEqualTo(3);
    assertThat(CsvScan.supports("UTF-8", ",")).isTrue();
    assertThat(CsvScan.supports("UTF-16", ",")).isFalse();
    assertThat(List.of(TimestampFormats.DAY_FIRST.get(0))).containsExactly("d/M/yyyy H:mm");
  }
}
