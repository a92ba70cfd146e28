package com.customeranalytics.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.customeranalytics.table.TableStore;
import com.customeranalytics.table.Tables;
import com.customeranalytics.testing.ChildJob;
import com.customeranalytics.testing.SparkExtension;
import com.customeranalytics.testing.SparkTest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * catalog.database with the embedded Hive metastore (a real one: Hive's metastore over Derby, in
 * a folder next to the warehouse): a run registers its tables by name, and a new JVM lists and
 * reads them by name. Each step is a process of its own, as a user runs them (the metastore
 * outlives the JVM that wrote it).
 */
@ExtendWith(SparkExtension.class)
class CatalogTest {
  private static final String STAGES = "ingest,clean,rfm,segment";
  private static Path wh;
  private static Path logs;

  @BeforeAll
  static void run() throws Exception {
    wh = SparkTest.tempDir("catalog").resolve("wh");
    logs = SparkTest.tempDir("catalog-logs");
    int code = ChildJob.run(logs.resolve("run.log"), "run", "--config", cdnowConf(), "--input",
        SparkTest.cdnowFile().toString(), "--warehouse", wh.toString(), "--stages", STAGES,
        "--set", "catalog.database=analytics", "--set", "segment.k-min=3", "--set", "segment.k-max=4");
    assertThat(code).as(read("run.log")).isZero();
  }

  private static String cdnowConf() {
    return Path.of(System.getProperty("ca.repo.root", ".")).resolve("conf/examples/cdnow.conf").toString();
  }

  private static String read(String log) {
    try {
      return Files.readString(logs.resolve(log), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  /** `query` in a new JVM, CSV out; its output lines after the header, Spark's progress removed. */
  private static List<String> query(String log, String sql) throws Exception {
    int code = ChildJob.run(logs.resolve(log), "query", "--warehouse", wh.toString(), "--set",
        "catalog.database=analytics", sql);
    String out = read(log);
    assertThat(code).as(out).isZero();
    return out.lines().map(l -> l.replaceAll(".*\r", "")).filter(l -> l.matches("[A-Za-z0-9_]*,[^ ]*"))
        .collect(Collectors.toList());
  }

  @Test
  void aNewJvmListsTheTablesAndReadsThemByNameWithThePathCounts() throws Exception {
    TableStore store = new TableStore(SparkTest.spark(), wh.toString());
    List<String> expected = store.listTables().stream().filter(t -> !Tables.internal(t)).collect(Collectors.toList());
    assertThat(expected).contains(Tables.BRONZE_TRANSACTIONS, Tables.SILVER_SALES, Tables.DQ_REPORT,
        Tables.CUSTOMER_RFM, Tables.CUSTOMER_SEGMENTS, Tables.KMEANS_K_SELECTION, Tables.JOB_RUNS);

    List<String> listed = query("show.log", "SHOW TABLES IN analytics").stream()
        .filter(l -> l.startsWith("analytics,")).map(l -> l.split(",")[1]).sorted().collect(Collectors.toList());
    assertThat(listed).isEqualTo(expected); // the state tables are internal: not registered

    String sql = expected.stream().map(t -> "SELECT '" + t + "' AS t, count(*) AS n FROM analytics." + t)
        .collect(Collectors.joining(" UNION ALL "));
    Map<String, Long> byName = new TreeMap<>();
    for (String l : query("counts.log", sql)) {
      String[] f = l.split(",");
      if (!f[0].equals("t")) {
        byName.put(f[0], Long.parseLong(f[1]));
      }
    }
    Map<String, Long> byPath = new TreeMap<>();
    for (String t : expected) {
      byPath.put(t, store.count(t));
    }
    assertThat(byName).isEqualTo(byPath);
    assertThat(byPath.get(Tables.CUSTOMER_SEGMENTS)).isEqualTo(2357L - 8); // CDNOW's buyers of a priced line
  }

  @Test
  void aRerunKeepsTheRegistrationAndAnotherWarehouseUnderTheSameNameIsRefused() throws Exception {
    int again = ChildJob.run(logs.resolve("rerun.log"), "run", "--config", cdnowConf(), "--warehouse",
        wh.toString(), "--stages", "rfm", "--set", "catalog.database=analytics");
    assertThat(again).as(read("rerun.log")).isZero();

    Path other = wh.resolveSibling("other-wh");
    int refused = ChildJob.run(logs.resolve("other.log"), "run", "--config", cdnowConf(), "--input",
        SparkTest.cdnowFile().toString(), "--warehouse", other.toString(), "--stages", "ingest", "--set",
        "catalog.database=analytics", "--set", "catalog.metastore-dir=" + wh + "-metastore");
    String out = read("other.log");
    assertThat(refused).as(out).isEqualTo(Main.FAILED);
    assertThat(out).contains("analytics.bronze_transactions is already registered in the catalog at file:"
        + wh.resolve("bronze_transactions"))
        .contains("this warehouse's table is at file:" + other.resolve("bronze_transactions"))
        .contains("catalog.database").doesNotContain("\tat org.apache");
    // Refused before it wrote anything: not even a job_runs row.
    assertThat(other).doesNotExist();
  }
}
