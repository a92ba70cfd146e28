package com.customeranalytics.ml;

import static com.customeranalytics.table.Columns.AS_OF_DATE;
import static com.customeranalytics.table.Columns.CUSTOMER_ID;
import static com.customeranalytics.table.Columns.MODEL_ID;
import static com.customeranalytics.table.Columns.PREDICTED_CLASS;
import static com.customeranalytics.table.Columns.PREDICTED_CLASS_INDEX;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import com.customeranalytics.table.ModelTables;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.functions;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** Scoring with a trained model, and class indices as class names. Pure: no I/O. */
public final class Predictions {
  private Predictions() {}

  /** {@code index} (0..n-1, int or double) as its class name; the last name for anything above. */
  public static Column className(Column index, List<String> classNames) {
    Column name = lit(classNames.get(classNames.size() - 1));
    for (int i = classNames.size() - 2; i >= 0; i--) {
      name = when(index.equalTo(i), lit(classNames.get(i))).otherwise(name);
    }
    return name;
  }

  /**
   * Adds {@code scoresCol}: per-class scores in [0, 1] summing to 1. RandomForest's probability;
   * for one-vs-rest GBT, which only has per-class margins, their softmax. Built-in functions only.
   */
  public static Dataset<Row> withScores(Dataset<Row> predictions, String scoresCol) {
    if (Arrays.asList(predictions.columns()).contains("probability")) {
      return predictions.withColumn(scoresCol, functions.vector_to_array(col("probability"), "float64"));
    }
    return predictions
        .withColumn("_raw", functions.vector_to_array(col("rawPrediction"), "float64"))
        .withColumn("_exp", expr("transform(_raw, x -> exp(x - array_max(_raw)))"))
        .withColumn(scoresCol, expr("transform(_exp, x -> x / aggregate(_exp, 0D, (a, b) -> a + b))"))
        .drop("_raw", "_exp");
  }

  /** Scores customers with a model: class, class index, probabilities, model id. */
  public static Dataset<Row> predict(PipelineModel model, Dataset<Row> current, List<String> classNames,
      LocalDate asOf, String modelId) {
    Dataset<Row> scored = withScores(model.transform(current), "_scores");
    List<Column> cols = new ArrayList<>();
    cols.add(lit(Date.valueOf(asOf)).as(AS_OF_DATE));
    cols.add(col(CUSTOMER_ID));
    cols.add(className(col(ClassifierTrainer.PREDICTION), classNames).as(PREDICTED_CLASS));
    cols.add(col(ClassifierTrainer.PREDICTION).cast("int").as(PREDICTED_CLASS_INDEX));
    for (int i = 0; i < classNames.size(); i++) {
      cols.add(col("_scores").getItem(i).as(ModelTables.probability(classNames.get(i))));
    }
    cols.add(lit(modelId).as(MODEL_ID));
    return scored.select(cols.toArray(new Column[0]));
  }
}
