package com.customeranalytics.table;

import static com.customeranalytics.table.Columns.BRONZE_VERSION;
import static com.customeranalytics.table.Columns.STATE_MODE;
import static com.customeranalytics.table.Columns.UPDATED_AT;

import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * rfm's customer state (internal tables, see features.CustomerState for what the state tables
 * hold): the log of its updates. Names are in {@link Tables}, columns in {@link Columns}.
 */
public final class CustomerStateTables {
  private CustomerStateTables() {}

  /** rfm_state_log: one row per update; the latest bronze_version is what the state holds. */
  public static final StructType LOG_SCHEMA = new StructType()
      .add(BRONZE_VERSION, DataTypes.LongType, false)
      .add(STATE_MODE, DataTypes.StringType, false)
      .add(UPDATED_AT, DataTypes.TimestampType, false);
}
