package com.customeranalytics.features;

import static org.apache.spark.sql.functions.count;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;

/**
 * Sums of money that do not depend on row order. A sum of doubles does: the same rows read from
 * a CSV file or from Parquet files reach the aggregate in another order and the totals differ in
 * the last bits, which then move cluster boundaries, tree splits and ROC points. Amounts are summed
 * as whole millionths (a long sum is exact and associative) and turned back into a double once.
 */
public final class Money {
  private Money() {}

  /** Millionths: exact for every price with up to six decimals. */
  private static final double SCALE = 1e6;

  /** {@code sum(amount)}, order-independent; null over no rows, like {@code sum}. */
  public static Column sum(Column amount) {
    return sumMicros(micros(amount));
  }

  /** An amount as whole millionths (a long): what {@link #sum} adds up. */
  public static Column micros(Column amount) {
    // floor(x + 0.5), not round(): Spark rounds a double through a BigDecimal per row.
    return functions.floor(amount.multiply(SCALE).plus(0.5)).cast(DataTypes.LongType);
  }

  /**
   * The amount of a sum of {@link #micros}: sums of partial sums give {@link #sum}'s value
   * exactly (a long sum is associative), so kept partial sums can be added up later.
   */
  public static Column sumMicros(Column micros) {
    return functions.sum(micros).divide(SCALE);
  }

  /** {@code avg(amount)}, order-independent. */
  public static Column avg(Column amount) {
    return sum(amount).divide(count(amount));
  }
}
