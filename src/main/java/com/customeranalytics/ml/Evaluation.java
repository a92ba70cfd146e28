package com.customeranalytics.ml;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.when;

import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.mllib.evaluation.BinaryClassificationMetrics;
import org.apache.spark.mllib.evaluation.MulticlassMetrics;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.storage.StorageLevel;
import scala.Tuple2;

/** A fitted model's figures on the test split: MLlib's multiclass and one-vs-rest binary metrics. */
final class Evaluation {
  private Evaluation() {}

  /** Scores {@code test} once (cached) and computes every figure from those scores. */
  static ModelMetrics of(PipelineModel model, Dataset<Row> test, List<String> classNames, LocalDate asOf,
      String modelName, String variant) {
    String label = ClassifierTrainer.LABEL;
    String prediction = ClassifierTrainer.PREDICTION;
    Dataset<Row> pred = Predictions.withScores(model.transform(test), "_scores")
        .select(col(prediction), col(label), col("_scores")).persist(StorageLevel.MEMORY_AND_DISK());
    try {
      JavaRDD<Tuple2<Object, Object>> pl = pred.select(prediction, label).javaRDD()
          .map(r -> new Tuple2<>(r.getDouble(0), r.getDouble(1)));
      MulticlassMetrics m = new MulticlassMetrics(pl.rdd());
      int n = classNames.size();
      double[] precision = new double[n];
      double[] recall = new double[n];
      double[] f1 = new double[n];
      Double[] auc = new Double[n];
      List<Row> roc = new ArrayList<>();
      StringBuilder cm = new StringBuilder("[");
      org.apache.spark.mllib.linalg.Matrix matrix = m.confusionMatrix();
      double[] labels = m.labels();
      long total = 0;
      long[] positives = new long[n];
      for (int i = 0; i < n; i++) {
        int ri = Arrays.binarySearch(labels, i);
        for (int j = 0; ri >= 0 && j < labels.length; j++) {
          positives[i] += (long) matrix.apply(ri, j);
        }
        total += positives[i];
      }
      for (int i = 0; i < n; i++) {
        precision[i] = m.precision(i);
        recall[i] = m.recall(i);
        f1[i] = m.fMeasure(i);
        cm.append(i > 0 ? "," : "").append('[');
        for (int j = 0; j < n; j++) {
          int ri = Arrays.binarySearch(labels, i);
          int cj = Arrays.binarySearch(labels, j);
          long v = ri >= 0 && cj >= 0 ? (long) matrix.apply(ri, cj) : 0L;
          cm.append(j > 0 ? "," : "").append(v);
        }
        cm.append(']');
        if (positives[i] == 0 || positives[i] == total) { // test counts per class, from the matrix
          continue; // AUC undefined when the test split has only one side
        }
        final int cls = i;
        JavaRDD<Tuple2<Object, Object>> sl = pred.select(col("_scores").getItem(cls),
            when(col(label).equalTo((double) cls), 1.0).otherwise(0.0)).javaRDD()
            .map(r -> new Tuple2<>(r.getDouble(0), r.getDouble(1)));
        BinaryClassificationMetrics b = new BinaryClassificationMetrics(sl.rdd(), 50);
        auc[i] = b.areaUnderROC();
        for (Tuple2<Object, Object> p : b.roc().toJavaRDD().collect()) {
          roc.add(RowFactory.create(Date.valueOf(asOf), modelName, variant, classNames.get(i),
              (Double) p._1(), (Double) p._2()));
        }
      }
      return new ModelMetrics(m.accuracy(), m.weightedFMeasure(), m.weightedPrecision(), m.weightedRecall(),
          precision, recall, f1, auc, cm.append(']').toString(), roc);
    } finally {
      pred.unpersist();
    }
  }
}
