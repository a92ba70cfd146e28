package com.customeranalytics.stage.clean;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import com.customeranalytics.cli.Pipeline;
import com.customeranalytics.table.TableStore;
import com.customeranalytics.table.Tables;
import com.customeranalytics.testing.SparkExtension;
import com.customeranalytics.testing.SparkTest;
import io.delta.tables.DeltaTable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Night by night, clean classifies only the new ingest runs, and gives the tables a full rebuild
 * gives: duplicates across nights (guest lines too), within a night, non-candidates equal to an
 * earlier sale; a rerun after a crash between its writes completes the night.
 */
@ExtendWith(SparkExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class) // the later tests rerun nights on the same warehouse
class IncrementalCleanTest {
  static final String UCI = CleanStageTest.UCI;
  static final String S1 = "536365,85123A,WHITE HANGING HEART,6,2010-12-01 08:26:00,2.55,17850,United Kingdom\n";
  static final String S2 = "536366,22633,HAND WARMER,6,2010-12-01 08:28:00,1.85,17850,United Kingdom\n";
  static final String G1 = "536376,22633,HAND WARMER,5,2010-12-01 09:00:00,1.85,,United Kingdom\n";
  static final String R1 = "C536379,22633,HAND WARMER,-1,2010-12-01 09:41:00,1.85,17850,United Kingdom\n";
  static final String S3 = "539001,22728,ALARM CLOCK,4,2010-12-15 10:00:00,3.75,12583,France\n";
  static final String S4 = "540001,22728,ALARM CLOCK,2,2011-01-05 11:00:00,3.75,12583,France\n";
  static final String BAD = "539002,22728,X,abc,2010-12-15 10:00:00,3.75,12583,France\n";

  /** The drops of three nights: each file is new in its night. */
  static final Map<String, String> NIGHTS = Map.of(
      "a.csv", UCI + S1 + S2 + G1 + R1 + S1,                     // S1 twice: a duplicate within the night
      "b.csv", UCI + S1 + S3 + S3 + G1 + BAD + R1,               // S1, G1 (guest) seen last night; S3 twice
      "c.csv", UCI + S2 + S4 + "540002,POST,POSTAGE,1,2011-01-05 11:00:00,18.00,12583,France\n");

  private static final SparkSession spark = SparkTest.spark();
  private static Path in;
  private static Path wh;
  private static TableStore tables;
  /** Each table's version before the third night. */
  private static final Map<String, Long> beforeLastNight = new HashMap<>();

  @BeforeAll
  static void threeNights() {
    in = SparkTest.tempDir("incr-in");
    wh = SparkTest.tempDir("incr-wh");
    tables = new TableStore(spark, wh.toString());
    for (String f : List.of("a.csv", "b.csv", "c.csv")) {
      if (f.equals("c.csv")) {
        for (String t : List.of(Tables.SILVER_RETURNS, Tables.SILVER_EXCLUDED, Tables.DQ_REPORT)) {
          beforeLastNight.put(t, tables.version(t));
        }
      }
      SparkTest.write(in, f, NIGHTS.get(f));
      night("stages=ingest,clean");
    }
  }

  private static void night(String... sets) {
    List<String> all = new ArrayList<>(Arrays.asList(sets));
    all.add("clean.max-invalid-share=1");
    Pipeline.runJob(spark, SparkTest.settings(wh, in.toString(), all.toArray(new String[0])));
  }

  @Test
  @Order(1)
  void eachNightClassifiesOnlyItsOwnRows() {
    List<Row> runs = tables.read(Tables.DQ_REPORT).filter(col("reason").equalTo("_total"))
        .groupBy("run_id", "clean_mode", "bronze_version").sum("rows").orderBy("bronze_version").collectAsList();
    assertThat(runs).extracting(r -> r.getString(1) + " " + r.getLong(2) + " " + r.getLong(3))
        .containsExactly("full 0 5", "incremental 1 6", "incremental 2 3");
    // The last night's figures: its own three rows, and all 14 cumulatively.
    Map<String, Long> cumulative = new HashMap<>();
    for (Row r : tables.read(Tables.DQ_REPORT).filter(col("reason").equalTo("_cumulative")
        .and(col("bronze_version").equalTo(2))).collectAsList()) {
      cumulative.put(r.getAs("table_name"), r.getAs("rows"));
      assertThat(r.<Long>getAs("input_rows")).isEqualTo(14L);
      assertThat(r.<Boolean>getAs("conservation_ok")).isTrue();
    }
    assertThat(cumulative).containsOnly(Map.entry("silver_sales", 5L), Map.entry("silver_returns", 2L),
        Map.entry("silver_excluded", 6L), Map.entry("silver_invalid", 1L));
  }

