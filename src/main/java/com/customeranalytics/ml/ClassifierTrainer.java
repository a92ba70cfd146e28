package com.customeranalytics.ml;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;

import com.customeranalytics.config.Settings.ModelSettings;
import com.customeranalytics.job.Parallel;
import com.customeranalytics.table.Columns;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.attribute.NominalAttribute;
import org.apache.spark.ml.classification.GBTClassifier;
import org.apache.spark.ml.classification.OneVsRest;
import org.apache.spark.ml.classification.RandomForestClassifier;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.functions;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.tuning.CrossValidator;
import org.apache.spark.ml.tuning.CrossValidatorModel;
import org.apache.spark.ml.tuning.ParamGridBuilder;
import org.apache.spark.mllib.evaluation.BinaryClassificationMetrics;
import org.apache.spark.mllib.evaluation.MulticlassMetrics;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Tuple2;

/**
 * Trains and compares the classifiers of a model stage: RandomForest and GBT (one-vs-rest, as
 * MLlib's GBT is binary), each "default" (MLlib defaults) and "tuned" (CrossValidator over the
 * configured grid). Every candidate gets a validation F1 from the training split only (k-fold CV
 * for a grid, one held-out fold for a single parameter set); the best by that figure is kept,
 * trained on the whole training split. Test-split metrics are computed for all, from data never
 * trained on; a default variant that is not kept is reported from its validation fit.
 */
public final class ClassifierTrainer {
  private static final Logger LOG = LoggerFactory.getLogger(ClassifierTrainer.class);

  /** Class index column (double, 0..n-1) the models learn. */
  public static final String LABEL = "label";
  /** "train" or "test": the stratified split. */
  public static final String SPLIT = "split";
  public static final String TRAIN = "train";
  public static final String TEST = "test";
  static final String FEATURES = "features";
  static final String PREDICTION = "prediction";

  public static final String RANDOM_FOREST = "random_forest";
  public static final String GBT = "gbt";
  public static final String DEFAULT = "default";
  public static final String TUNED = "tuned";

  private ClassifierTrainer() {}

  /** What training produced: one metrics row per candidate, ROC points, the best model. */
  public static final class Outcome {
    public final List<Row> metrics;
    public final List<Row> rocPoints;
    public final PipelineModel best;
    public final String bestModel;
    public final String bestVariant;
    public final double bestValidationF1;
    public final double bestTestF1;
    public final String bestModelId;

    Outcome(List<Row> metrics, List<Row> rocPoints, PipelineModel best, String bestModel,
        String bestVariant, double bestValidationF1, double bestTestF1, String bestModelId) {
      this.metrics = metrics;
      this.rocPoints = rocPoints;
      this.best = best;
      this.bestModel = bestModel;
      this.bestVariant = bestVariant;
      this.bestValidationF1 = bestValidationF1;
      this.bestTestF1 = bestTestF1;
      this.bestModelId = bestModelId;
    }
  }

  /**
   * Adds {@code split}: per class, the {@code testFraction} of rows with the lowest hash of
   * (customer id, seed) are "test". Exact per-class shares and independent of partitioning.
   */
  public static Dataset<Row> stratifiedSplit(Dataset<Row> data, double testFraction, long seed) {
    Column h = xxhash64(col(Columns.CUSTOMER_ID), lit(seed));
    Column rank = row_number().over(Window.partitionBy(col(LABEL)).orderBy(h, col(Columns.CUSTOMER_ID)));
    Column size = count(lit(1)).over(Window.partitionBy(col(LABEL)));
    return data.withColumn(SPLIT, when(rank.leq(size.multiply(testFraction)), lit(TEST)).otherwise(lit(TRAIN)));
  }

