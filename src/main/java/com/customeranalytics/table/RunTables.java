package com.customeranalytics.table;

import static com.customeranalytics.table.Columns.AS_OF_DATE;
import static com.customeranalytics.table.Columns.ENDED_AT;
import static com.customeranalytics.table.Columns.MESSAGE;
import static com.customeranalytics.table.Columns.ROWS_IN;
import static com.customeranalytics.table.Columns.ROWS_OUT;
import static com.customeranalytics.table.Columns.RUN_ID;
import static com.customeranalytics.table.Columns.SECONDS;
import static com.customeranalytics.table.Columns.SETTINGS_DIGEST;
import static com.customeranalytics.table.Columns.SPARK_JOBS;
import static com.customeranalytics.table.Columns.STAGE;
import static com.customeranalytics.table.Columns.STARTED_AT;
import static com.customeranalytics.table.Columns.STATUS;
import static com.customeranalytics.table.Columns.VERSION;

import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** job_runs' contract: one row per stage run. The name is in {@link Tables}. */
public final class RunTables {
  private RunTables() {}

  /** job_runs: one row per stage run (as_of_date null when the run has none). */
  public static final StructType JOB_RUNS_SCHEMA = new StructType()
      .add(RUN_ID, DataTypes.StringType, false)
      .add(AS_OF_DATE, DataTypes.DateType, true)
      .add(STAGE, DataTypes.StringType, false)
      .add(STATUS, DataTypes.StringType, false)
      .add(STARTED_AT, DataTypes.TimestampType, false)
      .add(ENDED_AT, DataTypes.TimestampType, false)
      .add(SECONDS, DataTypes.DoubleType, false)
      .add(ROWS_IN, DataTypes.LongType, true)
      .add(ROWS_OUT, DataTypes.LongType, true)
      .add(SPARK_JOBS, DataTypes.IntegerType, true)
      .add(SETTINGS_DIGEST, DataTypes.StringType, false)
      .add(VERSION, DataTypes.StringType, false)
      .add(MESSAGE, DataTypes.StringType, true);

  // Values of status.
  /** Written when a stage starts; a row still running after its run ended marks a killed run. */
  public static final String RUNNING = "running";
  public static final String SUCCEEDED = "succeeded";
  public static final String FAILED = "failed";
}
