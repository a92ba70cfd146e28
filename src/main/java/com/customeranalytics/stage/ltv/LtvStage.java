package com.customeranalytics.stage.ltv;

import static com.customeranalytics.table.Columns.CUSTOMER_ID;
import static com.customeranalytics.table.Columns.EXCLUDED_FROM_TRAINING;
import static com.customeranalytics.table.Columns.LABEL_REVENUE;
import static com.customeranalytics.table.Columns.LTV_CLASS;
import static com.customeranalytics.table.Columns.LTV_CLASS_INDEX;
import static com.customeranalytics.table.Columns.REVENUE;
import static com.customeranalytics.table.Columns.SPLIT;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import com.customeranalytics.config.Settings;
import com.customeranalytics.features.CustomerFeatures;
import com.customeranalytics.features.ModelWindows;
import com.customeranalytics.features.Money;
import com.customeranalytics.features.Rfm;
import com.customeranalytics.features.Segmenter;
import com.customeranalytics.job.Stage;
import com.customeranalytics.job.StageContext;
import com.customeranalytics.job.StageResult;
import com.customeranalytics.ml.ClassifierTrainer;
import com.customeranalytics.ml.Predictions;
import com.customeranalytics.ml.Splits;
import com.customeranalytics.stage.model.ModelStageOutputs;
import com.customeranalytics.table.ModelTables;
import com.customeranalytics.table.TableStore;
import com.customeranalytics.table.Tables;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.apache.spark.ml.clustering.KMeans;
import org.apache.spark.ml.clustering.KMeansModel;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * 6-month customer lifetime value as ordered classes. Windows align to calendar months from the
 * as-of date T: label_end = the first day of T's month; label = revenue in the label-months before
 * label_end; features = the customer's RFM and segmentation over the feature-months before that.
 * The best classifier scores every customer on the latest feature window (the feature-months
 * before label_end).
 */
public final class LtvStage implements Stage {
  private static final Logger LOG = LoggerFactory.getLogger(LtvStage.class);
  public static final String NAME = "ltv";

  @Override
  public String name() {
    return NAME;
  }

  /** The windows for an as-of date. */
  public static ModelWindows windows(LocalDate asOf, Settings s) {
    return new ModelWindows(asOf, s.ltv().featureMonths, s.ltv().labelMonths);
  }

  /** The training set and the class boundaries. */
  public static final class TrainingSet {
    public final Dataset<Row> rows;
    public final double[] centers;
    public final double outlierThreshold;

    TrainingSet(Dataset<Row> rows, double[] centers, double outlierThreshold) {
      this.rows = rows;
      this.centers = centers;
      this.outlierThreshold = outlierThreshold;
    }

    /** Upper boundary of class i (the midpoint to the next center); +inf for the top class. */
    public double upper(int i) {
      return i + 1 < centers.length ? (centers[i] + centers[i + 1]) / 2 : Double.POSITIVE_INFINITY;
    }
  }