  /** Schema of the metrics rows for {@code classNames}. */
  public static StructType metricsSchema(List<String> classNames) {
    StructType s = new StructType()
        .add(Columns.AS_OF_DATE, DataTypes.DateType, false)
        .add("model", DataTypes.StringType, false)
        .add("variant", DataTypes.StringType, false)
        .add("train_size", DataTypes.LongType, false)
        .add("test_size", DataTypes.LongType, false)
        .add("validation_f1", DataTypes.DoubleType, false)
        .add("accuracy", DataTypes.DoubleType, false)
        .add("weighted_f1", DataTypes.DoubleType, false)
        .add("weighted_precision", DataTypes.DoubleType, false)
        .add("weighted_recall", DataTypes.DoubleType, false);
    for (String c : classNames) {
      String k = key(c);
      s = s.add("precision_" + k, DataTypes.DoubleType, false)
          .add("recall_" + k, DataTypes.DoubleType, false)
          .add("f1_" + k, DataTypes.DoubleType, false)
          .add("roc_auc_" + k, DataTypes.DoubleType, true);
    }
    return s.add("confusion_matrix", DataTypes.StringType, false)
        .add("params", DataTypes.StringType, false)
        .add("is_best", DataTypes.BooleanType, false)
        .add("model_id", DataTypes.StringType, true);
  }

  public static final StructType ROC_SCHEMA = new StructType()
      .add(Columns.AS_OF_DATE, DataTypes.DateType, false)
      .add("model", DataTypes.StringType, false)
      .add("variant", DataTypes.StringType, false)
      .add("class", DataTypes.StringType, false)
      .add("fpr", DataTypes.DoubleType, false)
      .add("tpr", DataTypes.DoubleType, false);

