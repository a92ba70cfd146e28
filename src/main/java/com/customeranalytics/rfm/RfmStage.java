package com.customeranalytics.rfm;

import static com.customeranalytics.table.Columns.AS_OF_DATE;

import com.customeranalytics.features.Rfm;
import com.customeranalytics.job.Stage;
import com.customeranalytics.job.StageContext;
import com.customeranalytics.job.StageResult;
import com.customeranalytics.table.Tables;
import java.time.LocalDate;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * silver_sales (+ silver_returns) -> customer_rfm for one as-of date. Only purchases on or before
 * the as-of date count, so a backfill gives that day's view; guests never appear.
 */
public final class RfmStage implements Stage {
  public static final String NAME = "rfm";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public StageResult run(StageContext ctx) {
    LocalDate asOf = ctx.asOf();
    Dataset<Row> rfm = Rfm.compute(ctx.tables().read(Tables.SILVER_SALES),
        ctx.tables().read(Tables.SILVER_RETURNS), asOf);
    long rows = ctx.tables().replaceWhere(Tables.CUSTOMER_RFM, AS_OF_DATE + " = '" + asOf + "'",
        rfm, AS_OF_DATE);
    return new StageResult(ctx.tables().count(Tables.SILVER_SALES), rows, "as of " + asOf);
  }
}
