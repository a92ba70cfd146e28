package com.customeranalytics.stage.model;

import static com.customeranalytics.table.Columns.AS_OF_DATE;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import com.customeranalytics.concurrent.Parallel;
import com.customeranalytics.job.StageContext;
import com.customeranalytics.job.StageResult;
import com.customeranalytics.ml.ClassifierTrainer;
import com.customeranalytics.ml.Predictions;
import com.customeranalytics.table.ModelTables;
import com.customeranalytics.table.TableStore;
import java.io.IOException;
import java.sql.Date;
import java.time.LocalDate;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The common end of the two model stages (ltv, next_purchase): trains, then writes the training
 * set, metrics, ROC points, the best model (a PipelineModel under the warehouse, per as-of date)
 * and its predictions for current customers.
 */
public final class ModelStageOutputs {
  private ModelStageOutputs() {}

  /**
   * Writes the training set ({@code rows}, all of it), trains on {@code trainable} (its
   * train/test split), and publishes what training gave.
   */
  public static StageResult trainAndPublish(StageContext ctx, ModelTables t, Dataset<Row> rows,
      Dataset<Row> trainable, List<String> featureCols, List<String> classNames, Dataset<Row> current) {
    LocalDate asOf = ctx.asOf();
    TableStore tables = ctx.tables();
    // The training set is written while the models train: independent, and training is a chain
    // of small jobs that leaves the cores idle between them.
    ClassifierTrainer.Outcome[] trained = new ClassifierTrainer.Outcome[1];
    long trainingRows = Parallel.each(List.<Callable<Long>>of(
        () -> tables.replaceAsOf(t.trainingSet, asOf,
            rows.select(lit(Date.valueOf(asOf)).as(AS_OF_DATE), col("*")).drop(ClassifierTrainer.LABEL)),
        () -> {
          trained[0] = ClassifierTrainer.train(trainable, featureCols, classNames, ctx.settings().models(),
              asOf, t.task);
          return 0L;
        })).get(0);
    ClassifierTrainer.Outcome out = trained[0];
    long scored = publish(ctx, t, out, current, classNames);
    return new StageResult(trainingRows, scored, String.format(
        "training set %,d, best %s/%s validation F1 %.3f test F1 %.3f, %,d customers scored",
        trainingRows, out.bestModel, out.bestVariant, out.bestValidationF1, out.bestTestF1, scored));
  }

  /** Where a task's model for an as-of date lives. */
  public static String modelPath(TableStore tables, ModelTables t, LocalDate asOf) {
    return tables.root() + "/models/" + t.task + "/" + AS_OF_DATE + "=" + asOf;
  }

  /** Writes the metrics, ROC points, the model and the predictions; returns the rows predicted. */
  private static long publish(StageContext ctx, ModelTables t, ClassifierTrainer.Outcome out,
      Dataset<Row> current, List<String> classNames) {
    LocalDate asOf = ctx.asOf();
    TableStore tables = ctx.tables();
    String path = modelPath(tables, t, asOf);
    // Independent outputs, written side by side.
    return Parallel.each(List.<Callable<Long>>of(
        () -> tables.replaceAsOf(t.predictions, asOf,
            Predictions.predict(out.best, current, classNames, asOf, out.bestModelId)),
        () -> tables.replaceAsOf(t.metrics, asOf, ctx.spark().createDataFrame(out.metrics,
            ModelTables.metricsSchema(classNames)).coalesce(1)),
        () -> tables.replaceAsOf(t.roc, asOf, ctx.spark().createDataFrame(out.rocPoints,
            ModelTables.ROC_SCHEMA).coalesce(1)),
        () -> {
          try {
            out.best.write().overwrite().save(path);
          } catch (IOException e) {
            throw new IllegalStateException("Cannot save the model to " + path + ": " + e.getMessage(), e);
          }
          return 0L;
        })).get(0);
  }
}
