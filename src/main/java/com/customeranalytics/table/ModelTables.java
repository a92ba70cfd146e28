package com.customeranalytics.table;

import static com.customeranalytics.table.Columns.ACCURACY;
import static com.customeranalytics.table.Columns.AS_OF_DATE;
import static com.customeranalytics.table.Columns.CENTER;
import static com.customeranalytics.table.Columns.CLASS;
import static com.customeranalytics.table.Columns.CLASS_INDEX;
import static com.customeranalytics.table.Columns.CONFUSION_MATRIX;
import static com.customeranalytics.table.Columns.F1_PREFIX;
import static com.customeranalytics.table.Columns.FPR;
import static com.customeranalytics.table.Columns.IS_BEST;
import static com.customeranalytics.table.Columns.LOWER;
import static com.customeranalytics.table.Columns.MODEL;
import static com.customeranalytics.table.Columns.MODEL_ID;
import static com.customeranalytics.table.Columns.OUTLIER_THRESHOLD;
import static com.customeranalytics.table.Columns.PARAMS;
import static com.customeranalytics.table.Columns.PRECISION_PREFIX;
import static com.customeranalytics.table.Columns.PROB_PREFIX;
import static com.customeranalytics.table.Columns.RECALL_PREFIX;
import static com.customeranalytics.table.Columns.ROC_AUC_PREFIX;
import static com.customeranalytics.table.Columns.TEST_SIZE;
import static com.customeranalytics.table.Columns.TPR;
import static com.customeranalytics.table.Columns.TRAIN_SIZE;
import static com.customeranalytics.table.Columns.UPPER;
import static com.customeranalytics.table.Columns.VALIDATION_F1;
import static com.customeranalytics.table.Columns.VARIANT;
import static com.customeranalytics.table.Columns.WEIGHTED_F1;
import static com.customeranalytics.table.Columns.WEIGHTED_PRECISION;
import static com.customeranalytics.table.Columns.WEIGHTED_RECALL;

import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The model tables' contract: per model task (ltv, next_purchase) its training set, metrics, ROC
 * points and predictions, their schemas and values, and ltv_class_boundaries. Per-class columns
 * are named from the class names through {@link #key}.
 */
public final class ModelTables {
  /** The task's name in the report and summary.json (the stage's name). */
  public final String task;
  public final String trainingSet;
  public final String metrics;
  public final String roc;
  public final String predictions;

  private ModelTables(String task, String trainingSet, String metrics, String roc, String predictions) {
    this.task = task;
    this.trainingSet = trainingSet;
    this.metrics = metrics;
    this.roc = roc;
    this.predictions = predictions;
  }

  public static final ModelTables LTV = new ModelTables("ltv", Tables.LTV_TRAINING_SET,
      Tables.LTV_MODEL_METRICS, Tables.LTV_ROC_POINTS, Tables.LTV_PREDICTIONS);
  public static final ModelTables NEXT_PURCHASE = new ModelTables("next_purchase",
      Tables.NEXT_PURCHASE_TRAINING_SET, Tables.NEXT_PURCHASE_METRICS, Tables.NEXT_PURCHASE_ROC_POINTS,
      Tables.NEXT_PURCHASE_PREDICTIONS);
  /** Both tasks, in the report's order. */
  public static final List<ModelTables> TASKS = List.of(LTV, NEXT_PURCHASE);

  // Values of split on the training sets.
  public static final String TRAIN = "train";
  public static final String TEST = "test";
  /** An LTV outlier: in the training set, left out of training and testing. */
  public static final String EXCLUDED = "excluded";

  // Values of model and variant on the metrics and ROC tables.
  public static final String RANDOM_FOREST = "random_forest";
  public static final String GBT = "gbt";
  public static final String XGBOOST = "xgboost";
  /** MLlib's default parameters. */
  public static final String DEFAULT = "default";
  /** Chosen by cross-validation over the configured grid. */
  public static final String TUNED = "tuned";

  /** Class name as a column-name part: "21-50" -> "21_50", "High" -> "high". */
  public static String key(String className) {
    return className.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "_").replaceAll("^_|_$", "");
  }

  /** A prediction's probability column for a class: prob_<key>. */
  public static String probability(String className) {
    return PROB_PREFIX + key(className);
  }

  /** Metrics rows for {@code classNames}: overall figures, then four per class, then the model's. */
  public static StructType metricsSchema(List<String> classNames) {
    StructType s = new StructType()
        .add(AS_OF_DATE, DataTypes.DateType, false)
        .add(MODEL, DataTypes.StringType, false)
        .add(VARIANT, DataTypes.StringType, false)
        .add(TRAIN_SIZE, DataTypes.LongType, false)
        .add(TEST_SIZE, DataTypes.LongType, false)
        .add(VALIDATION_F1, DataTypes.DoubleType, false)
        .add(ACCURACY, DataTypes.DoubleType, false)
        .add(WEIGHTED_F1, DataTypes.DoubleType, false)
        .add(WEIGHTED_PRECISION, DataTypes.DoubleType, false)
        .add(WEIGHTED_RECALL, DataTypes.DoubleType, false);
    for (String c : classNames) {
      String k = key(c);
      s = s.add(PRECISION_PREFIX + k, DataTypes.DoubleType, false)
          .add(RECALL_PREFIX + k, DataTypes.DoubleType, false)
          .add(F1_PREFIX + k, DataTypes.DoubleType, false)
          .add(ROC_AUC_PREFIX + k, DataTypes.DoubleType, true); // null: the test split has one side only
    }
    return s.add(CONFUSION_MATRIX, DataTypes.StringType, false)
        .add(PARAMS, DataTypes.StringType, false)
        .add(IS_BEST, DataTypes.BooleanType, false)
        .add(MODEL_ID, DataTypes.StringType, true);
  }

  /** One-vs-rest ROC points per model, variant and class. */
  /** model_state_scoring's rows (see {@link Tables#MODEL_STATE_SCORING}). */
  public static final StructType SCORING_STATE_SCHEMA = new StructType()
      .add(Columns.TASK, DataTypes.StringType, false)
      .add(AS_OF_DATE, DataTypes.DateType, false)
      .add(MODEL_ID, DataTypes.StringType, false)
      .add(Columns.SCORING_INPUTS, DataTypes.StringType, false)
      .add(Columns.CUSTOMERS, DataTypes.LongType, false);

  public static final StructType ROC_SCHEMA = new StructType()
      .add(AS_OF_DATE, DataTypes.DateType, false)
      .add(MODEL, DataTypes.StringType, false)
      .add(VARIANT, DataTypes.StringType, false)
      .add(CLASS, DataTypes.StringType, false)
      .add(FPR, DataTypes.DoubleType, false)
      .add(TPR, DataTypes.DoubleType, false);

  /** ltv_class_boundaries: per class its KMeans center and label range (null: open-ended). */
  public static final StructType LTV_BOUNDARY_SCHEMA = new StructType()
      .add(AS_OF_DATE, DataTypes.DateType, false)
      .add(CLASS_INDEX, DataTypes.IntegerType, false)
      .add(CLASS, DataTypes.StringType, false)
      .add(CENTER, DataTypes.DoubleType, false)
      .add(LOWER, DataTypes.DoubleType, true)
      .add(UPPER, DataTypes.DoubleType, true)
      .add(OUTLIER_THRESHOLD, DataTypes.DoubleType, false);
}
