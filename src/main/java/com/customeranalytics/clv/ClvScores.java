package com.customeranalytics.clv;

import static com.customeranalytics.table.Columns.ACTUAL;
import static com.customeranalytics.table.Columns.AS_OF_DATE;
import static com.customeranalytics.table.Columns.BASELINE;
import static com.customeranalytics.table.Columns.BASELINE_MAE;
import static com.customeranalytics.table.Columns.BASELINE_RMSE;
import static com.customeranalytics.table.Columns.CALIBRATION_END;
import static com.customeranalytics.table.Columns.CLV;
import static com.customeranalytics.table.Columns.CLV_DECILE;
import static com.customeranalytics.table.Columns.CUSTOMERS;
import static com.customeranalytics.table.Columns.CUSTOMER_ID;
import static com.customeranalytics.table.Columns.EXPECTED_AVG_VALUE;
import static com.customeranalytics.table.Columns.EXPECTED_PURCHASES;
import static com.customeranalytics.table.Columns.FREQUENCY;
import static com.customeranalytics.table.Columns.FREQUENCY_BUCKET;
import static com.customeranalytics.table.Columns.HOLDOUT_LENGTH;
import static com.customeranalytics.table.Columns.MAE;
import static com.customeranalytics.table.Columns.MONETARY_VALUE;
import static com.customeranalytics.table.Columns.PREDICTED;
import static com.customeranalytics.table.Columns.P_ALIVE;
import static com.customeranalytics.table.Columns.RECENCY;
import static com.customeranalytics.table.Columns.RMSE;
import static com.customeranalytics.table.Columns.T;
import static com.customeranalytics.table.Columns.TARGET;
import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.grouping;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.pow;
import static org.apache.spark.sql.functions.sqrt;
import static org.apache.spark.sql.functions.udf;
import static org.apache.spark.sql.functions.when;

import com.customeranalytics.config.Settings.ClvSettings;
import com.customeranalytics.table.ClvTables;
import java.sql.Date;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.api.java.UDF4;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * What the fits say per customer: clv_predictions from the full fit, and the calibration fit
 * scored against the holdout period (clv_holdout_metrics). The closed forms (P(alive), expected
 * purchases through 2F1, expected value, the discounted sum) are Java functions: Spark has no
 * built-in for them, so they run as one UDF per row, with the fitted parameters as constants.
 */
public final class ClvScores {
  private ClvScores() {}

  /** Days per month of the CLV's discounting (lifetimes: 30 days a month with daily data). */
  static final int DAYS_PER_MONTH = 30;

  private static final StructType SCORES = new StructType()
      .add(P_ALIVE, DataTypes.DoubleType, false)
      .add(EXPECTED_PURCHASES, DataTypes.DoubleType, false)
      .add(EXPECTED_AVG_VALUE, DataTypes.DoubleType, true)
      .add(CLV, DataTypes.DoubleType, true);

  /**
   * CLV over {@code horizonDays}: each 30-day month's expected purchases (the last month may be
   * shorter) times the expected value per purchase, discounted by (1 + rate)^month, as lifetimes'
   * customer_lifetime_value and the Databricks CLV accelerator do.
   */
  public static double clv(double[] bg, double value, int horizonDays, int unitDays, double monthlyRate, double x,
      double tx, double t) {
    double clv = 0;
    double before = 0;
    for (int end = Math.min(DAYS_PER_MONTH, horizonDays); ; end = Math.min(end + DAYS_PER_MONTH, horizonDays)) {
      double upTo = BgNbd.expectedPurchases(bg, (double) end / unitDays, x, tx, t);
      clv += value * (upTo - before) / Math.pow(1 + monthlyRate, (double) end / DAYS_PER_MONTH);
      before = upTo;
      if (end == horizonDays) {
        return clv;
      }
    }
  }

