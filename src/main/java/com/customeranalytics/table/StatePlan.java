package com.customeranalytics.table;

import static com.customeranalytics.table.Columns.BRONZE_VERSION;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.max;

import java.sql.Timestamp;
import java.util.List;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;

/**
 * How a stage's derived state (rfm's customer state, the rollups' month state) catches up with
 * the silver tables. Clean's record in dq_report says which bronze version silver holds; the
 * state's log says which one the state holds; the ingest runs appended to bronze between the two
 * are the lines to bring in. When the state cannot tell what is new (no state yet, a full clean
 * since, bronze rows replaced, history expired, a full refresh asked for), it is rebuilt.
 */
public final class StatePlan {
  /** The bronze version silver holds; null when unknown (then the state is rebuilt). */
  public final Long silverVersion;
  /** The bronze version the state holds; null when there is no state. */
  public final Long stateVersion;
  /** Why the state is rebuilt from all of silver; null when it is brought up to date. */
  public final String rebuild;
  /** The ingest runs whose silver lines the state lacks (empty: up to date, or rebuilt). */
  public final List<String> runs;

  private StatePlan(Long silverVersion, Long stateVersion, String rebuild, List<String> runs) {
    this.silverVersion = silverVersion;
    this.stateVersion = stateVersion;
    this.rebuild = rebuild;
    this.runs = runs;
  }

  /**
   * The plan for a state whose tables are {@code stateTables} and whose log (a table with
   * {@link StateLog#SCHEMA}) is {@code log}.
   */
  public static StatePlan of(TableStore tables, String log, List<String> stateTables, boolean fullRefresh) {
    CleanRecord record = CleanRecord.latest(tables);
    Long silverVersion = record.bronzeVersion;
    if (fullRefresh) {
      return rebuild(silverVersion, null, "full-refresh = true");
    }
    if (silverVersion == null) {
      return rebuild(null, null, record.unknownBecause);
    }
    if (!tables.exists(log) || !stateTables.stream().allMatch(tables::exists)) {
      return rebuild(silverVersion, null, "no state yet");
    }
    long stateVersion = tables.read(log).agg(max(col(BRONZE_VERSION))).head().getLong(0);
    if (stateVersion > silverVersion) {
      return rebuild(silverVersion, stateVersion, "the state holds bronze version " + stateVersion
          + ", newer than silver's " + silverVersion);
    }
    if (CleanRecord.fullCleanSince(tables, stateVersion)) {
      return rebuild(silverVersion, stateVersion, "a full clean rewrote silver after the state's bronze version "
          + stateVersion);
    }
    if (stateVersion == silverVersion) {
      return new StatePlan(silverVersion, stateVersion, null, List.of());
    }
    TableStore.AppendedRuns added = tables.appendedRuns(Tables.BRONZE_TRANSACTIONS, stateVersion, silverVersion);
    return added.notAppendOnly != null
        ? rebuild(silverVersion, stateVersion, added.notAppendOnly)
        : new StatePlan(silverVersion, stateVersion, null, added.runs);
  }

  private static StatePlan rebuild(Long silverVersion, Long stateVersion, String why) {
    return new StatePlan(silverVersion, stateVersion, why, List.of());
  }

  /** Whether the state already holds what silver holds (nothing to read, nothing to log). */
  public boolean upToDate() {
    return rebuild == null && runs.isEmpty();
  }

  /**
   * Records in the log, after the state's tables were written, the bronze version they now hold.
   * Written last: a crash before it leaves the old version there, and the rerun brings the same
   * runs in again (which the state's writes make harmless).
   */
  public void recordDone(TableStore tables, SparkSession spark, String log) {
    if (rebuild == null && java.util.Objects.equals(stateVersion, silverVersion)) {
      return;
    }
    tables.appendLog(log, spark.createDataFrame(List.of(RowFactory.create(
        silverVersion == null ? -1L : silverVersion,
        rebuild != null ? TransactionTables.FULL : TransactionTables.INCREMENTAL,
        new Timestamp(System.currentTimeMillis()))), StateLog.SCHEMA));
  }
}
