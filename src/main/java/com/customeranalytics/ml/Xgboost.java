package com.customeranalytics.ml;

import com.customeranalytics.config.Settings.ModelSettings;
import com.customeranalytics.job.InputException;
import java.util.Locale;
import ml.dmlc.xgboost4j.scala.spark.XGBoostClassificationModel;
import ml.dmlc.xgboost4j.scala.spark.XGBoostClassifier;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.Transformer;

/** The xgboost candidate: XGBoost4J-Spark's classifier, and the check for its native library. */
final class Xgboost {
  /**
   * A fit's workers join a collective (tracker + communicator) that XGBoost keeps per process:
   * two fits at once in one JVM break each other's group ("Failed to connect to the tracker"),
   * so a grid's points are cross-validated one after the other (other families' fits still run
   * beside them). A fit is a few Spark jobs, so this costs little.
   */
  static final Candidate.Library LIBRARY = new Candidate.Library("XGBoost", 1);

  private Xgboost() {}

  /**
   * XGBoost's defaults (100 rounds, depth 6, eta 0.3, hist), seeded. Three or more classes are
   * set explicitly (multi:softprob, num_class): a class count inferred at fit time is not saved
   * with the model, which then loads back as binary. Trains in barrier mode: all num-workers
   * tasks start together or the stage waits for free slots. Its fits must run one at a time (see
   * {@link #LIBRARY}).
   */
  static XGBoostClassifier classifier(ModelSettings s, int classes, String label, String features,
      boolean localMode) {
    XGBoostClassifier x = new XGBoostClassifier();
    if (localMode) { // the tracker's address: the loopback in local mode, not the host's first interface
      x.setRabitTrackerHostIp("127.0.0.1");
    }
    if (classes > 2) {
      x.setObjective("multi:softprob");
      x.setNumClass(classes);
    }
    x.setLabelCol(label);
    x.setFeaturesCol(features); // dense vectors (DenseFeatures): XGBoost mishandles sparse ones
    x.setSeed(s.seed);
    x.setNumWorkers(s.xgbNumWorkers);
    return x;
  }

  /**
   * Loads XGBoost's native library now, so a platform the jar has none for fails with its name
   * instead of an UnsatisfiedLinkError in the middle of a fit.
   */
  static void checkCanTrain(org.apache.spark.SparkContext sc) {
    if (sc.conf().getBoolean("spark.dynamicAllocation.enabled", false)) {
      throw new InputException("The xgboost candidate trains in barrier mode, which Spark refuses while"
          + " spark.dynamicAllocation.enabled = true: run the model stages (ltv, next_purchase) with"
          + " --conf spark.dynamicAllocation.enabled=false (the deploy files do), or leave xgboost out of"
          + " models.candidates (--set models.candidates=random_forest,gbt).");
    }
    try {
      Class.forName("ml.dmlc.xgboost4j.java.XGBoostJNI", true, Xgboost.class.getClassLoader());
    } catch (ClassNotFoundException | LinkageError e) {
      throw new InputException("The xgboost candidate needs XGBoost's native library, and none loads on "
          + System.getProperty("os.name") + " " + System.getProperty("os.arch").toLowerCase(Locale.ROOT)
          + " (the jar carries it for Linux x86_64 and aarch64, macOS x86_64 and aarch64, Windows x86_64;"
          + " Linux needs glibc 2.28 or later): " + e + ". Leave xgboost out of models.candidates"
          + " (--set models.candidates=random_forest,gbt).", e);
    }
  }

  /** The xgboost candidate's pipeline (features, dense vectors, classifier) and grid. */
  static final class Family {
    final org.apache.spark.ml.PipelineStage[] stages;
    final org.apache.spark.ml.param.Params estimator;
    final org.apache.spark.ml.param.ParamMap[] grid;

    private Family(org.apache.spark.ml.PipelineStage[] stages, org.apache.spark.ml.param.Params estimator,
        org.apache.spark.ml.param.ParamMap[] grid) {
      this.stages = stages;
      this.estimator = estimator;
      this.grid = grid;
    }
  }

  static Family family(ModelSettings s, int classes, String label, String features,
      org.apache.spark.ml.feature.VectorAssembler assembler, boolean localMode) {
    XGBoostClassifier xgb = classifier(s, classes, label, features, localMode);
    org.apache.spark.ml.param.ParamMap[] grid = new org.apache.spark.ml.tuning.ParamGridBuilder()
        .addGrid(xgb.numRound(), ClassifierTrainer.ints(s.xgbNumRound))
        .addGrid(xgb.maxDepth(), ClassifierTrainer.ints(s.xgbMaxDepth)).build();
    return new Family(new org.apache.spark.ml.PipelineStage[] {assembler, new DenseFeatures(), xgb}, xgb, grid);
  }

  /**
   * A loaded PipelineModel as it was trained. XGBoost4J-Spark 3.x saves a multiclass model's
   * class count as its num_class param but reads it back under another name, so a loaded model
   * predicts two classes: such a stage is rebuilt with num_class classes (same booster, params).
   */
  static PipelineModel withSavedClassCount(PipelineModel loaded) {
    Transformer[] stages = loaded.stages().clone();
    boolean fixed = false;
    for (int i = 0; i < stages.length; i++) {
      if (stages[i] instanceof XGBoostClassificationModel) {
        XGBoostClassificationModel x = (XGBoostClassificationModel) stages[i];
        if (x.getNumClass() > 2 && x.numClasses() != x.getNumClass()) {
          stages[i] = new XGBoostClassificationModel(x.uid(), x.getNumClass(), x.nativeBooster(),
              scala.Option.empty()).copy(x.extractParamMap());
          fixed = true;
        }
      }
    }
    return fixed ? new PipelineModel(loaded.uid(), stages) : loaded;
  }
}