  /**
   * clv_predictions as of {@code asOf}: the summary's columns, P(alive), expected purchases over
   * the horizon, expected value per purchase and CLV, from the full fit.
   */
  public static Dataset<Row> predictions(Dataset<Row> summary, ClvFits fits, ClvSettings s, LocalDate asOf) {
    return predictions(summary, fits.bgNbd.params, fits.gammaGamma == null ? null : fits.gammaGamma.params, s, asOf);
  }

  /** As above, from BG/NBD parameters {@code bg} and Gamma-Gamma's {@code gg} (null: none). */
  public static Dataset<Row> predictions(Dataset<Row> summary, double[] bg, double[] gg, ClvSettings s, LocalDate asOf) {
    int horizonDays = s.horizonDays;
    int unitDays = s.timeUnit.days;
    double rate = s.monthlyDiscountRate;
    UserDefinedFunction score = udf((UDF4<Long, Double, Double, Double, Row>) (x, tx, t, m) -> {
      double pAlive = BgNbd.probabilityAlive(bg, x, tx, t);
      double expected = BgNbd.expectedPurchases(bg, (double) horizonDays / unitDays, x, tx, t);
      double value = gg == null ? Double.NaN : GammaGamma.expectedAverageValue(gg, x, m);
      boolean known = !Double.isNaN(value);
      return RowFactory.create(pAlive, expected, known ? value : null,
          known ? clv(bg, value, horizonDays, unitDays, rate, x, tx, t) : null);
    }, SCORES);
    return summary
        .withColumn("_s", score.apply(col(FREQUENCY), col(RECENCY), col(T), col(MONETARY_VALUE)))
        .select(lit(Date.valueOf(asOf)).as(AS_OF_DATE), col(CUSTOMER_ID), col(FREQUENCY), col(RECENCY), col(T),
            col(MONETARY_VALUE), col("_s." + P_ALIVE).as(P_ALIVE), col("_s." + EXPECTED_PURCHASES).as(EXPECTED_PURCHASES),
            col("_s." + EXPECTED_AVG_VALUE).as(EXPECTED_AVG_VALUE), col("_s." + CLV).as(CLV));
  }

  /** {@code scored} with clv_decile: 1..10 by the CLV deciles {@code bounds} (10 = the top tenth). */
  public static Dataset<Row> withDecile(Dataset<Row> scored, double[] bounds) {
    Column decile = lit(1);
    for (double b : bounds) {
      decile = decile.plus(when(col(CLV).gt(b), 1).otherwise(0));
    }
    return scored.withColumn(CLV_DECILE, when(col(CLV).isNull(), lit(null)).otherwise(decile));
  }

  /** The nine CLV decile bounds of {@code scored} (approximate quantiles, 1e-4 relative error). */
  public static double[] decileBounds(Dataset<Row> scored) {
    double[] p = new double[9];
    for (int i = 0; i < 9; i++) {
      p[i] = (i + 1) / 10.0;
    }
    return scored.filter(col(CLV).isNotNull()).stat().approxQuantile(CLV, p, 1e-4);
  }

