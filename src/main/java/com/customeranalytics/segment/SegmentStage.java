package com.customeranalytics.segment;

import static com.customeranalytics.table.Columns.AS_OF_DATE;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import com.customeranalytics.features.Segmenter;
import com.customeranalytics.job.Stage;
import com.customeranalytics.job.Parallel;
import com.customeranalytics.job.StageContext;
import com.customeranalytics.job.StageResult;
import com.customeranalytics.table.TableStore;
import com.customeranalytics.table.Tables;
import java.sql.Date;
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
    Dataset<Row> rfm = tables.read(Tables.CUSTOMER_RFM).filter(col(AS_OF_DATE).equalTo(lit(Date.valueOf(asOf))));
    Segmenter.Result r = Segmenter.compute(rfm, ctx.settings().segment(), asOf);
    try {
      String where = AS_OF_DATE + " = '" + asOf + "'";
      List<Long> written = Parallel.each(List.of(
          () -> tables.replaceWhere(Tables.CUSTOMER_SEGMENTS, where, r.segments, AS_OF_DATE),
          () -> tables.replaceWhere(Tables.RFM_CLUSTER_PROFILES, where,
              ctx.spark().createDataFrame(r.profiles, Segmenter.PROFILE_SCHEMA).coalesce(1), AS_OF_DATE),
          () -> tables.replaceWhere(Tables.KMEANS_K_SELECTION, where,
              ctx.spark().createDataFrame(r.kSelection, Segmenter.K_SELECTION_SCHEMA).coalesce(1), AS_OF_DATE)));
      long rows = written.get(0);
      return new StageResult(rows, rows, "as of " + asOf);
    } finally {
      r.segments.unpersist();
    }
  }
}
