package com.customeranalytics.table;

import static com.customeranalytics.table.Columns.BRONZE_VERSION;
import static com.customeranalytics.table.Columns.CHECKED_AT;
import static com.customeranalytics.table.Columns.CLEAN_MODE;
import static org.apache.spark.sql.functions.col;

import java.util.Arrays;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * What the silver tables hold, as the latest complete clean recorded it in dq_report (its last
 * write): the bronze version it classified up to. Read by the stages that bring their own state
 * up to silver (clean itself, rfm's customer state).
 */
public final class CleanRecord {
  /** The bronze version silver holds; null when unknown. */
  public final Long bronzeVersion;
  /** Why it is unknown; null when known. */
  public final String unknownBecause;

  private CleanRecord(Long bronzeVersion, String unknownBecause) {
    this.bronzeVersion = bronzeVersion;
    this.unknownBecause = unknownBecause;
  }

  public static CleanRecord latest(TableStore tables) {
    if (!tables.exists(Tables.DQ_REPORT)) {
      return new CleanRecord(null, Tables.DQ_REPORT + " does not exist");
    }
    Dataset<Row> dq = tables.read(Tables.DQ_REPORT);
    if (!Arrays.asList(dq.columns()).contains(BRONZE_VERSION)) {
      return new CleanRecord(null, Tables.DQ_REPORT + " has no " + BRONZE_VERSION
          + " (written by a version before incremental clean)");
    }
    Row last = dq.orderBy(col(CHECKED_AT).desc()).select(BRONZE_VERSION).head();
    return last.isNullAt(0)
        ? new CleanRecord(null, "the last clean recorded no " + BRONZE_VERSION + " in " + Tables.DQ_REPORT
            + " (its conservation check failed)")
        : new CleanRecord(last.getLong(0), null);
  }

  /** Whether a clean rebuilt silver from all of bronze after bronze version {@code version}. */
  public static boolean fullCleanSince(TableStore tables, long version) {
    return !tables.read(Tables.DQ_REPORT).filter(col(BRONZE_VERSION).gt(version)
        .and(col(CLEAN_MODE).equalTo(TransactionTables.FULL))).isEmpty();
  }
}
