package com.customeranalytics.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.customeranalytics.cli.Pipeline;
import com.customeranalytics.table.TableStore;
import com.customeranalytics.table.Tables;
import com.customeranalytics.testing.SparkExtension;
import com.customeranalytics.testing.SparkTest;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.apache.spark.SparkException;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A full disk is reported as such, with the path being written, in one line. */
@ExtendWith(SparkExtension.class)
class DiskFullTest {
  private final SparkSession spark = SparkTest.spark();

  /** The chain Spark 3.5 / Delta raise when a task's Parquet write hits ENOSPC (seen on a full tmpfs). */
  @Test
  void aFullDiskIsNamedWithThePathBeingWritten() {
    IOException enospc = new IOException("No space left on device");
    SparkException task = new SparkException("[TASK_WRITE_FAILED] Task failed while writing rows to"
        + " file:/data/wh/silver_sales.", new Error(enospc));
    SparkException job = new SparkException("Job aborted due to stage failure: Task 1 in stage 6.0"
        + " failed 1 times, most recent failure: Lost task 1.0 in stage 6.0 (TID 6) (localhost executor"
        + " driver): " + task + "\n\tat org.apache.spark.sql.errors.QueryExecutionErrors$...\n", task);

    assertThat(StageFailedException.rootMessage(job)).startsWith("no space left on file:/data/wh/silver_sales.")
        .contains("committed nothing").contains("spark.local.dir").doesNotContain("\n");
    assertThat(StageFailedException.rootMessage(new RuntimeException(enospc)))
        .startsWith("no space left on the disk being written");
    assertThat(StageFailedException.rootMessage(job.getCause().getCause())).startsWith("no space left");
    // Any other Spark failure: its first line only, not the executor's stack trace.
    assertThat(StageFailedException.rootMessage(new SparkException("Job aborted\n\tat x.y(Z.java:1)")))
        .isEqualTo("SparkException: Job aborted");
  }

  /** A real full file system: a 1 MB tmpfs (needs the right to mount, as root in CI's container). */
  @Test
  void anIngestOntoAFullDiskFailsSayingSoAndTheRerunOnSpaceCompletes() throws Exception {
    Path mnt = SparkTest.tempDir("tiny-disk");
    Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", mnt.toString())
        .redirectErrorStream(true).start();
    boolean mounted = mount.waitFor(30, TimeUnit.SECONDS) && mount.exitValue() == 0;
    Assumptions.assumeTrue(mounted, "cannot mount a tmpfs here; the message mapping is tested above");
    try {
      StringBuilder csv = new StringBuilder(
          "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n");
      for (int i = 0; i < 60_000; i++) { // distinct texts, so the Parquet files do not shrink to nothing
        csv.append(600000 + i).append(",S").append(i * 7919L % 100_003).append(",ITEM ").append(Long.toHexString(i * 2654435761L))
            .append(',').append(1 + i % 9).append(",12/").append(1 + i % 28).append("/2010 8:").append(10 + i % 50)
            .append(',').append(1 + i % 97).append(".").append(i % 100).append(',').append(12000 + i % 4000)
            .append(",United Kingdom\n");
      }
      Path in = SparkTest.tempDir("tiny-disk-in");
      SparkTest.write(in, "big.csv", csv.toString());
      Path wh = mnt.resolve("wh");

      assertThatThrownBy(() -> Pipeline.runJob(spark, SparkTest.settings(wh, in.toString(), "stages=ingest")))
          .hasMessageContaining("no space left on file:" + wh)
          .hasMessageContaining("committed nothing");
      TableStore store = new TableStore(spark, wh.toString());
      assertThat(store.exists(Tables.BRONZE_TRANSACTIONS) ? store.read(Tables.BRONZE_TRANSACTIONS).count() : 0L)
          .isZero();

      // The same warehouse with room again (the tmpfs grown): the rerun ingests everything once.
      Process grow = new ProcessBuilder("mount", "-o", "remount,size=64m", mnt.toString()).start();
      assertThat(grow.waitFor(30, TimeUnit.SECONDS) && grow.exitValue() == 0).isTrue();
      Pipeline.runJob(spark, SparkTest.settings(wh, in.toString(), "stages=ingest"));
      assertThat(new TableStore(spark, wh.toString()).read(Tables.BRONZE_TRANSACTIONS).count()).isEqualTo(60_000);
    } finally {
      new ProcessBuilder("umount", "-l", mnt.toString()).start().waitFor(30, TimeUnit.SECONDS);
    }
  }
}
