package com.customeranalytics.stage.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.customeranalytics.cli.Pipeline;
import com.customeranalytics.job.StageFailedException;
import com.customeranalytics.table.TableStore;
import com.customeranalytics.table.Tables;
import com.customeranalytics.testing.ChildJob;
import com.customeranalytics.testing.SparkExtension;
import com.customeranalytics.testing.SparkTest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Re-sent, edited and concurrently delivered files: nothing ingested twice, nothing lost silently. */
@ExtendWith(SparkExtension.class)
class IngestReliabilityTest {
  private final SparkSession spark = SparkTest.spark();

  private static final String HEADER = "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n";

  private static String lines(int invoice, int n) {
    StringBuilder sb = new StringBuilder(HEADER);
    for (int i = 0; i < n; i++) {
      sb.append(invoice + i).append(",85123A,WHITE HANGING HEART,").append(1 + i % 5)
          .append(",12/1/2010 8:26,2.55,").append(17850 + i % 7).append(",United Kingdom\n");
    }
    return sb.toString();
  }

  private String ingest(Path wh, Path in, String... sets) {
    String[] all = new String[sets.length + 1];
    all[0] = "stages=ingest";
    System.arraycopy(sets, 0, all, 1, sets.length);
    return Pipeline.runJob(spark, SparkTest.settings(wh, in.toString(), all));
  }

  private long bronzeRows(Path wh) {
    return new TableStore(spark, wh.toString()).read(Tables.BRONZE_TRANSACTIONS).count();
  }

  private String lastDetail(Path wh) {
    return new TableStore(spark, wh.toString()).read(Tables.JOB_RUNS).orderBy("started_at")
        .select("message").collectAsList().stream().reduce((a, b) -> b).map(r -> r.getString(0)).orElse("");
  }

  @Test
  void theSameContentUnderANewNameIsNotIngestedAgain() throws IOException {
    Path in = SparkTest.tempDir("resend-in");
    Path wh = SparkTest.tempDir("resend-wh");
    SparkTest.write(in, "part1.csv", lines(600000, 40));
    SparkTest.write(in, "part2.csv", lines(700000, 25));
    ingest(wh, in);
    assertThat(bronzeRows(wh)).isEqualTo(65);

    Files.copy(in.resolve("part2.csv"), in.resolve("part2_resend.csv"));
    ingest(wh, in);

    assertThat(bronzeRows(wh)).isEqualTo(65);
    assertThat(lastDetail(wh)).contains("0 new").contains("1 with the content of another");
    List<Row> files = new TableStore(spark, wh.toString()).read(Tables.BRONZE_TRANSACTIONS)
        .groupBy("source_file", "source_checksum", "source_size").count().orderBy("source_file").collectAsList();
    assertThat(files).hasSize(2);
    assertThat(files.get(1).getString(1)).matches("sha256:[0-9a-f]{64}");
    assertThat(files.get(1).getLong(2)).isEqualTo(Files.size(in.resolve("part2.csv")));
  }

  @Test
  void twoNewFilesWithTheSameBytesInOneDropAreIngestedOnce() throws IOException {
    Path in = SparkTest.tempDir("twin-in");
    Path wh = SparkTest.tempDir("twin-wh");
    SparkTest.write(in, "a.csv", lines(610000, 12));
    SparkTest.write(in, "b.csv", lines(610000, 12));
    ingest(wh, in);
    assertThat(bronzeRows(wh)).isEqualTo(12);
    assertThat(new TableStore(spark, wh.toString()).read(Tables.BRONZE_TRANSACTIONS)
        .select("source_file").distinct().collectAsList().get(0).getString(0)).endsWith("a.csv");
  }

  @Test
  void anEditedIngestedFileFailsByDefaultNamingTheFileAndTheSetting() throws IOException {
    Path in = SparkTest.tempDir("edit-in");
    Path wh = SparkTest.tempDir("edit-wh");
    Path part = SparkTest.write(in, "part1.csv", lines(620000, 30));
    SparkTest.write(in, "part2.csv", lines(630000, 10));
    ingest(wh, in);
    Files.write(part, "620999,22222,EXTRA ROW,1,12/1/2010 9:00,1.00,17850,United Kingdom\n"
        .getBytes(StandardCharsets.UTF_8), StandardOpenOption.APPEND);

    assertThatThrownBy(() -> ingest(wh, in))
        .isInstanceOf(StageFailedException.class)
        .hasMessageContaining("part1.csv has changed since it was ingested")
        .hasMessageContaining("ingest.on-changed-file = reingest");
    assertThat(bronzeRows(wh)).isEqualTo(40);

    // reingest: the file's rows are replaced by its new content, the other file's are untouched.
    ingest(wh, in, "ingest.on-changed-file=reingest");
    assertThat(bronzeRows(wh)).isEqualTo(41);
    TableStore t = new TableStore(spark, wh.toString());
    assertThat(t.read(Tables.BRONZE_TRANSACTIONS).filter("source_file LIKE '%part1.csv'").count()).isEqualTo(31);
    assertThat(t.read(Tables.BRONZE_TRANSACTIONS).filter("source_file LIKE '%part2.csv'").count()).isEqualTo(10);
    assertThat(t.read(Tables.BRONZE_TRANSACTIONS).filter("invoice_no = '620999'").count()).isEqualTo(1);
    // and the rerun of the same night adds nothing
    ingest(wh, in, "ingest.on-changed-file=reingest");
    assertThat(bronzeRows(wh)).isEqualTo(41);
  }