  /**
   * Builds the training set from the window features and label revenue: outlier flag, LTV
   * classes (seeded KMeans on the label, ordered by center), label index and stratified split.
   */
  public static TrainingSet trainingSet(Dataset<Row> features, Dataset<Row> sales, ModelWindows w,
      Settings s) {
    Dataset<Row> label = Rfm.window(sales, w.targetStart, w.targetEnd).groupBy(col(CUSTOMER_ID))
        .agg(Money.sum(col(REVENUE)).as(LABEL_REVENUE));
    Dataset<Row> rows = features.join(label, CUSTOMER_ID, "left")
        .na().fill(0.0, new String[] {LABEL_REVENUE})
        .persist(StorageLevel.MEMORY_AND_DISK());
    double q = rows.stat().approxQuantile(LABEL_REVENUE, new double[] {s.ltv().outlierQuantile}, 0.0001)[0];
    Column excluded = col(LABEL_REVENUE).geq(q).and(col(LABEL_REVENUE).gt(0));
    rows = rows.withColumn(EXCLUDED_FROM_TRAINING, excluded);

    // Classes: 1-D KMeans on the label of the training rows, ordered by center.
    KMeansModel km = new KMeans().setK(s.ltv().classes).setSeed(s.models().seed).setFeaturesCol("_label_vec")
        .fit(Segmenter.withVector(rows.filter(col(EXCLUDED_FROM_TRAINING).equalTo(false)), "_label_vec", col(LABEL_REVENUE)));
    double[] centers = Arrays.stream(km.clusterCenters()).mapToDouble(v -> v.apply(0)).sorted().toArray();
    TrainingSet probe = new TrainingSet(null, centers, q);
    // Nearest center in 1-D = below the midpoint to the next one.
    Column index = lit(centers.length - 1);
    for (int i = centers.length - 2; i >= 0; i--) {
      index = when(col(LABEL_REVENUE).lt(probe.upper(i)), lit(i)).otherwise(index);
    }
    rows = rows.withColumn(LTV_CLASS_INDEX, index)
        .withColumn(LTV_CLASS, Predictions.className(col(LTV_CLASS_INDEX), s.ltv().classNames))
        .withColumn(ClassifierTrainer.LABEL, col(LTV_CLASS_INDEX).cast(DataTypes.DoubleType));
    Dataset<Row> trainable = Splits.stratified(rows.filter(col(EXCLUDED_FROM_TRAINING).equalTo(false)),
        s.models().testFraction, s.models().seed);
    Dataset<Row> outliers = rows.filter(col(EXCLUDED_FROM_TRAINING)).withColumn(SPLIT, lit(ModelTables.EXCLUDED));
    return new TrainingSet(trainable.unionByName(outliers), centers, q);
  }

  @Override
  public StageResult run(StageContext ctx) {
    LocalDate asOf = ctx.asOf();
    Settings s = ctx.settings();
    TableStore tables = ctx.tables();
    ModelWindows w = windows(asOf, s);
    LOG.info("ltv windows: features {}..{}, label {}..{}, scoring features {}..{}", w.featureStart,
        w.featureEnd, w.targetStart, w.targetEnd, w.scoreStart, w.scoreEnd);
    List<Dataset<Row>> silver = tables.readWrittenTogether(Tables.SALES_AND_RETURNS, Tables.DQ_REPORT);
    Dataset<Row> sales = silver.get(0);
    Dataset<Row> returns = silver.get(1);
    ModelStageOutputs.ScoringWindow scoring = new ModelStageOutputs.ScoringWindow(w.scoreStart, w.scoreEnd, sales,
        returns, s.digestOf("segment", "ltv"));
    Optional<ModelStageOutputs.SavedModel> saved = ModelStageOutputs.savedModel(ctx, ModelTables.LTV);
    if (saved.isPresent()) {
      return ModelStageOutputs.score(ctx, ModelTables.LTV, saved.get(), scoring, s.ltv().classNames, f -> f.data);
    }

    List<CustomerFeatures> windows = CustomerFeatures.trainingAndScoring(sales, returns, w, s.segment());
    try (CustomerFeatures features = windows.get(0); CustomerFeatures current = windows.get(1)) {
      TrainingSet ts = trainingSet(features.data, sales, w, s);
      Dataset<Row> rows = ts.rows.persist(StorageLevel.MEMORY_AND_DISK());
      try {
        tables.replaceAsOf(Tables.LTV_CLASS_BOUNDARIES, asOf, ctx.spark()
            .createDataFrame(boundaries(ts, asOf, s.ltv().classNames), ModelTables.LTV_BOUNDARY_SCHEMA).coalesce(1));
        return ModelStageOutputs.trainAndPublish(ctx, ModelTables.LTV, rows, rows.filter(col(EXCLUDED_FROM_TRAINING).equalTo(false)),
            CustomerFeatures.RFM_FEATURES, s.ltv().classNames, current.data, scoring);
      } finally {
        rows.unpersist();
      }
    }
  }

  private static List<Row> boundaries(TrainingSet ts, LocalDate asOf, List<String> names) {
    List<Row> out = new ArrayList<>();
    for (int i = 0; i < ts.centers.length; i++) {
      out.add(RowFactory.create(Date.valueOf(asOf), i, names.get(i), ts.centers[i],
          i == 0 ? null : ts.upper(i - 1), i + 1 < ts.centers.length ? ts.upper(i) : null, ts.outlierThreshold));
    }
    return out;
  }
}
