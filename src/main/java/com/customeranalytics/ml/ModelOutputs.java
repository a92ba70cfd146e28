package com.customeranalytics.ml;

import static com.customeranalytics.table.Columns.AS_OF_DATE;
import static com.customeranalytics.table.Columns.CUSTOMER_ID;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import com.customeranalytics.job.Parallel;
import com.customeranalytics.job.StageContext;
import com.customeranalytics.job.StageResult;
import com.customeranalytics.table.TableStore;
import java.io.IOException;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Writes what a model stage produced: metrics and ROC points, the best model (a PipelineModel
 * under the warehouse, per as-of date) and the predictions it makes for current customers.
 */
public final class ModelOutputs {
  /** Predicted class name and index, per-class probabilities prob_<class>, and the model id. */
  public static final String PREDICTED_CLASS = "predicted_class";
  public static final String PREDICTED_CLASS_INDEX = "predicted_class_index";
  public static final String MODEL_ID = "model_id";

  private ModelOutputs() {}

  /** The tables a model stage writes. */
  public static final class ModelTables {
    final String trainingSet;
    final String metrics;
    final String roc;
    final String predictions;

    public ModelTables(String trainingSet, String metrics, String roc, String predictions) {
      this.trainingSet = trainingSet;
      this.metrics = metrics;
      this.roc = roc;
      this.predictions = predictions;
    }
  }

  /**
   * The common end of a model stage: writes the training set ({@code rows}, all of it), trains
   * on {@code trainable} (its train/test split), publishes metrics, ROC points, the best model
   * and its predictions for {@code current} customers.
   */
  public static StageResult trainAndPublish(StageContext ctx, String stage, ModelTables t,
      Dataset<Row> rows, Dataset<Row> trainable, List<String> featureCols, List<String> classNames,
      Dataset<Row> current) {
    LocalDate asOf = ctx.asOf();
    // The training set is written while the models train: independent, and training is a chain
    // of small jobs that leaves the cores idle between them.
    ClassifierTrainer.Outcome[] trained = new ClassifierTrainer.Outcome[1];
    long trainingRows = Parallel.each(List.<Callable<Long>>of(
        () -> ctx.tables().replaceWhere(t.trainingSet, AS_OF_DATE + " = '" + asOf + "'",
            rows.select(lit(Date.valueOf(asOf)).as(AS_OF_DATE), col("*")).drop(ClassifierTrainer.LABEL),
            AS_OF_DATE),
        () -> {
          trained[0] = ClassifierTrainer.train(trainable, featureCols, classNames, ctx.settings().models(),
              asOf, stage);
          return 0L;
        })).get(0);
    ClassifierTrainer.Outcome out = trained[0];
    long scored = write(ctx, out, current, stage, classNames, t.metrics, t.roc, t.predictions);
    return new StageResult(trainingRows, scored, String.format(
        "training set %,d, best %s/%s validation F1 %.3f test F1 %.3f, %,d customers scored",
        trainingRows, out.bestModel, out.bestVariant, out.bestValidationF1, out.bestTestF1, scored));
  }

  /** Where a stage's model for an as-of date lives. */
  public static String modelPath(TableStore tables, String stage, LocalDate asOf) {
    return tables.root() + "/models/" + stage + "/" + AS_OF_DATE + "=" + asOf;
  }

  /** Writes the metrics, ROC points, the model and the predictions; returns the rows predicted. */
  static long write(StageContext ctx, ClassifierTrainer.Outcome out, Dataset<Row> current,
      String stage, List<String> classNames, String metricsTable, String rocTable, String predictionsTable) {
    LocalDate asOf = ctx.asOf();
    TableStore tables = ctx.tables();
    String where = AS_OF_DATE + " = '" + asOf + "'";
    String path = modelPath(tables, stage, asOf);
    // Independent outputs, written side by side.
    return Parallel.each(List.<Callable<Long>>of(
        () -> tables.replaceWhere(predictionsTable, where,
            predict(out.best, current, classNames, asOf, out.bestModelId), AS_OF_DATE),
        () -> tables.replaceWhere(metricsTable, where, ctx.spark().createDataFrame(out.metrics,
            ClassifierTrainer.metricsSchema(classNames)).coalesce(1), AS_OF_DATE),
        () -> tables.replaceWhere(rocTable, where, ctx.spark().createDataFrame(out.rocPoints,
            ClassifierTrainer.ROC_SCHEMA).coalesce(1), AS_OF_DATE),
        () -> {
          try {
            out.best.write().overwrite().save(path);
          } catch (IOException e) {
            throw new IllegalStateException("Cannot save the model to " + path + ": " + e.getMessage(), e);
          }
          return 0L;
        })).get(0);
  }

  /** Scores customers with a model: class, class index, probabilities, model id. */
  public static Dataset<Row> predict(PipelineModel model, Dataset<Row> current, List<String> classNames,
      LocalDate asOf, String modelId) {
    Dataset<Row> scored = ClassifierTrainer.withScores(model.transform(current), "_scores");
    Column name = lit(classNames.get(classNames.size() - 1));
    for (int i = classNames.size() - 2; i >= 0; i--) {
      name = when(col("prediction").equalTo((double) i), lit(classNames.get(i))).otherwise(name);
    }
    List<Column> cols = new ArrayList<>();
    cols.add(lit(Date.valueOf(asOf)).as(AS_OF_DATE));
    cols.add(col(CUSTOMER_ID));
    cols.add(name.as(PREDICTED_CLASS));
    cols.add(col("prediction").cast("int").as(PREDICTED_CLASS_INDEX));
    for (int i = 0; i < classNames.size(); i++) {
      cols.add(col("_scores").getItem(i).as("prob_" + ClassifierTrainer.key(classNames.get(i))));
    }
    cols.add(lit(modelId).as(MODEL_ID));
    return scored.select(cols.toArray(new Column[0]));
  }
}