  /**
   * clv_holdout_metrics: the calibration fit's predictions for the holdout period (calibration
   * end to the as-of date) against what the calibration customers did in it, per calibration
   * frequency 0..5, 6+ and over all, for purchases (purchase days) and value (revenue; the model's
   * prediction = expected purchases x expected value per purchase). The baseline carries each
   * customer's calibration rate forward: frequency / t purchases per unit, at their mean value.
   */
  public static Dataset<Row> holdoutMetrics(Dataset<Row> calibration, Dataset<Row> holdout, ClvFits fits,
      ClvSettings s, LocalDate asOf, LocalDate calibrationEnd) {
    double length = CustomerSummary.inUnit(ChronoUnit.DAYS.between(calibrationEnd, asOf), s.timeUnit);
    double[] bg = fits.bgNbd.params;
    double[] gg = fits.gammaGamma == null ? null : fits.gammaGamma.params;
    UserDefinedFunction predict = udf((UDF4<Long, Double, Double, Double, Row>) (x, tx, t, m) -> {
      double purchases = BgNbd.expectedPurchases(bg, length, x, tx, t);
      double value = gg == null ? Double.NaN : GammaGamma.expectedAverageValue(gg, x, m);
      return RowFactory.create(purchases, Double.isNaN(value) ? null : purchases * value);
    }, new StructType().add("purchases", DataTypes.DoubleType, false).add("value", DataTypes.DoubleType, true));
    Column baselinePurchases = when(col(T).gt(0), col(FREQUENCY).divide(col(T)).multiply(length)).otherwise(0.0);
    Dataset<Row> perCustomer = calibration
        .join(holdout, calibration.col(CUSTOMER_ID).equalTo(holdout.col(CUSTOMER_ID)), "left")
        .select(
            when(col(FREQUENCY).geq(ClvTables.TOP_BUCKET), lit(ClvTables.TOP_BUCKET + "+"))
                .otherwise(col(FREQUENCY).cast(DataTypes.StringType)).as(FREQUENCY_BUCKET),
            coalesce(col(CustomerSummary.PURCHASE_DAYS), lit(0L)).cast(DataTypes.DoubleType).as("_ap"),
            coalesce(col("_revenue"), lit(0.0)).as("_av"),
            predict.apply(col(FREQUENCY), col(RECENCY), col(T), col(MONETARY_VALUE)).as("_p"),
            baselinePurchases.as("_bp"),
            baselinePurchases.multiply(col(MONETARY_VALUE)).as("_bv"));
    Dataset<Row> flat = perCustomer.select(col(FREQUENCY_BUCKET), col("_ap"), col("_p.purchases").as("_pp"),
        col("_bp"), col("_av"), col("_p.value").as("_pv"), col("_bv"));
    Dataset<Row> agg = flat.rollup(col(FREQUENCY_BUCKET)).agg(count(lit(1)).as(CUSTOMERS),
        grouping(col(FREQUENCY_BUCKET)).as("_all"),
        avg("_ap").as("m_ap"), avg("_pp").as("m_pp"), avg("_bp").as("m_bp"), rmse("_pp", "_ap"), mae("_pp", "_ap"),
        rmse("_bp", "_ap"), mae("_bp", "_ap"),
        avg("_av").as("m_av"), avg("_pv").as("m_pv"), avg("_bv").as("m_bv"), rmse("_pv", "_av"), mae("_pv", "_av"),
        rmse("_bv", "_av"), mae("_bv", "_av"));
    return target(agg, ClvTables.PURCHASES, "_ap", "_pp", "_bp", asOf, calibrationEnd, length)
        .unionByName(target(agg, ClvTables.VALUE_TARGET, "_av", "_pv", "_bv", asOf, calibrationEnd, length));
  }

  private static Column rmse(String predicted, String actual) {
    return sqrt(avg(pow(col(predicted).minus(col(actual)), 2))).as("r" + predicted + actual);
  }

  private static Column mae(String predicted, String actual) {
    return avg(abs(col(predicted).minus(col(actual)))).as("a" + predicted + actual);
  }

  private static Dataset<Row> target(Dataset<Row> agg, String target, String actual, String predicted,
      String baseline, LocalDate asOf, LocalDate calibrationEnd, double length) {
    return agg.select(lit(Date.valueOf(asOf)).as(AS_OF_DATE), lit(Date.valueOf(calibrationEnd)).as(CALIBRATION_END),
        lit(length).as(HOLDOUT_LENGTH), lit(target).as(TARGET),
        when(col("_all").equalTo(1), lit(ClvTables.ALL_BUCKETS)).otherwise(col(FREQUENCY_BUCKET)).as(FREQUENCY_BUCKET),
        col(CUSTOMERS),
        col("m" + actual).as(ACTUAL), col("m" + predicted).as(PREDICTED), col("m" + baseline).as(BASELINE),
        col("r" + predicted + actual).as(RMSE), col("a" + predicted + actual).as(MAE),
        col("r" + baseline + actual).as(BASELINE_RMSE), col("a" + baseline + actual).as(BASELINE_MAE));
  }
}
