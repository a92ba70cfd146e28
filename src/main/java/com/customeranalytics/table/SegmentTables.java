package com.customeranalytics.table;

import static com.customeranalytics.table.Columns.AS_OF_DATE;
import static com.customeranalytics.table.Columns.CENTER;
import static com.customeranalytics.table.Columns.CHOSEN;
import static com.customeranalytics.table.Columns.CLUSTER;
import static com.customeranalytics.table.Columns.CLUSTERS_FOUND;
import static com.customeranalytics.table.Columns.COST;
import static com.customeranalytics.table.Columns.CUSTOMERS;
import static com.customeranalytics.table.Columns.DIMENSION;
import static com.customeranalytics.table.Columns.K;
import static com.customeranalytics.table.Columns.LOG1P;
import static com.customeranalytics.table.Columns.MAX;
import static com.customeranalytics.table.Columns.MEAN;
import static com.customeranalytics.table.Columns.MIN;
import static com.customeranalytics.table.Columns.SILHOUETTE;

import java.util.List;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The segment tables' contract: customer_segments' segment values, kmeans_k_selection and
 * rfm_cluster_profiles. Names are in {@link Tables}, columns in {@link Columns}.
 */
public final class SegmentTables {
  private SegmentTables() {}

  /** Values of customer_segments.segment, by overall_score. */
  public static final String LOW = "Low";
  public static final String MID = "Mid";
  public static final String HIGH = "High";
  /** The segments from least to most valuable (their index is the segment_index feature). */
  public static final List<String> SEGMENTS = List.of(LOW, MID, HIGH);

  /** kmeans_k_selection: per dimension and k of the sweep, the elbow cost and the silhouette. */
  public static final StructType K_SELECTION_SCHEMA = new StructType()
      .add(AS_OF_DATE, DataTypes.DateType, false)
      .add(DIMENSION, DataTypes.StringType, false)
      .add(K, DataTypes.IntegerType, false)
      .add(COST, DataTypes.DoubleType, false)
      .add(SILHOUETTE, DataTypes.DoubleType, true)
      .add(CLUSTERS_FOUND, DataTypes.IntegerType, false)
      .add(CHOSEN, DataTypes.BooleanType, false);

  /** rfm_cluster_profiles: per dimension and cluster of the chosen fit. */
  public static final StructType PROFILE_SCHEMA = new StructType()
      .add(AS_OF_DATE, DataTypes.DateType, false)
      .add(DIMENSION, DataTypes.StringType, false)
      .add(CLUSTER, DataTypes.IntegerType, false)
      .add(CUSTOMERS, DataTypes.LongType, false)
      .add(MIN, DataTypes.DoubleType, false)
      .add(MAX, DataTypes.DoubleType, false)
      .add(MEAN, DataTypes.DoubleType, false)
      .add(CENTER, DataTypes.DoubleType, false)
      .add(LOG1P, DataTypes.BooleanType, false);
}
