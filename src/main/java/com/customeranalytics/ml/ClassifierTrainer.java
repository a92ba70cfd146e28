package com.customeranalytics.ml;

import static com.customeranalytics.table.Columns.SPLIT;
import static com.customeranalytics.table.ModelTables.DEFAULT;
import static com.customeranalytics.table.ModelTables.GBT;
import static com.customeranalytics.table.ModelTables.RANDOM_FOREST;
import static com.customeranalytics.table.ModelTables.TEST;
import static com.customeranalytics.table.ModelTables.TRAIN;
import static com.customeranalytics.table.ModelTables.TUNED;
import static com.customeranalytics.table.ModelTables.XGBOOST;
import static org.apache.spark.sql.functions.col;

import com.customeranalytics.concurrent.Parallel;
import com.customeranalytics.config.Settings.ModelSettings;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.Params;
import org.apache.spark.ml.attribute.NominalAttribute;
import org.apache.spark.ml.classification.GBTClassifier;
import org.apache.spark.ml.classification.OneVsRest;
import org.apache.spark.ml.classification.RandomForestClassifier;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.tuning.ParamGridBuilder;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains and compares the classifiers of a model stage (models.candidates): RandomForest, GBT
 * (one-vs-rest, as MLlib's GBT is binary) and XGBoost (native multiclass), each "default" (the
 * library's defaults) and "tuned" (CrossValidator over the configured grid). Every candidate gets a validation F1 from the training split only (see
 * {@link Candidate}); the best by that figure is kept, trained on the whole training split.
 * Test-split metrics ({@link Evaluation}) are computed for all, from data never trained on; a
 * default variant that is not kept is reported from its validation fit.
 */
public final class ClassifierTrainer {
  private static final Logger LOG = LoggerFactory.getLogger(ClassifierTrainer.class);

  /** Class index column (double, 0..n-1) the models learn; never written to a table. */
  public static final String LABEL = "label";
  static final String FEATURES = "features";
  static final String PREDICTION = "prediction";

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

