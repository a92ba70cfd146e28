package com.customeranalytics.table;

import static com.customeranalytics.table.Columns.ACTUAL;
import static com.customeranalytics.table.Columns.AS_OF_DATE;
import static com.customeranalytics.table.Columns.AT_BOUND;
import static com.customeranalytics.table.Columns.BASELINE;
import static com.customeranalytics.table.Columns.BASELINE_MAE;
import static com.customeranalytics.table.Columns.BASELINE_RMSE;
import static com.customeranalytics.table.Columns.CALIBRATION_END;
import static com.customeranalytics.table.Columns.CONVERGED;
import static com.customeranalytics.table.Columns.CUSTOMERS;
import static com.customeranalytics.table.Columns.FIT;
import static com.customeranalytics.table.Columns.FREQUENCY_BUCKET;
import static com.customeranalytics.table.Columns.HOLDOUT_LENGTH;
import static com.customeranalytics.table.Columns.ITERATIONS;
import static com.customeranalytics.table.Columns.LOG_LIKELIHOOD;
import static com.customeranalytics.table.Columns.MAE;
import static com.customeranalytics.table.Columns.MODEL;
import static com.customeranalytics.table.Columns.PARAMETER;
import static com.customeranalytics.table.Columns.PREDICTED;
import static com.customeranalytics.table.Columns.RMSE;
import static com.customeranalytics.table.Columns.TARGET;
import static com.customeranalytics.table.Columns.VALUE;

import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The clv tables' contract: clv_model_params, clv_predictions' columns (in the stage) and
 * clv_holdout_metrics, with their stable values. Names are in {@link Tables}, columns in
 * {@link Columns}.
 */
public final class ClvTables {
  private ClvTables() {}

  // clv_model_params.fit
  /** Fitted on the calibration period only (up to clv.calibration-end): scored on the holdout. */
  public static final String CALIBRATION = "calibration";
  /** Fitted on everything up to the as-of date: the one clv_predictions comes from. */
  public static final String FULL = "full";
  // clv_model_params.model
  public static final String BG_NBD = "bg_nbd";
  public static final String GAMMA_GAMMA = "gamma_gamma";
  /**
   * clv_model_params.parameter of the gamma_gamma row that is not a parameter: the Pearson
   * correlation of frequency and monetary value over the repeat customers (the model assumes ~0).
   */
  public static final String FREQUENCY_MONETARY_CORRELATION = "frequency_monetary_correlation";
  // clv_holdout_metrics.target
  public static final String PURCHASES = "purchases";
  public static final String VALUE_TARGET = "value";
  /** clv_holdout_metrics.frequency_bucket of the row over all calibration customers. */
  public static final String ALL_BUCKETS = "all";
  /** Calibration frequencies from this one up share a bucket ("6+"). */
  public static final int TOP_BUCKET = 6;

  public static final StructType PARAMS_SCHEMA = new StructType()
      .add(AS_OF_DATE, DataTypes.DateType, false)
      .add(FIT, DataTypes.StringType, false)
      .add(MODEL, DataTypes.StringType, false)
      .add(PARAMETER, DataTypes.StringType, false)
      .add(VALUE, DataTypes.DoubleType, true)
      .add(LOG_LIKELIHOOD, DataTypes.DoubleType, true)
      .add(ITERATIONS, DataTypes.IntegerType, true)
      .add(CONVERGED, DataTypes.BooleanType, true)
      .add(AT_BOUND, DataTypes.BooleanType, true)
      .add(CUSTOMERS, DataTypes.LongType, false);

  public static final StructType HOLDOUT_SCHEMA = new StructType()
      .add(AS_OF_DATE, DataTypes.DateType, false)
      .add(CALIBRATION_END, DataTypes.DateType, false)
      .add(HOLDOUT_LENGTH, DataTypes.DoubleType, false)
      .add(TARGET, DataTypes.StringType, false)
      .add(FREQUENCY_BUCKET, DataTypes.StringType, false)
      .add(CUSTOMERS, DataTypes.LongType, false)
      .add(ACTUAL, DataTypes.DoubleType, true)
      .add(PREDICTED, DataTypes.DoubleType, true)
      .add(BASELINE, DataTypes.DoubleType, true)
      .add(RMSE, DataTypes.DoubleType, true)
      .add(MAE, DataTypes.DoubleType, true)
      .add(BASELINE_RMSE, DataTypes.DoubleType, true)
      .add(BASELINE_MAE, DataTypes.DoubleType, true);
}