  /** Class name as a column-name part: "21-50" -> "21_50", "High" -> "high". */
  public static String key(String className) {
    return className.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "_").replaceAll("^_|_$", "");
  }

  /**
   * Trains every candidate on the rows whose split is train, evaluates on test.
   * {@code data} holds {@code featureCols} (numeric, no nulls), {@code label} and {@code split}.
   */
  public static Outcome train(Dataset<Row> data, List<String> featureCols, List<String> classNames,
      ModelSettings s, LocalDate asOf, String modelIdPrefix) {
    // Customer-level data is small: few partitions keep the hundreds of tree-building jobs cheap.
    // The class count in the label's metadata spares each fit a job to find it out.
    data = data.withColumn(LABEL, col(LABEL), NominalAttribute.defaultAttr().withName(LABEL)
        .withNumValues(classNames.size()).toMetadata());
    long rows = data.count();
    int partitions = (int) Math.max(1, Math.min(200, rows / 100_000));
    Dataset<Row> train = data.filter(col(SPLIT).equalTo(TRAIN)).repartition(partitions)
        .persist(StorageLevel.MEMORY_AND_DISK());
    Dataset<Row> test = data.filter(col(SPLIT).equalTo(TEST)).repartition(partitions)
        .persist(StorageLevel.MEMORY_AND_DISK());
    try {
      long trainSize = train.count();
      long testSize = test.count();
      Column fold = pmod(xxhash64(col(Columns.CUSTOMER_ID), lit(s.seed + 1)), lit(Math.max(2, s.folds)));
      Split split = new Split(train, train.filter(fold.notEqual(0)), train.filter(fold.equalTo(0)), trainSize);
      VectorAssembler assembler = new VectorAssembler()
          .setInputCols(featureCols.toArray(new String[0])).setOutputCol(FEATURES);
      RandomForestClassifier rf = new RandomForestClassifier().setSeed(s.seed)
          .setLabelCol(LABEL).setFeaturesCol(FEATURES);
      GBTClassifier gbt = new GBTClassifier().setSeed(s.seed).setLabelCol(LABEL).setFeaturesCol(FEATURES);
      // One-vs-rest fits its binary GBTs side by side: each is a chain of small jobs.
      OneVsRest ovr = new OneVsRest().setClassifier(gbt).setLabelCol(LABEL).setFeaturesCol(FEATURES)
          .setParallelism(classNames.size());

      Candidate rfDefault = new Candidate(RANDOM_FOREST, DEFAULT, pipeline(assembler, rf), new ParamMap[] {new ParamMap()});
      Candidate gbtDefault = new Candidate(GBT, DEFAULT, pipeline(assembler, ovr), new ParamMap[] {new ParamMap()});
      List<Candidate> candidates = new ArrayList<>(List.of(rfDefault, gbtDefault));
      List<Callable<Void>> validations = new ArrayList<>();
      validations.add(() -> validate(rfDefault, split, s));
      if (s.tuning) {
        Candidate rfTuned = new Candidate(RANDOM_FOREST, TUNED, pipeline(assembler, rf), new ParamGridBuilder()
            .addGrid(rf.numTrees(), ints(s.rfNumTrees)).addGrid(rf.maxDepth(), ints(s.rfMaxDepth)).build());
        Candidate gbtTuned = new Candidate(GBT, TUNED, pipeline(assembler, ovr), new ParamGridBuilder()
            .addGrid(gbt.maxIter(), ints(s.gbtMaxIter)).addGrid(gbt.maxDepth(), ints(s.gbtMaxDepth)).build());
        candidates.add(rfTuned);
        candidates.add(gbtTuned);
        validations.add(() -> validate(rfTuned, split, s));
        // Where MLlib's defaults are a point of the tuned grid, its cross-validation already holds
        // the default variant's validation F1 (the mean over the folds) and, when that point won
        // the grid, its model refitted on the whole training split.
        validations.add(() -> {
          validate(gbtTuned, split, s);
          int at = defaultsIndex(gbtTuned.grid, gbt);
          if (at < 0) {
            return validate(gbtDefault, split, s);
          }
          if (gbtTuned.cv == null) { // a one-point grid of the defaults: the same fit
            gbtDefault.validationF1 = gbtTuned.validationF1;
            gbtDefault.holdout = gbtTuned.holdout;
            return null;
          }
          gbtDefault.validationF1 = gbtTuned.cv.avgMetrics()[at];
          gbtDefault.params = "MLlib defaults";
          if (bestIndex(gbtTuned.cv) == at) {
            gbtDefault.model = gbtTuned.model;
            gbtDefault.trainedOn = trainSize;
          } else { // it lost to a tuned point, so it cannot be the best: its figures from a fold fit
            gbtDefault.holdout = (PipelineModel) gbtDefault.pipeline.fit(split.fit, gbtDefault.grid[0]);
          }
          return null;
        });
      } else {
        validations.add(() -> validate(gbtDefault, split, s));
      }
      // Candidates are independent: validated side by side (see Parallel).
      Parallel.all(s.parallelism, validations, modelIdPrefix + " training");
      Candidate best = null;
      for (Candidate c : candidates) { // in a fixed order, so ties pick the same model every run
        if (best == null || c.validationF1 > best.validationF1) {
          best = c;
        }
      }
      // Only the model that is kept needs the whole training split: the others are reported from
      // the fit that gave their validation F1 (train_size says how many rows it saw).
      if (best.model == null) {
        best.model = (PipelineModel) best.pipeline.fit(train, best.grid[0]);
        best.trainedOn = trainSize;
      }
      List<Row> roc = Collections.synchronizedList(new ArrayList<>());
      List<Callable<Void>> evaluations = new ArrayList<>();
      for (Candidate c : candidates) {
        if (c.model == null) {
          c.model = c.holdout;
          c.trainedOn = split.fitRows();
        }
        evaluations.add(() -> {
          c.evaluate(test, classNames, asOf, roc);
          LOG.info(String.format("%s %s/%s: validation F1 %.4f, test F1 %.4f, accuracy %.4f (%s), trained on %,d rows",
              modelIdPrefix, c.model_, c.variant, c.validationF1, c.testF1, c.accuracy, c.params, c.trainedOn));
          return null;
        });
      }
      Parallel.all(s.parallelism, evaluations, modelIdPrefix + " evaluation");
      // Concurrent evaluations append ROC points in any order; the table's order must not depend on it.
      roc.sort(ROC_ORDER);
      String bestId = modelIdPrefix + "-" + best.model_ + "-" + best.variant + "-" + asOf;
      List<Row> metrics = new ArrayList<>();
      for (Candidate c : candidates) {
        metrics.add(c.metricsRow(asOf, c.trainedOn, testSize, classNames, c == best, c == best ? bestId : null));
      }
      return new Outcome(metrics, roc, best.model, best.model_, best.variant, best.validationF1, best.testF1,
          bestId);
    } finally {
      train.unpersist();
      test.unpersist();
    }
  }

  /** The training split and the seeded fold a single parameter set is validated on. */
  private static final class Split {
    final Dataset<Row> all;
    final Dataset<Row> fit;
    final Dataset<Row> validation;
    private final long allRows;
    private long fitRows = -1;

    Split(Dataset<Row> all, Dataset<Row> fit, Dataset<Row> validation, long allRows) {
      this.all = all;
      this.fit = fit;
      this.validation = validation;
      this.allRows = allRows;
    }

    synchronized long fitRows() {
      if (fitRows < 0) {
        fitRows = allRows - validation.count();
      }
      return fitRows;
    }
  }

  private static final Comparator<Row> ROC_ORDER = Comparator
      .comparing((Row r) -> r.getString(1)).thenComparing(r -> r.getString(2))
      .thenComparing(r -> r.getString(3)).thenComparingDouble(r -> r.getDouble(4))
      .thenComparingDouble(r -> r.getDouble(5));

  /**
   * A candidate's validation F1 from the training split only. A grid of several parameter sets
   * is chosen by k-fold CrossValidator, which refits the winner on the whole split. A single
   * parameter set (the default variants) has nothing to choose: it is fitted once without one
   * seeded fold (1/folds of the split) and scored on that fold; it is refitted on the whole
   * split only if it becomes the stage's best model.
   */
  private static Void validate(Candidate c, Split split, ModelSettings s) {
    MulticlassClassificationEvaluator f1 = new MulticlassClassificationEvaluator().setLabelCol(LABEL)
        .setMetricName("f1");
    if (c.grid.length == 1) {
      c.holdout = (PipelineModel) c.pipeline.fit(split.fit, c.grid[0]);
      c.validationF1 = f1.evaluate(c.holdout.transform(split.validation));
      c.params = c.grid[0].size() == 0 ? "MLlib defaults" : describe(c.grid[0]);
    } else {
      c.cv = new CrossValidator()
          .setEstimator(c.pipeline)
          .setEstimatorParamMaps(c.grid)
          .setEvaluator(f1)
          .setNumFolds(s.folds)
          .setSeed(s.seed)
          .setParallelism(c.grid.length) // the grid's points of one fold side by side
          .fit(split.all);
      c.model = (PipelineModel) c.cv.bestModel();
      c.trainedOn = split.allRows;
      c.validationF1 = c.cv.avgMetrics()[bestIndex(c.cv)];
      c.params = describe(c.grid[bestIndex(c.cv)]);
    }
    return null;
  }

  /** Index of the grid point whose values are all {@code estimator}'s defaults; -1 if none. */
  static int defaultsIndex(ParamMap[] grid, org.apache.spark.ml.param.Params estimator) {
    for (int i = 0; i < grid.length; i++) {
      boolean defaults = true;
      for (org.apache.spark.ml.param.ParamPair<?> p : grid[i].toList()) {
        scala.Option<?> d = estimator.getDefault(p.param());
        defaults &= !estimator.isSet(p.param()) && d.isDefined() && d.get().equals(p.value());
      }
      if (defaults) {
        return i;
      }
    }
    return -1;
  }

  private static Pipeline pipeline(VectorAssembler assembler, PipelineStage classifier) {
    return new Pipeline().setStages(new PipelineStage[] {assembler, classifier});
  }

  private static int[] ints(List<Integer> v) {
    return v.stream().mapToInt(Integer::intValue).toArray();
  }

  private static int bestIndex(CrossValidatorModel cv) {
    int bestIndex = 0;
    double[] m = cv.avgMetrics();
    for (int i = 1; i < m.length; i++) {
      if (m[i] > m[bestIndex]) {
        bestIndex = i;
      }
    }
    return bestIndex;
  }

  private static String describe(ParamMap params) {
    List<String> parts = new ArrayList<>();
    for (org.apache.spark.ml.param.ParamPair<?> p : params.toList()) {
      parts.add(p.param().name() + "=" + p.value());
    }
    parts.sort(String::compareTo);
    return String.join(", ", parts);
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

  /** One candidate: estimator, grid, and once fitted its model and figures. */
  private static final class Candidate {
    final String model_;
    final String variant;
    final Pipeline pipeline;
    final ParamMap[] grid;
    /** The model reported and, for the best, kept. */
    PipelineModel model;
    /** A single parameter set's fit without the validation fold. */
    PipelineModel holdout;
    /** The cross-validation of a grid (tuned variants). */
    CrossValidatorModel cv;
    /** Rows the reported model was trained on. */
    long trainedOn;
    double validationF1;
    String params;
    double accuracy;
    double testF1;
    double weightedPrecision;
    double weightedRecall;
    double[] precision;
    double[] recall;
    double[] f1;
    Double[] auc;
    String confusion;

    Candidate(String model, String variant, Pipeline pipeline, ParamMap[] grid) {
      this.model_ = model;
      this.variant = variant;
      this.pipeline = pipeline;
      this.grid = grid;
    }

    void evaluate(Dataset<Row> test, List<String> classNames, LocalDate asOf, List<Row> roc) {
      Dataset<Row> pred = withScores(model.transform(test), "_scores")
          .select(col(PREDICTION), col(LABEL), col("_scores")).persist(StorageLevel.MEMORY_AND_DISK());
      try {
        JavaRDD<Tuple2<Object, Object>> pl = pred.select(PREDICTION, LABEL).javaRDD()
            .map(r -> new Tuple2<>(r.getDouble(0), r.getDouble(1)));
        MulticlassMetrics m = new MulticlassMetrics(pl.rdd());
        int n = classNames.size();
        accuracy = m.accuracy();
        testF1 = m.weightedFMeasure();
        weightedPrecision = m.weightedPrecision();
        weightedRecall = m.weightedRecall();
        precision = new double[n];
        recall = new double[n];
        f1 = new double[n];
        auc = new Double[n];
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
          final int cls = i;
          JavaRDD<Tuple2<Object, Object>> sl = pred.select(col("_scores").getItem(cls),
              when(col(LABEL).equalTo((double) cls), 1.0).otherwise(0.0)).javaRDD()
              .map(r -> new Tuple2<>(r.getDouble(0), r.getDouble(1)));
          if (positives[i] == 0 || positives[i] == total) { // test counts per class, from the matrix
            continue; // AUC undefined when the test split has only one side
          }
          BinaryClassificationMetrics b = new BinaryClassificationMetrics(sl.rdd(), 50);
          auc[i] = b.areaUnderROC();
          for (Tuple2<Object, Object> p : b.roc().toJavaRDD().collect()) {
            roc.add(RowFactory.create(Date.valueOf(asOf), model_, variant, classNames.get(i),
                (Double) p._1(), (Double) p._2()));
          }
        }
        confusion = cm.append(']').toString();
      } finally {
        pred.unpersist();
      }
    }

    Row metricsRow(LocalDate asOf, long trainSize, long testSize, List<String> classNames,
        boolean isBest, String modelId) {
      List<Object> v = new ArrayList<>(Arrays.asList(Date.valueOf(asOf), model_, variant, trainSize,
          testSize, validationF1, accuracy, testF1, weightedPrecision, weightedRecall));
      for (int i = 0; i < classNames.size(); i++) {
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
}