  @Test
  void aFileOnlyTouchedIsNotReingested() throws IOException {
    Path in = SparkTest.tempDir("touch-in");
    Path wh = SparkTest.tempDir("touch-wh");
    Path part = SparkTest.write(in, "part1.csv", lines(640000, 8));
    ingest(wh, in);
    part.toFile().setLastModified(System.currentTimeMillis() + 60_000);
    ingest(wh, in);
    assertThat(bronzeRows(wh)).isEqualTo(8);
    assertThat(lastDetail(wh)).contains("0 new, 1 already ingested");
  }

  @Test
  void aTruncatedGzipFailsNamingTheFileOrIsQuarantinedWhileTheOthersAreIngested() throws IOException {
    Path in = SparkTest.tempDir("gz-in");
    Path wh = SparkTest.tempDir("gz-wh");
    SparkTest.write(in, "good.csv", lines(660000, 15));
    byte[] whole = Files.readAllBytes(SparkTest.realFile());
    Files.write(in.resolve("cut.csv.gz"), java.util.Arrays.copyOf(whole, whole.length / 2));

    assertThatThrownBy(() -> Pipeline.runJob(spark, SparkTest.settings(wh, in.toString(), "stages=ingest")))
        .isInstanceOf(StageFailedException.class)
        .hasMessageContaining("cut.csv.gz does not decompress to its end")
        .hasMessageContaining("ingest.on-corrupt-file = skip");
    assertThat(new TableStore(spark, wh.toString()).exists(Tables.BRONZE_TRANSACTIONS)).isFalse();

    ingest(wh, in, "ingest.on-corrupt-file=skip");
    assertThat(bronzeRows(wh)).isEqualTo(15);
    List<Row> q = new TableStore(spark, wh.toString()).read(Tables.INGEST_QUARANTINE)
        .select("source_file", "source_size", "error").collectAsList();
    assertThat(q).hasSize(1);
    assertThat(q.get(0).getString(0)).endsWith("cut.csv.gz");
    assertThat(q.get(0).getLong(1)).isEqualTo(whole.length / 2);
    assertThat(q.get(0).getString(2)).contains("truncated");
  }

  /** A ;-delimited file under the default , : the run fails at clean naming the reason and the fix. */
  @Test
  void aRunWhoseNewRowsAreMostlyInvalidFailsNamingTheReasonAndKeepsTheRows() throws IOException {
    Path in = SparkTest.tempDir("semi-in");
    Path wh = SparkTest.tempDir("semi-wh");
    SparkTest.write(in, "semi.csv", lines(670000, 20).replace(",", ";"));

    assertThatThrownBy(() -> Pipeline.runJob(spark, SparkTest.settings(wh, in.toString(), "stages=ingest,clean")))
        .isInstanceOf(StageFailedException.class)
        .hasMessageContaining("Stage 'clean' failed")
        .hasMessageContaining("20 of the newest ingest's 20 rows (100.0%) are invalid")
        .hasMessageContaining("unknown_header 20")
        .hasMessageContaining("ingest.csv.delimiter");
    TableStore t = new TableStore(spark, wh.toString());
    assertThat(t.read(Tables.SILVER_INVALID).count()).isEqualTo(20);
    assertThat(IngestStage.delimiterHint(HEADER.trim().replace(",", ";"), SparkTest.settings()))
        .contains("set ingest.csv.delimiter = \";\"");

    // With the right delimiter the same file is all sales.
    Path wh2 = SparkTest.tempDir("semi-wh2");
    Pipeline.runJob(spark, SparkTest.settings(wh2, in.toString(), "stages=ingest,clean", "ingest.csv.delimiter=;"));
    assertThat(new TableStore(spark, wh2.toString()).read(Tables.SILVER_SALES).count()).isEqualTo(20);
  }

  /**
   * Two real processes on one warehouse, the second started a second after the first, both
   * seeing the same new file: it is ingested once. The run that loses says why and exits 1.
   */
  @Test
  void twoConcurrentRunsIngestANewFileOnce() throws Exception {
    Path in = SparkTest.tempDir("conc-in");
    Path wh = SparkTest.tempDir("conc-wh");
    SparkTest.write(in, "part0.csv", lines(650000, 20));
    ingest(wh, in);
    Files.copy(SparkTest.realFile(), in.resolve("online_retail.csv.gz"));

    Path log1 = wh.resolveSibling(wh.getFileName() + "-p1.log");
    Path log2 = wh.resolveSibling(wh.getFileName() + "-p2.log");
    Process p1 = start(in, wh, log1);
    Thread.sleep(1000);
    Process p2 = start(in, wh, log2);
    assertThat(p1.waitFor(5, TimeUnit.MINUTES)).isTrue();
    assertThat(p2.waitFor(5, TimeUnit.MINUTES)).isTrue();
    String out1 = Files.readString(log1);
    String out2 = Files.readString(log2);

    assertThat(bronzeRows(wh)).as(out1 + out2).isEqualTo(20 + 541_909);
    assertThat(List.of(p1.exitValue(), p2.exitValue())).as(out1 + out2).contains(0);
    for (Process p : List.of(p1, p2)) {
      if (p.exitValue() != 0) {
        assertThat(p == p1 ? out1 : out2).contains("Another run wrote bronze_transactions");
      }
    }
    ingest(wh, in); // a later run finds nothing new
    assertThat(bronzeRows(wh)).isEqualTo(20 + 541_909);
  }

  private static Process start(Path in, Path wh, Path log) throws IOException {
    return ChildJob.start(log, "run", "--stages", "ingest", "--input", in.toString(), "--warehouse", wh.toString());
  }
}