    Outcome(List<Row> metrics, List<Row> rocPoints, Candidate best, double bestTestF1, String bestModelId) {
      this.metrics = metrics;
      this.rocPoints = rocPoints;
      this.best = best.model;
      this.bestModel = best.family;
      this.bestVariant = best.variant;
      this.bestValidationF1 = best.validationF1;
      this.bestTestF1 = bestTestF1;
      this.bestModelId = bestModelId;
    }
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
      Splits.Validation split = new Splits.Validation(train, trainSize, s.folds, s.seed + 1);
      List<String> families = XgboostSupport.families(s, modelIdPrefix);
      if (families.contains(XGBOOST)) {
        Xgboost.checkCanTrain(data.sparkSession().sparkContext());
      }
      List<Candidate> candidates = new ArrayList<>();
      // Candidates are independent: validated side by side (see Parallel).
      Parallel.all(s.parallelism, validations(families, featureCols, classNames.size(), s, split, candidates),
          modelIdPrefix + " training");
      Candidate best = null;
      for (Candidate c : candidates) { // in a fixed order, so ties pick the same model every run
        if (best == null || c.validationF1 > best.validationF1) {
          best = c;
        }
      }
      // Only the model that is kept needs the whole training split: the others are reported from
      // the fit that gave their validation F1 (train_size says how many rows it saw).
      best.fitOnAll(split);
      List<Callable<ModelMetrics>> evaluations = new ArrayList<>();
      for (Candidate c : candidates) {
        c.useHoldoutUnlessFitted(split);
        evaluations.add(() -> {
          ModelMetrics m = Evaluation.of(c.model, test, classNames, asOf, c.family, c.variant);
          LOG.info(String.format("%s %s/%s: validation F1 %.4f, test F1 %.4f, accuracy %.4f (%s), trained on %,d rows",
              modelIdPrefix, c.family, c.variant, c.validationF1, m.weightedF1, m.accuracy, c.params, c.trainedOn));
          return m;
        });
      }
      List<ModelMetrics> figures = Parallel.all(s.parallelism, evaluations, modelIdPrefix + " evaluation");
      String bestId = modelIdPrefix + "-" + best.family + "-" + best.variant + "-" + asOf;
      List<Row> metrics = new ArrayList<>();
      List<Row> roc = new ArrayList<>();
      double bestTestF1 = 0;
      for (int i = 0; i < candidates.size(); i++) {
        Candidate c = candidates.get(i);
        ModelMetrics m = figures.get(i);
        metrics.add(m.row(asOf, c.family, c.variant, c.trainedOn, testSize, c.validationF1, c.params, c == best,
            c == best ? bestId : null));
        roc.addAll(m.rocPoints);
        bestTestF1 = c == best ? m.weightedF1 : bestTestF1;
      }
      roc.sort(ROC_ORDER); // a fixed order, whatever order the candidates are listed in
      return new Outcome(metrics, roc, best, bestTestF1, bestId);
    } finally {
      train.unpersist();
      test.unpersist();
    }
  }

  /**
   * The candidates of models.candidates (added to {@code out} in a fixed order: the default
   * variants, then the tuned ones, each in the order of the setting) and the validation of each.
   */
  private static List<Callable<Void>> validations(List<String> families, List<String> featureCols, int classes,
      ModelSettings s, Splits.Validation split, List<Candidate> out) {
    VectorAssembler assembler = new VectorAssembler()
        .setInputCols(featureCols.toArray(new String[0])).setOutputCol(FEATURES);
    List<Candidate> defaults = new ArrayList<>();
    List<Candidate> tuned = new ArrayList<>();
    List<Callable<Void>> validations = new ArrayList<>();
    for (String family : families) {
      switch (family) {
        case RANDOM_FOREST: {
          RandomForestClassifier rf = new RandomForestClassifier().setSeed(s.seed)
              .setLabelCol(LABEL).setFeaturesCol(FEATURES);
          Candidate d = Candidate.single(RANDOM_FOREST, Candidate.Library.MLLIB, DEFAULT, assembler, rf);
          defaults.add(d);
          validations.add(() -> d.validate(split, s));
          if (s.tuning) { // MLlib's defaults (20 trees) are not in the grid: validated on their own
            Candidate t = Candidate.grid(RANDOM_FOREST, Candidate.Library.MLLIB, TUNED, new ParamGridBuilder()
                .addGrid(rf.numTrees(), ints(s.rfNumTrees)).addGrid(rf.maxDepth(), ints(s.rfMaxDepth)).build(),
                assembler, rf);
            tuned.add(t);
            validations.add(() -> t.validate(split, s));
          }
          break;
        }
        case GBT: {
          GBTClassifier gbt = new GBTClassifier().setSeed(s.seed).setLabelCol(LABEL).setFeaturesCol(FEATURES);
          // One-vs-rest fits its binary GBTs side by side: each is a chain of small jobs.
          OneVsRest ovr = new OneVsRest().setClassifier(gbt).setLabelCol(LABEL).setFeaturesCol(FEATURES)
              .setParallelism(classes);
          withDefaultFromGrid(GBT, Candidate.Library.MLLIB, new PipelineStage[] {assembler, ovr}, gbt, s.tuning ? new ParamGridBuilder()
              .addGrid(gbt.maxIter(), ints(s.gbtMaxIter)).addGrid(gbt.maxDepth(), ints(s.gbtMaxDepth)).build()
              : null, s, split, defaults, tuned, validations);
          break;
        }
        case XGBOOST: { // no XGBoost types here: a build without XGBoost never loads them
          Xgboost.Family x = Xgboost.family(s, classes, LABEL, FEATURES, assembler,
              split.all.sparkSession().sparkContext().isLocal());
          withDefaultFromGrid(XGBOOST, Xgboost.LIBRARY, x.stages, x.estimator, s.tuning ? x.grid : null, s, split, defaults, tuned,
              validations);
          break;
        }
        default:
          throw new IllegalArgumentException("Unknown candidate " + family); // Settings checks the names
      }
    }
    out.addAll(defaults);
    out.addAll(tuned);
    return validations;
  }

  /**
   * A family whose default point may lie in its tuning grid ({@code grid} null: tuning off): the
   * tuned variant is cross-validated first and the default's figures taken from it where they
   * can be (see {@link Candidate#validateFromGrid}).
   */
  private static void withDefaultFromGrid(String family, Candidate.Library library, PipelineStage[] stages, Params estimator, ParamMap[] grid, ModelSettings s, Splits.Validation split, List<Candidate> defaults,
      List<Candidate> tuned, List<Callable<Void>> validations) {
    Candidate d = Candidate.single(family, library, DEFAULT, stages);
    defaults.add(d);
    if (grid == null) {
      validations.add(() -> d.validate(split, s));
      return;
    }
    Candidate t = Candidate.grid(family, library, TUNED, grid, stages);
    tuned.add(t);
    validations.add(() -> {
      t.validate(split, s);
      return d.validateFromGrid(t, estimator, split, s);
    });
  }

  /** A list setting as the int[] a ParamGridBuilder takes. */
  static int[] ints(List<Integer> v) {
    return v.stream().mapToInt(Integer::intValue).toArray();
  }

  private static final Comparator<Row> ROC_ORDER = Comparator
      .comparing((Row r) -> r.getString(1)).thenComparing(r -> r.getString(2))
      .thenComparing(r -> r.getString(3)).thenComparingDouble(r -> r.getDouble(4))
      .thenComparingDouble(r -> r.getDouble(5));
}
