package com.customeranalytics.stage.clean;

import com.customeranalytics.table.CleanRecord;
import com.customeranalytics.table.TableStore;
import com.customeranalytics.table.Tables;
import java.util.List;

/**
 * What one clean has to classify: all of bronze (a full rebuild) or only the ingest runs bronze
 * received since the last complete clean. The last complete clean is dq_report's latest run (the
 * set's last write), which records the bronze version it classified up to; the runs since are read
 * from bronze's own history. Anything but plain appends since then (a reingested file replaced
 * rows already classified) makes it a full rebuild, so the duplicate rule's "earlier" never
 * refers to a row that is gone.
 */
final class CleanPlan {
  /** Classify all of bronze, overwrite the silver tables. */
  final boolean full;
  /** Why (for the log and job_runs). */
  final String reason;
  /** The bronze version classified (the one read). */
  final long bronzeVersion;
  /** Incremental: the ingest runs whose rows are classified, in commit order. */
  final List<String> runs;
  /** Incremental: bytes those runs added to bronze (sizes the shuffle); 0 when unknown. */
  final long bytes;

  private CleanPlan(boolean full, String reason, long bronzeVersion, List<String> runs, long bytes) {
    this.full = full;
    this.reason = reason;
    this.bronzeVersion = bronzeVersion;
    this.runs = runs;
    this.bytes = bytes;
  }

  static CleanPlan full(long bronzeVersion, String reason) {
    return new CleanPlan(true, reason, bronzeVersion, List.of(), 0L);
  }

  /** Nothing new in bronze since the last complete clean. */
  boolean nothingNew() {
    return !full && runs.isEmpty();
  }

  static CleanPlan decide(TableStore tables, long bronzeVersion, boolean fullRefresh) {
    if (fullRefresh) {
      return full(bronzeVersion, "full-refresh = true (run --full-refresh)");
    }
    for (String t : Tables.SILVER) {
      if (!tables.exists(t)) {
        return full(bronzeVersion, "first clean of this warehouse (" + t + " does not exist)");
      }
    }
    CleanRecord record = CleanRecord.latest(tables);
    if (record.bronzeVersion == null) {
      return full(bronzeVersion, record.unknownBecause);
    }
    long previous = record.bronzeVersion;
    if (previous > bronzeVersion) {
      return full(bronzeVersion, "the last clean classified bronze version " + previous + ", newer than bronze's "
          + bronzeVersion + " (bronze was recreated)");
    }
    TableStore.AppendedRuns added = tables.appendedRuns(Tables.BRONZE_TRANSACTIONS, previous, bronzeVersion);
    if (added.notAppendOnly != null) {
      return full(bronzeVersion, added.notAppendOnly);
    }
    return new CleanPlan(false, added.runs.isEmpty() ? "nothing new in bronze since version " + previous
        : added.runs.size() + " ingest run(s) new since bronze version " + previous, bronzeVersion, added.runs,
        added.bytes);
  }
}
