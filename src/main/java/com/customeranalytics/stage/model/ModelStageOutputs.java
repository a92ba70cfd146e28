package com.customeranalytics.stage.model;

import static com.customeranalytics.table.Columns.AS_OF_DATE;
import static com.customeranalytics.table.Columns.IS_BEST;
import static com.customeranalytics.table.Columns.MODEL_ID;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import com.customeranalytics.concurrent.Parallel;
import com.customeranalytics.config.Settings;
import com.customeranalytics.config.Settings.ModelSettings;
import com.customeranalytics.features.CustomerFeatures;
import com.customeranalytics.job.StageContext;
import com.customeranalytics.job.StageResult;
import com.customeranalytics.ml.ClassifierTrainer;
import com.customeranalytics.ml.Predictions;
import com.customeranalytics.ml.SavedModels;
import com.customeranalytics.table.ModelTables;
import com.customeranalytics.table.TableStore;
import java.io.IOException;
import java.sql.Date;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Function;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The common end of the two model stages (ltv, next_purchase): trains, then writes the training
 * set, metrics, ROC points, the best model (a PipelineModel under the warehouse, per as-of date)
 * and its predictions for current customers.
 */
public final class ModelStageOutputs {
  private static final Logger LOG = LoggerFactory.getLogger(ModelStageOutputs.class);

  private ModelStageOutputs() {}

  /**
   * Writes the training set ({@code rows}, all of it), trains on {@code trainable} (its
   * train/test split), and publishes what training gave.
   */
  public static StageResult trainAndPublish(StageContext ctx, ModelTables t, Dataset<Row> rows,
      Dataset<Row> trainable, List<String> featureCols, List<String> classNames, Dataset<Row> current,
      ScoringWindow window) {
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
    // The nights until the next training score this window with this model (once saved): the
    // first of them can copy these predictions. Not recorded where every night trains.
    if (ctx.settings().models().retrain != Settings.Retrain.ALWAYS) {
      ScoringReuse.inputs(tables, out.bestModelId, window)
          .ifPresent(i -> ScoringReuse.record(ctx.spark(), tables, t, asOf, out.bestModelId, i, scored));
    }
    return new StageResult(trainingRows, scored, String.format(
        "training set %,d, best %s/%s validation F1 %.3f test F1 %.3f, %,d customers scored",
        trainingRows, out.bestModel, out.bestVariant, out.bestValidationF1, out.bestTestF1, scored));
  }

  /**
   * What a scoring reads: the scoring window {@code from..to} of silver ({@code sales},
   * {@code returns}) and a digest of the settings its features depend on.
   */
  public static final class ScoringWindow {
    final LocalDate from;
    final LocalDate to;
    final Dataset<Row> sales;
    final Dataset<Row> returns;
    final String settingsDigest;

    public ScoringWindow(LocalDate from, LocalDate to, Dataset<Row> sales, Dataset<Row> returns, String settingsDigest) {
      this.from = from;
      this.to = to;
      this.sales = sales;
      this.returns = returns;
      this.settingsDigest = settingsDigest;
    }
  }

  /** Where a task's model for an as-of date lives. */
  public static String modelPath(TableStore tables, ModelTables t, LocalDate asOf) {
    return modelsRoot(tables, t) + "/" + AS_OF_DATE + "=" + asOf;
  }

  private static String modelsRoot(TableStore tables, ModelTables t) {
    return tables.root() + "/models/" + t.task;
  }

  /** A model saved by an earlier training, to score with instead of training. */
  public static final class SavedModel {
    public final PipelineModel model;
    /** The as-of date it was trained for. */
    public final LocalDate trainedAsOf;
    public final String path;
    /** Its id in the metrics and predictions tables. */
    public final String modelId;

    SavedModel(PipelineModel model, LocalDate trainedAsOf, String path, String modelId) {
      this.model = model;
      this.trainedAsOf = trainedAsOf;
      this.path = path;
      this.modelId = modelId;
    }
  }

