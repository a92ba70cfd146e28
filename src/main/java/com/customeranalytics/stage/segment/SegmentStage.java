package com.customeranalytics.stage.segment;

import com.customeranalytics.concurrent.Parallel;
import com.customeranalytics.features.Segmenter;
import com.customeranalytics.job.Stage;
import com.customeranalytics.job.StageContext;
import com.customeranalytics.job.StageResult;
import com.customeranalytics.table.SegmentTables;
import com.customeranalytics.table.TableStore;
import com.customeranalytics.table.Tables;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** customer_rfm -> customer_segments, rfm_cluster_profiles, kmeans_k_selection for one as-of date. */
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
    Segmenter.Result r = Segmenter.compute(rfm, ctx.settings().segment(), asOf);
    try {
      List<Long> written = Parallel.each(List.of(
          () -> tables.replaceAsOf(Tables.CUSTOMER_SEGMENTS, asOf, r.segments),
          () -> tables.replaceAsOf(Tables.RFM_CLUSTER_PROFILES, asOf,
              ctx.spark().createDataFrame(r.profiles, SegmentTables.PROFILE_SCHEMA).coalesce(1)),
          () -> tables.replaceAsOf(Tables.KMEANS_K_SELECTION, asOf,
              ctx.spark().createDataFrame(r.kSelection, SegmentTables.K_SELECTION_SCHEMA).coalesce(1))));
      long rows = written.get(0);
      return new StageResult(rows, rows, "as of " + asOf);
    } finally {
      r.segments.unpersist();
    }
  }
}