  @Test
  @Order(2)
  void duplicatesAcrossNightsKeepTheFirstNightsLine() {
    Map<String, String> kept = new HashMap<>();
    for (Row r : tables.read(Tables.SILVER_SALES).collectAsList()) {
      kept.put(r.getAs("invoice_no"), r.<String>getAs("source_file").replaceAll(".*/", "") + ":"
          + r.<Long>getAs("source_row"));
    }
    assertThat(kept).containsOnly(Map.entry("536365", "a.csv:0"), Map.entry("536366", "a.csv:1"),
        Map.entry("536376", "a.csv:2"), Map.entry("539001", "b.csv:1"), Map.entry("540001", "c.csv:1"));
    List<String> dups = tables.read(Tables.SILVER_EXCLUDED).filter(col("reason").equalTo("duplicate"))
        .orderBy("source_file", "source_row").collectAsList().stream()
        .map(r -> r.<String>getAs("source_file").replaceAll(".*/", "") + ":" + r.<Long>getAs("source_row"))
        .collect(Collectors.toList());
    // a: the second S1; b: S1 and G1 (last night's), the second S3; c: S2 (the first night's).
    assertThat(dups).containsExactly("a.csv:4", "b.csv:0", "b.csv:2", "b.csv:3", "c.csv:0");
    // A cancellation equal to an earlier one is not a sale, so never a duplicate.
    assertThat(tables.read(Tables.SILVER_RETURNS).count()).isEqualTo(2);
  }

  @Test
  @Order(5)
  void aFullRefreshGivesTheSameTables() {
    Map<String, List<Row>> nightly = silver(tables);
    night("stages=clean", "full-refresh=true");
    assertThat(latest("clean_mode")).isEqualTo("full");
    assertThat(silver(tables)).isEqualTo(nightly);
    // The same three files in one run of a new warehouse: the same rows but for their lineage.
    Path wh2 = SparkTest.tempDir("incr-wh2");
    Pipeline.runJob(spark, SparkTest.settings(wh2, in.toString(), "stages=ingest,clean", "clean.max-invalid-share=1"));
    assertThat(withoutRuns(silver(new TableStore(spark, wh2.toString())))).isEqualTo(withoutRuns(nightly));
  }

  /**
   * A night that died after writing some silver tables (here silver_sales and silver_invalid) and
   * before dq_report: the others are put back to before the night, as the crash left them. The
   * rerun classifies the night again and replaces its rows: nothing counted twice, nothing lost.
   */
  @Test
  @Order(3)
  void aRerunAfterACrashBetweenTheWritesCompletesTheNight() {
    Map<String, List<Row>> complete = silver(tables);
    long dqRows = tables.read(Tables.DQ_REPORT).count();
    for (Map.Entry<String, Long> e : beforeLastNight.entrySet()) {
      DeltaTable.forPath(spark, tables.path(e.getKey())).restoreToVersion(e.getValue());
    }
    assertThat(tables.read(Tables.SILVER_EXCLUDED).count()).isEqualTo(4); // the night's POST and S2 gone
    night("stages=clean");
    assertThat(silver(tables)).isEqualTo(complete);
    assertThat(tables.read(Tables.DQ_REPORT).count()).isEqualTo(dqRows);
    assertThat(latest("clean_mode")).isEqualTo("incremental");
  }

  /** A night with nothing new writes no silver row and records the cumulative figures. */
  @Test
  @Order(4)
  void aNightWithNothingNewChangesNoSilverTable() {
    Map<String, Long> versions = new HashMap<>();
    for (String t : Tables.SILVER) {
      versions.put(t, tables.version(t));
    }
    night("stages=ingest,clean");
    for (String t : Tables.SILVER) {
      assertThat(tables.version(t)).as(t).isEqualTo(versions.get(t));
    }
    assertThat(latest("reason")).isEqualTo("_cumulative");
  }

  private static String latest(String column) {
    return tables.read(Tables.DQ_REPORT).orderBy(col("checked_at").desc()).select(column).head().getString(0);
  }

  /** Every silver table's rows, sorted. */
  static Map<String, List<Row>> silver(TableStore t) {
    Map<String, List<Row>> out = new HashMap<>();
    for (String table : Tables.SILVER) {
      Dataset<Row> d = t.read(table);
      out.put(table, d.orderBy("source_file", "source_row").collectAsList());
    }
    return out;
  }

  /**
   * The rows without their ingest run's id and time and their read position (another
   * warehouse's runs read the files together: source_row grows within a file, as the rows do,
   * but numbers the rows of the files one run reads together).
   */
  static Map<String, List<String>> withoutRuns(Map<String, List<Row>> tables) {
    Map<String, List<String>> out = new HashMap<>();
    for (Map.Entry<String, List<Row>> e : tables.entrySet()) {
      List<String> rows = new ArrayList<>();
      for (Row r : e.getValue()) {
        List<String> fields = new ArrayList<>();
        for (String f : r.schema().fieldNames()) {
          if (!List.of("run_id", "ingested_at", "source_row").contains(f)) {
            fields.add(f + "=" + r.getAs(f));
          }
        }
        rows.add(String.join(",", fields));
      }
      out.put(e.getKey(), rows);
    }
    return out;
  }
}