  /**
   * The saved model this run scores with, by {@code models.retrain}: empty when it trains. The
   * model of the latest training on or before the as-of date (a later one would have seen the
   * future of a backfill); a missing or unreadable one means training, with a warning naming
   * the path.
   */
  public static Optional<SavedModel> savedModel(StageContext ctx, ModelTables t) {
    ModelSettings s = ctx.settings().models();
    if (s.retrain == Settings.Retrain.ALWAYS) {
      return Optional.empty();
    }
    LocalDate asOf = ctx.asOf();
    TableStore tables = ctx.tables();
    String root = modelsRoot(tables, t);
    Optional<LocalDate> latest = latestTraining(ctx, root, asOf);
    if (latest.isEmpty()) {
      LOG.warn("{}: no saved model on or before {} under {} (models.retrain = {}): training", t.task, asOf, root,
          s.retrainName());
      return Optional.empty();
    }
    long age = ChronoUnit.DAYS.between(latest.get(), asOf);
    if (s.retrains(latest.get(), asOf)) {
      LOG.info("{}: the saved model of {} is {} days older than {}, more than models.retrain-after-days = {}:"
          + " training", t.task, latest.get(), age, asOf, s.retrainAfterDays);
      return Optional.empty();
    }
    String path = modelPath(tables, t, latest.get());
    PipelineModel model;
    try {
      model = SavedModels.load(path);
    } catch (Exception e) { // Hadoop's IOExceptions too (a missing part): Scala declares none
      LOG.warn("{}: the saved model at {} cannot be read ({}): training instead", t.task, path, e.toString());
      return Optional.empty();
    }
    String id = bestModelId(tables, t, latest.get()).orElse(t.task + "-saved-" + latest.get());
    LOG.info("{}: scoring with the saved model {} ({}, trained as of {}, {} days before {}; models.retrain = {})",
        t.task, id, path, latest.get(), age, asOf, s.retrainName());
    return Optional.of(new SavedModel(model, latest.get(), path, id));
  }

  /** The latest as-of date on or before {@code asOf} with a saved model under {@code root}. */
  private static Optional<LocalDate> latestTraining(StageContext ctx, String root, LocalDate asOf) {
    Path dir = new Path(root);
    try {
      FileSystem fs = dir.getFileSystem(ctx.spark().sparkContext().hadoopConfiguration());
      if (!fs.exists(dir)) {
        return Optional.empty();
      }
      LocalDate best = null;
      String prefix = AS_OF_DATE + "=";
      for (FileStatus st : fs.listStatus(dir)) {
        String name = st.getPath().getName();
        if (!st.isDirectory() || !name.startsWith(prefix)) {
          continue;
        }
        try {
          LocalDate d = LocalDate.parse(name.substring(prefix.length()));
          if (!d.isAfter(asOf) && (best == null || d.isAfter(best))) {
            best = d;
          }
        } catch (java.time.format.DateTimeParseException e) {
          // not one of ours
        }
      }
      return Optional.ofNullable(best);
    } catch (IOException e) {
      throw new IllegalStateException("Cannot list the saved models under " + root + ": " + e.getMessage(), e);
    }
  }

  /** The best model's id in the metrics of the training as of {@code trainedAsOf}. */
  private static Optional<String> bestModelId(TableStore tables, ModelTables t, LocalDate trainedAsOf) {
    if (!tables.exists(t.metrics)) {
      return Optional.empty();
    }
    List<Row> best = tables.readAsOf(t.metrics, trainedAsOf).filter(col(IS_BEST)).select(MODEL_ID).collectAsList();
    return best.isEmpty() ? Optional.empty() : Optional.ofNullable(best.get(0).getString(0));
  }

  /**
   * Scores the customers of the scoring window with a saved model and replaces the as-of date's
   * predictions: the night's cost without training. When an earlier scoring (or the training
   * that saved the model) read the same (model, window, silver files, the settings the window's
   * digest covers) and its predictions still stand, they are copied instead (see
   * {@link ScoringReuse}). {@code current} computes the rows to score from the window's features.
   * Returns what the stage reports.
   */
  public static StageResult score(StageContext ctx, ModelTables t, SavedModel saved, ScoringWindow window,
      List<String> classNames, Function<CustomerFeatures, Dataset<Row>> current) {
    LocalDate asOf = ctx.asOf();
    TableStore tables = ctx.tables();
    LocalDate from = window.from;
    LocalDate to = window.to;
    Optional<String> inputs = ScoringReuse.inputs(tables, saved.modelId, window);
    Optional<LocalDate> before = inputs.flatMap(i -> ScoringReuse.reusable(tables, t, saved.modelId, i));
    if (before.isPresent()) {
      long copied = ScoringReuse.copy(tables, t, before.get(), asOf);
      ScoringReuse.record(ctx.spark(), tables, t, asOf, saved.modelId, inputs.get(), copied);
      return new StageResult(copied, copied, String.format("not trained: the scoring of %s reused, %,d customers"
          + " (the saved model %s, trained as of %s; the scoring window %s..%s and its silver files unchanged)",
          before.get(), copied, saved.modelId, saved.trainedAsOf, from, to));
    }
    long scored;
    try (CustomerFeatures features = CustomerFeatures.of(window.sales, window.returns, from, to,
        ctx.settings().segment())) {
      scored = tables.replaceAsOf(t.predictions, asOf,
          Predictions.predict(saved.model, current.apply(features), classNames, asOf, saved.modelId));
    }
    if (inputs.isPresent()) {
      ScoringReuse.record(ctx.spark(), tables, t, asOf, saved.modelId, inputs.get(), scored);
    }
    return new StageResult(scored, scored, String.format("not trained: scored %,d customers with the saved model"
        + " %s (trained as of %s)", scored, saved.modelId, saved.trainedAsOf));
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
