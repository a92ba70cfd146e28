package com.customeranalytics.ml;

import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * A model's figures on the test split: overall and per class (index order), the confusion
 * matrix, and its ROC points (rows of ModelTables.ROC_SCHEMA). Immutable.
 */
public final class ModelMetrics {
  public final double accuracy;
  public final double weightedF1;
  public final double weightedPrecision;
  public final double weightedRecall;
  private final double[] precision;
  private final double[] recall;
  private final double[] f1;
  /** Null where undefined: the test split holds only one side of the class. */
  private final Double[] auc;
  /** [[...],...], rows = true class, columns = predicted. */
  public final String confusion;
  public final List<Row> rocPoints;

  ModelMetrics(double accuracy, double weightedF1, double weightedPrecision, double weightedRecall,
      double[] precision, double[] recall, double[] f1, Double[] auc, String confusion, List<Row> rocPoints) {
    this.accuracy = accuracy;
    this.weightedF1 = weightedF1;
    this.weightedPrecision = weightedPrecision;
    this.weightedRecall = weightedRecall;
    this.precision = precision.clone();
    this.recall = recall.clone();
    this.f1 = f1.clone();
    this.auc = auc.clone();
    this.confusion = confusion;
    this.rocPoints = Collections.unmodifiableList(new ArrayList<>(rocPoints));
  }

  /** A metrics-table row (ModelTables.metricsSchema) for this model. */
  Row row(LocalDate asOf, String model, String variant, long trainSize, long testSize, double validationF1,
      String params, boolean isBest, String modelId) {
    List<Object> v = new ArrayList<>(Arrays.asList(Date.valueOf(asOf), model, variant, trainSize,
        testSize, validationF1, accuracy, weightedF1, weightedPrecision, weightedRecall));
    for (int i = 0; i < precision.length; i++) {
      v.add(precision[i]);
      v.add(recall[i]);
      v.add(f1[i]);
      v.add(auc[i]);
    }
    v.add(confusion);
    v.add(params);
    v.add(isBest);
    v.add(modelId);
    return RowFactory.create(v.toArray());
  }
}
