package com.customeranalytics.ml;

import com.customeranalytics.config.Settings.ModelSettings;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamPair;
import org.apache.spark.ml.param.Params;
import org.apache.spark.ml.tuning.CrossValidator;
import org.apache.spark.ml.tuning.CrossValidatorModel;

/**
 * One candidate of the comparison while it is fitted: its estimator and grid, then the model it
 * is reported with and the validation F1 it was chosen on. Filled by one validation task, read
 * once all of them are done.
 */
final class Candidate {

  /** Where a family's estimator comes from: its name in the params figure, and its fits' limits. */
  static final class Library {
    static final Library MLLIB = new Library("MLlib", Integer.MAX_VALUE);

    final String name;
    /** How many of its fits may run at once in one JVM (a grid's points within a fold). */
    final int fitsAtOnce;

    Library(String name, int fitsAtOnce) {
      this.name = name;
      this.fitsAtOnce = fitsAtOnce;
    }
  }

  /** random_forest, gbt or xgboost. */
  final String family;
  private final Library library;
  /** default or tuned. */
  final String variant;
  private final Pipeline pipeline;
  private final ParamMap[] grid;
  /** The model reported and, for the best, kept; null until fitted on a whole split. */
  PipelineModel model;
  /** A single parameter set's fit without the validation fold. */
  private PipelineModel holdout;
  /** The cross-validation of a grid (tuned variants). */
  private CrossValidatorModel cv;
  /** Rows the reported model was trained on. */
  long trainedOn;
  double validationF1;
  String params;

  private Candidate(String family, Library library, String variant, Pipeline pipeline, ParamMap[] grid) {
    this.family = family;
    this.library = library;
    this.variant = variant;
    this.pipeline = pipeline;
    this.grid = grid;
  }

  /** The params figure of a default variant: whose defaults they are. */
  private String defaults() {
    return library.name + " defaults";
  }

  /** The library's defaults: one parameter set, nothing to tune. {@code stages}: the features, then the classifier. */
  static Candidate single(String family, Library library, String variant, PipelineStage... stages) {
    return new Candidate(family, library, variant, new Pipeline().setStages(stages), new ParamMap[] {new ParamMap()});
  }

  /** A grid chosen by cross-validation. */
  static Candidate grid(String family, Library library, String variant, ParamMap[] grid, PipelineStage... stages) {
    return new Candidate(family, library, variant, new Pipeline().setStages(stages), grid);
  }

  /**
   * The validation F1 from the training split only. A grid of several parameter sets is chosen
   * by k-fold CrossValidator, which refits the winner on the whole split. A single parameter set
   * has nothing to choose: it is fitted once without one seeded fold (1/folds of the split) and
   * scored on that fold; it is refitted on the whole split only if it becomes the best model.
   */
  Void validate(Splits.Validation split, ModelSettings s) {
    MulticlassClassificationEvaluator f1 = new MulticlassClassificationEvaluator()
        .setLabelCol(ClassifierTrainer.LABEL).setMetricName("f1");
    if (grid.length == 1) {
      holdout = (PipelineModel) pipeline.fit(split.fit, grid[0]);
      validationF1 = f1.evaluate(holdout.transform(split.held));
      params = grid[0].size() == 0 ? defaults() : describe(grid[0]);
    } else {
      cv = new CrossValidator()
          .setEstimator(pipeline)
          .setEstimatorParamMaps(grid)
          .setEvaluator(f1)
          .setNumFolds(s.folds)
          .setSeed(s.seed)
          // the grid's points of one fold side by side, as many as the library allows
          .setParallelism(Math.min(grid.length, library.fitsAtOnce))
          .fit(split.all);
      model = (PipelineModel) cv.bestModel();
      trainedOn = split.allRows;
      validationF1 = cv.avgMetrics()[bestIndex(cv)];
      params = describe(grid[bestIndex(cv)]);
    }
    return null;
  }

  /**
   * This default variant's validation, taken from {@code tuned}'s (validated first) where
   * MLlib's defaults of {@code estimator} are a point of its grid: the cross-validation already
   * holds their validation F1 (the mean over the folds) and, when that point won the grid, its
   * model refitted on the whole training split. Else validated on its own.
   */
  Void validateFromGrid(Candidate tuned, Params estimator, Splits.Validation split, ModelSettings s) {
    int at = defaultsIndex(tuned.grid, estimator);
    if (at < 0) {
      return validate(split, s);
    }
    if (tuned.cv == null) { // a one-point grid of the defaults: the same fit
      validationF1 = tuned.validationF1;
      holdout = tuned.holdout;
      params = defaults();
      return null;
    }
    validationF1 = tuned.cv.avgMetrics()[at];
    params = defaults();
    if (bestIndex(tuned.cv) == at) {
      model = tuned.model;
      trainedOn = split.allRows;
    } else { // it lost to a tuned point, so it cannot be the best: its figures from a fold fit
      holdout = (PipelineModel) pipeline.fit(split.fit, grid[0]);
    }
    return null;
  }

  /** The kept model: fitted on the whole training split unless validation already did. */
  void fitOnAll(Splits.Validation split) {
    if (model == null) {
      model = (PipelineModel) pipeline.fit(split.all, grid[0]);
      trainedOn = split.allRows;
    }
  }

  /** A model that is not kept is reported from its validation fit. */
  void useHoldoutUnlessFitted(Splits.Validation split) {
    if (model == null) {
      model = holdout;
      trainedOn = split.fitRows();
    }
  }

  /** Index of the grid point whose values are all {@code estimator}'s defaults; -1 if none. */
  static int defaultsIndex(ParamMap[] grid, Params estimator) {
    for (int i = 0; i < grid.length; i++) {
      boolean defaults = true;
      for (ParamPair<?> p : grid[i].toList()) {
        scala.Option<?> d = estimator.getDefault(p.param());
        defaults &= !estimator.isSet(p.param()) && d.isDefined() && d.get().equals(p.value());
      }
      if (defaults) {
        return i;
      }
    }
    return -1;
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
    for (ParamPair<?> p : params.toList()) {
      parts.add(p.param().name() + "=" + p.value());
    }
    parts.sort(String::compareTo);
    return String.join(", ", parts);
  }
}
