package com.customeranalytics.table;

import static com.customeranalytics.table.Columns.BRONZE_VERSION;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.max;

import java.sql.Timestamp;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a stage's derived state (rfm's customer state, the rollups' month state) catches up with
 * the silver tables. Clean's record in dq_report says which bronze version silver holds; the
 * state's log says which one the state holds; the ingest runs appended to bronze between the two
 * are the lines to bring in. When the state cannot tell what is new (no state yet, a full clean
 * since, bronze rows replaced, history expired, a full refresh asked for), it is rebuilt.
 */
public final class StatePlan {
  private static final Logger LOG = LoggerFactory.getLogger(StatePlan.class);

  /** The bronze version silver holds; null when unknown (then the state is rebuilt). */
  public final Long silverVersion;
  /** The bronze version the state holds; null when there is no state. */
  public final Long stateVersion;
  /** Why the state is rebuilt from all of silver; null when it is brought up to date. */
  public final String rebuild;
  /** The ingest runs whose silver lines the state lacks (empty: up to date, or rebuilt). */
  public final List<String> runs;
  private final String log;
  private final List<String> stateTables;

  private StatePlan(String log, List<String> stateTables, Long silverVersion, Long stateVersion, String rebuild,
      List<String> runs) {
    this.log = log;
    this.stateTables = stateTables;
    this.silverVersion = silverVersion;
    this.stateVersion = stateVersion;
    this.rebuild = rebuild;
    this.runs = runs;
  }

  /** A state after its sync: its tables, read back, the silver lines the sync read, what it did. */
  public static final class Synced {
    private final Map<String, Dataset<Row>> tables;
    /** Silver lines read by the sync (the new runs' lines, or all of them when rebuilt). */
    public final long linesRead;
    public final String detail;

    Synced(Map<String, Dataset<Row>> tables, long linesRead, String detail) {
      this.tables = tables;
      this.linesRead = linesRead;
      this.detail = detail;
    }

    /** One of the state's tables. */
    public Dataset<Row> table(String name) {
      return tables.get(name);
    }
  }

  /**
   * The plan for a state whose tables are {@code stateTables} and whose log (a table with
   * {@link StateLog#SCHEMA}) is {@code log}.
   */
  public static StatePlan of(TableStore tables, String log, List<String> stateTables, boolean fullRefresh) {
    CleanRecord record = CleanRecord.latest(tables);
    Long silverVersion = record.bronzeVersion;
    if (fullRefresh) {
      return rebuild(log, stateTables, silverVersion, null, "full-refresh = true");
    }
    if (silverVersion == null) {
      return rebuild(log, stateTables, null, null, record.unknownBecause);
    }
    if (!tables.exists(log) || !stateTables.stream().allMatch(tables::exists)) {
      return rebuild(log, stateTables, silverVersion, null, "no state yet");
    }
    long stateVersion = tables.read(log).agg(max(col(BRONZE_VERSION))).head().getLong(0);
    if (stateVersion > silverVersion) {
      return rebuild(log, stateTables, silverVersion, stateVersion, "the state holds bronze version " + stateVersion
          + ", newer than silver's " + silverVersion);
    }
    if (CleanRecord.fullCleanSince(tables, stateVersion)) {
      return rebuild(log, stateTables, silverVersion, stateVersion, "a full clean rewrote silver after the state's bronze version "
          + stateVersion);
    }
    if (stateVersion == silverVersion) {
      return new StatePlan(log, stateTables, silverVersion, stateVersion, null, List.of());
    }
    TableStore.AppendedRuns added = tables.appendedRuns(Tables.BRONZE_TRANSACTIONS, stateVersion, silverVersion);
    return added.notAppendOnly != null
        ? rebuild(log, stateTables, silverVersion, stateVersion, added.notAppendOnly)
        : new StatePlan(log, stateTables, silverVersion, stateVersion, null, added.runs);
  }

  private static StatePlan rebuild(String log, List<String> stateTables, Long silverVersion, Long stateVersion,
      String why) {
    return new StatePlan(log, stateTables, silverVersion, stateVersion, why, List.of());
  }

  /**
   * A rebuild ({@link #rebuild} set): {@code write} writes every table of the state from all of
   * silver, then it is {@link #done}. {@code what} names the state in the detail.
   */
  public Synced rebuilt(TableStore tables, SparkSession spark, String what, Runnable write) {
    write.run();
    return done(tables, spark, tables.count(Tables.SILVER_SALES) + tables.count(Tables.SILVER_RETURNS),
        what + " rebuilt (" + rebuild + ")");
  }

  /** No run to bring in: nothing read, nothing written. */
  public Synced unchanged(TableStore tables, SparkSession spark, String what) {
    return done(tables, spark, 0, what + " up to date (bronze version " + stateVersion + ")");
  }

  /**
   * After the state's tables were written: records in the log the bronze version they now hold,
   * and reads them back. Written last: a crash before it leaves the old version there, and the
   * rerun brings the same runs in again (which the state's writes make harmless).
   */
  public Synced done(TableStore tables, SparkSession spark, long linesRead, String detail) {
    if (rebuild != null || !java.util.Objects.equals(stateVersion, silverVersion)) {
      tables.appendLog(log, spark.createDataFrame(List.of(RowFactory.create(
          silverVersion == null ? -1L : silverVersion,
          rebuild != null ? TransactionTables.FULL : TransactionTables.INCREMENTAL,
          new Timestamp(System.currentTimeMillis()))), StateLog.SCHEMA));
    }
    LOG.info("{}", detail);
    Map<String, Dataset<Row>> read = new java.util.LinkedHashMap<>();
    stateTables.forEach(t -> read.put(t, tables.read(t)));
    return new Synced(read, linesRead, detail);
  }
}
