package com.customeranalytics.ml;

import static com.customeranalytics.table.Columns.CUSTOMER_ID;
import static com.customeranalytics.table.Columns.SPLIT;
import static com.customeranalytics.table.ModelTables.TEST;
import static com.customeranalytics.table.ModelTables.TRAIN;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;

/**
 * How customers are split, seeded by customer id so the split does not depend on partitioning:
 * the stratified train/test split, and the validation fold within the training split.
 */
public final class Splits {
  private Splits() {}

  /**
   * Adds {@code split}: per class, the {@code testFraction} of rows with the lowest hash of
   * (customer id, seed) are "test". Exact per-class shares and independent of partitioning.
   */
  public static Dataset<Row> stratified(Dataset<Row> data, double testFraction, long seed) {
    Column h = xxhash64(col(CUSTOMER_ID), lit(seed));
    Column rank = row_number().over(Window.partitionBy(col(ClassifierTrainer.LABEL)).orderBy(h, col(CUSTOMER_ID)));
    Column size = count(lit(1)).over(Window.partitionBy(col(ClassifierTrainer.LABEL)));
    return data.withColumn(SPLIT, when(rank.leq(size.multiply(testFraction)), lit(TEST)).otherwise(lit(TRAIN)));
  }

  /** The training split and the seeded fold a single parameter set is validated on. */
  static final class Validation {
    final Dataset<Row> all;
    final Dataset<Row> fit;
    final Dataset<Row> held;
    final long allRows;
    private long fitRows = -1;

    /** Fold 0 of {@code folds} (by a hash of customer id and {@code seed}) is held out. */
    Validation(Dataset<Row> train, long trainRows, int folds, long seed) {
      Column fold = pmod(xxhash64(col(CUSTOMER_ID), lit(seed)), lit(Math.max(2, folds)));
      this.all = train;
      this.fit = train.filter(fold.notEqual(0));
      this.held = train.filter(fold.equalTo(0));
      this.allRows = trainRows;
    }

    /** Rows a fit without the held-out fold sees (counted once, when first asked). */
    synchronized long fitRows() {
      if (fitRows < 0) {
        fitRows = allRows - held.count();
      }
      return fitRows;
    }
  }
}
