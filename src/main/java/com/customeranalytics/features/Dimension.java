package com.customeranalytics.features;

import com.customeranalytics.table.Columns;

/** One RFM dimension clustered on its own (1-D KMeans). */
public enum Dimension {
  RECENCY("recency", Columns.RECENCY_DAYS, Columns.RECENCY_CLUSTER, true),
  FREQUENCY("frequency", Columns.FREQUENCY, Columns.FREQUENCY_CLUSTER, false),
  MONETARY("monetary", Columns.MONETARY, Columns.MONETARY_CLUSTER, false);

  /** Name in config (segment.log1p.*) and in the profile / k-selection tables. */
  public final String label;
  /** The customer_rfm column clustered. */
  public final String valueColumn;
  /** The relabelled cluster index column in customer_segments. */
  public final String clusterColumn;
  /** True when a lower value is a better customer (recency: fewer days since last purchase). */
  public final boolean lowerIsBetter;

  Dimension(String label, String valueColumn, String clusterColumn, boolean lowerIsBetter) {
    this.label = label;
    this.valueColumn = valueColumn;
    this.clusterColumn = clusterColumn;
    this.lowerIsBetter = lowerIsBetter;
  }

  /** Internal feature-vector column for this dimension. */
  String vectorColumn() {
    return "_" + label + "_vec";
  }

  /** Internal raw KMeans prediction column for this dimension. */
  String predictionColumn() {
    return "_" + label + "_pred";
  }
}
