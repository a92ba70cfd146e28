package com.customeranalytics.features;

import static com.customeranalytics.table.Columns.CUSTOMER_ID;
import static com.customeranalytics.table.Columns.INVOICE_TS;
import static com.customeranalytics.table.Columns.LAST_PURCHASE_DATE;
import static com.customeranalytics.table.Columns.SEGMENT;
import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.datediff;
import static org.apache.spark.sql.functions.lag;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.stddev_samp;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.when;

import com.customeranalytics.concurrent.Parallel;
import com.customeranalytics.config.Settings.SegmentSettings;
import com.customeranalytics.table.Columns;
import com.customeranalytics.table.SegmentTables;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataTypes;

/**
 * Model features of the customers who bought in a window: the window's RFM figures and their
 * segmentation (clusters, score, segment, quintile scores). Never the customer id: it is kept
 * alongside for joins only.
 */
public final class CustomerFeatures implements AutoCloseable {
  /** Feature columns, all double. */
  public static final List<String> RFM_FEATURES = Collections.unmodifiableList(List.of(
      Columns.RECENCY_DAYS, Columns.FREQUENCY, Columns.MONETARY, Columns.TENURE_DAYS,
      Columns.AVG_ORDER_VALUE, Columns.DISTINCT_PRODUCTS, Columns.RETURNS_COUNT, Columns.RETURNS_VALUE,
      Columns.RECENCY_CLUSTER, Columns.FREQUENCY_CLUSTER, Columns.MONETARY_CLUSTER, Columns.OVERALL_SCORE,
      Columns.SEGMENT_INDEX, Columns.R_SCORE, Columns.F_SCORE, Columns.M_SCORE));
  /** Gap features of the next-purchase model (-1 where a customer has too few purchase days). */
  public static final List<String> GAP_FEATURES = Collections.unmodifiableList(List.of(
      Columns.GAP_1, Columns.GAP_2, Columns.GAP_3, Columns.GAP_MEAN, Columns.GAP_STD));

  private final Segmenter.Result segments;
  /** customer_id, last_purchase_date, segment and the feature columns. */
  public final Dataset<Row> data;

  private CustomerFeatures(Segmenter.Result segments, Dataset<Row> data) {
    this.segments = segments;
    this.data = data;
  }

  /**
   * Features for the customers with a purchase in [{@code from}, {@code to}]; recency and tenure
   * count to {@code to}. Fails naming the window when nobody bought in it.
   */
  public static CustomerFeatures of(Dataset<Row> sales, Dataset<Row> returns, LocalDate from,
      LocalDate to, SegmentSettings s) {
    Dataset<Row> rfm = Rfm.compute(sales, returns, from, to);
    Segmenter.Result seg;
    try {
      seg = Segmenter.compute(rfm, s, to, false);
    } catch (IllegalStateException e) {
      throw new IllegalStateException("No customer bought in the feature window " + from + ".." + to
          + "; the data does not reach back far enough for this as-of date", e);
    }
    List<Column> cols = new ArrayList<>();
    cols.add(col(CUSTOMER_ID));
    cols.add(col(LAST_PURCHASE_DATE));
    cols.add(col(SEGMENT));
    for (String f : RFM_FEATURES) {
      Column c = f.equals(Columns.SEGMENT_INDEX) ? segmentIndex(col(SEGMENT)) : col(f);
      cols.add(c.cast(DataTypes.DoubleType).as(f));
    }
    return new CustomerFeatures(seg, seg.segments.select(cols.toArray(new Column[0])));
  }

  /**
   * The training window's features ({@code featureStart..featureEnd}) and the scoring window's
   * ({@code scoreStart..scoreEnd}) of {@code w}, in that order, computed side by side: each is
   * mostly a chain of small KMeans jobs that leaves the cores idle between them.
   */
  public static List<CustomerFeatures> trainingAndScoring(Dataset<Row> sales, Dataset<Row> returns,
      ModelWindows w, SegmentSettings s) {
    List<Callable<CustomerFeatures>> both = List.of(
        () -> of(sales, returns, w.featureStart, w.featureEnd, s),
        () -> of(sales, returns, w.scoreStart, w.scoreEnd, s));
    return Parallel.all(2, both, "feature windows");
  }

  /**
   * Per customer, over the distinct purchase days in [{@code from}, {@code to}]: the gaps in days
   * between the last and 2nd-last (gap_1), 2nd and 3rd (gap_2), 3rd and 4th (gap_3) purchase
   * days, and the mean and standard deviation of all consecutive gaps; -1 where undefined.
   */
  public static Dataset<Row> purchaseGaps(Dataset<Row> sales, LocalDate from, LocalDate to) {
    Dataset<Row> days = Rfm.window(sales, from, to)
        .select(col(CUSTOMER_ID), to_date(col(INVOICE_TS)).as("day")).distinct();
    Column newestFirst = row_number().over(Window.partitionBy(col(CUSTOMER_ID)).orderBy(col("day").desc()));
    Column gap = datediff(col("day"), lag(col("day"), 1).over(Window.partitionBy(col(CUSTOMER_ID))
        .orderBy(col("day"))));
    Dataset<Row> ranked = days.withColumn("back", newestFirst).withColumn("gap", gap);
    // The gap on the row of the n-th newest day is the gap between it and the (n+1)-th newest.
    return ranked.groupBy(col(CUSTOMER_ID)).agg(
        max(when(col("back").equalTo(1), col("gap"))).cast(DataTypes.DoubleType).as(Columns.GAP_1),
        max(when(col("back").equalTo(2), col("gap"))).cast(DataTypes.DoubleType).as(Columns.GAP_2),
        max(when(col("back").equalTo(3), col("gap"))).cast(DataTypes.DoubleType).as(Columns.GAP_3),
        avg(col("gap")).as(Columns.GAP_MEAN),
        stddev_samp(col("gap")).as(Columns.GAP_STD))
        .na().fill(-1.0, GAP_FEATURES.toArray(new String[0]));
  }

  /** The segment's position in {@link SegmentTables#SEGMENTS} (Low 0, Mid 1, High 2). */
  static Column segmentIndex(Column segment) {
    Column index = lit(0);
    for (int i = SegmentTables.SEGMENTS.size() - 1; i > 0; i--) {
      index = when(segment.equalTo(SegmentTables.SEGMENTS.get(i)), i).otherwise(index);
    }
    return index;
  }

  /** Rows of {@code data} with the gap features joined on (-1 for customers without gaps). */
  public Dataset<Row> withGaps(Dataset<Row> gaps) {
    return data.join(gaps, CUSTOMER_ID, "left")
        .na().fill(-1.0, GAP_FEATURES.toArray(new String[0]));
  }

  @Override
  public void close() {
    segments.segments.unpersist();
  }
}
