package com.customeranalytics.stage.nextpurchase;

import static com.customeranalytics.table.Columns.CUSTOMER_ID;
import static com.customeranalytics.table.Columns.DAYS_TO_NEXT_PURCHASE;
import static com.customeranalytics.table.Columns.INVOICE_TS;
import static com.customeranalytics.table.Columns.LAST_PURCHASE_DATE;
import static com.customeranalytics.table.Columns.NEXT_PURCHASE_CLASS;
import static com.customeranalytics.table.Columns.NEXT_PURCHASE_CLASS_INDEX;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.datediff;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.when;

import com.customeranalytics.config.Settings;
import com.customeranalytics.features.CustomerFeatures;
import com.customeranalytics.features.ModelWindows;
import com.customeranalytics.features.Rfm;
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
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Days to the next purchase, as classes (0-20, 21-50, over 50 or none). With label_end = the first
 * day of the as-of date's month: the next window is the next-months before label_end, features
 * cover the feature-months before that, adding the gaps between the last purchase days.
 */
public final class NextPurchaseStage implements Stage {
  private static final Logger LOG = LoggerFactory.getLogger(NextPurchaseStage.class);
  public static final String NAME = "next_purchase";

  @Override
  public String name() {
    return NAME;
  }

  /** The windows for an as-of date. */
  public static ModelWindows windows(LocalDate asOf, Settings s) {
    return new ModelWindows(asOf, s.nextPurchase().featureMonths, s.nextPurchase().nextMonths);
  }

  /** All feature columns of this model. */
  public static List<String> featureColumns() {
    List<String> f = new ArrayList<>(CustomerFeatures.RFM_FEATURES);
    f.addAll(CustomerFeatures.GAP_FEATURES);
    return f;
  }

  /** Features (with gaps) plus the days to the next purchase, its class and the split. */
  public static Dataset<Row> trainingSet(Dataset<Row> featuresWithGaps, Dataset<Row> sales, ModelWindows w,
      Settings s) {
    Dataset<Row> next = Rfm.window(sales, w.targetStart, w.targetEnd).groupBy(col(CUSTOMER_ID))
        .agg(min(to_date(col(INVOICE_TS))).as("_first_next"));
    Dataset<Row> rows = featuresWithGaps.join(next, CUSTOMER_ID, "left")
        .withColumn(DAYS_TO_NEXT_PURCHASE, datediff(col("_first_next"), col(LAST_PURCHASE_DATE)))
        .drop("_first_next");
    List<Integer> bounds = s.nextPurchase().classBounds;
    List<String> names = s.nextPurchase().classNames;
    Column index = lit(bounds.size()); // over the last bound, or no next purchase
    for (int i = bounds.size() - 1; i >= 0; i--) {
      index = when(col(DAYS_TO_NEXT_PURCHASE).leq(bounds.get(i)), lit(i)).otherwise(index);
    }
    rows = rows.withColumn(NEXT_PURCHASE_CLASS_INDEX, index)
        .withColumn(NEXT_PURCHASE_CLASS, Predictions.className(col(NEXT_PURCHASE_CLASS_INDEX), names))
        .withColumn(ClassifierTrainer.LABEL, col(NEXT_PURCHASE_CLASS_INDEX).cast(DataTypes.DoubleType));
    return Splits.stratified(rows, s.models().testFraction, s.models().seed);
  }

  @Override
  public StageResult run(StageContext ctx) {
    LocalDate asOf = ctx.asOf();
    Settings s = ctx.settings();
    TableStore tables = ctx.tables();
    ModelWindows w = windows(asOf, s);
    LOG.info("next_purchase windows: features {}..{}, next {}..{}, scoring features {}..{}",
        w.featureStart, w.featureEnd, w.targetStart, w.targetEnd, w.scoreStart, w.scoreEnd);
    List<Dataset<Row>> silver = tables.readWrittenTogether(Tables.SALES_AND_RETURNS, Tables.DQ_REPORT);
    Dataset<Row> sales = silver.get(0);
    Dataset<Row> returns = silver.get(1);
    ModelStageOutputs.ScoringWindow scoring = new ModelStageOutputs.ScoringWindow(w.scoreStart, w.scoreEnd, sales,
        returns, s.digestOf("segment", "next-purchase"));
    Optional<ModelStageOutputs.SavedModel> saved = ModelStageOutputs.savedModel(ctx, ModelTables.NEXT_PURCHASE);
    if (saved.isPresent()) {
      return ModelStageOutputs.score(ctx, ModelTables.NEXT_PURCHASE, saved.get(), scoring,
          s.nextPurchase().classNames, f -> f.withGaps(CustomerFeatures.purchaseGaps(sales, w.scoreStart, w.scoreEnd)));
    }
    List<CustomerFeatures> windows = CustomerFeatures.trainingAndScoring(sales, returns, w, s.segment());
    try (CustomerFeatures features = windows.get(0); CustomerFeatures current = windows.get(1)) {
      Dataset<Row> rows = trainingSet(features.withGaps(CustomerFeatures.purchaseGaps(sales, w.featureStart,
          w.featureEnd)), sales, w, s).persist(StorageLevel.MEMORY_AND_DISK());
      try {
        return ModelStageOutputs.trainAndPublish(ctx, ModelTables.NEXT_PURCHASE, rows, rows, featureColumns(),
            s.nextPurchase().classNames,
            current.withGaps(CustomerFeatures.purchaseGaps(sales, w.scoreStart, w.scoreEnd)), scoring);
      } finally {
        rows.unpersist();
      }
    }
  }
}
