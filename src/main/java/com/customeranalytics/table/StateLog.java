package com.customeranalytics.table;

import static com.customeranalytics.table.Columns.BRONZE_VERSION;
import static com.customeranalytics.table.Columns.STATE_MODE;
import static com.customeranalytics.table.Columns.UPDATED_AT;

import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The logs of the stages' derived states (internal tables: rfm_state_log, rollup_state_log; what
 * the states hold is in features.CustomerState and stage.rollups.RollupState). Names are in
 * {@link Tables}, columns in {@link Columns}; {@link StatePlan} reads and writes them.
 */
public final class StateLog {
  private StateLog() {}

  /** One row per update; the latest bronze_version is what the state holds. */
  public static final StructType SCHEMA = new StructType()
      .add(BRONZE_VERSION, DataTypes.LongType, false)
      .add(STATE_MODE, DataTypes.StringType, false)
      .add(UPDATED_AT, DataTypes.TimestampType, false);
}
