package com.customeranalytics.stage.segment;

import static com.customeranalytics.table.Columns.AS_OF_DATE;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;

import com.customeranalytics.concurrent.Parallel;
import com.customeranalytics.config.Settings;
import com.customeranalytics.config.Settings.ModelSettings;
import com.customeranalytics.features.Segmenter;
import com.customeranalytics.job.Stage;
import com.customeranalytics.job.StageContext;
import com.customeranalytics.job.StageResult;
import com.customeranalytics.table.SegmentTables;
import com.customeranalytics.table.TableStore;
import com.customeranalytics.table.Tables;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * customer_rfm -> customer_segments, rfm_cluster_profiles, kmeans_k_selection for one as-of date.
 * The clusters are fitted every run (they are the segments); the k sweep, which only charts the
 * choice when segment.k is fixed, follows models.retrain as the model stages' training does.
 */
public final class SegmentStage implements Stage {
  public static final String NAME = "segment";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public StageResult run(StageContext ctx) {
    LocalDate asOf = ctx.asOf();
    TableStore tables = ctx.tables();
    Dataset<Row> rfm = tables.readAsOf(Tables.CUSTOMER_RFM, asOf);
    String skipped = sweepSkipped(ctx);
    Segmenter.Result r = Segmenter.compute(rfm, ctx.settings().segment(), asOf, skipped == null);
    try {
      List<Callable<Long>> writes = new ArrayList<>(List.of(
          () -> tables.replaceAsOf(Tables.CUSTOMER_SEGMENTS, asOf, r.segments),
          () -> tables.replaceAsOf(Tables.RFM_CLUSTER_PROFILES, asOf,
              ctx.spark().createDataFrame(r.profiles, SegmentTables.PROFILE_SCHEMA).coalesce(1))));
      if (skipped == null) {
        writes.add(() -> tables.replaceAsOf(Tables.KMEANS_K_SELECTION, asOf,
            ctx.spark().createDataFrame(r.kSelection, SegmentTables.K_SELECTION_SCHEMA).coalesce(1)));
      }
      long rows = Parallel.each(writes).get(0);
      return new StageResult(rows, rows, "as of " + asOf + (skipped == null ? "" : "; " + skipped));
    } finally {
      r.segments.unpersist();
    }
  }

  /**
   * Why this run does not sweep k (null: it does). Only with a fixed segment.k, and only while
   * the latest sweep on or before the as-of date is recent enough for models.retrain.
   */
  private static String sweepSkipped(StageContext ctx) {
    ModelSettings m = ctx.settings().models();
    if (ctx.settings().segment().k.isEmpty() || m.retrain == Settings.Retrain.ALWAYS
        || !ctx.tables().exists(Tables.KMEANS_K_SELECTION)) {
      return null;
    }
    Row latest = ctx.tables().read(Tables.KMEANS_K_SELECTION)
        .filter(col(AS_OF_DATE).leq(lit(java.sql.Date.valueOf(ctx.asOf())))).agg(max(col(AS_OF_DATE))).head();
    LocalDate swept = latest.isNullAt(0) ? null : latest.getDate(0).toLocalDate();
    return m.retrains(swept, ctx.asOf()) ? null : "k sweep not run (models.retrain = " + m.retrainName()
        + "): the sweep of " + swept + " stands";
  }
}
