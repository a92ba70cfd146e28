package com.customeranalytics.stage.rfm;

import static com.customeranalytics.table.Columns.CUSTOMER_ID;
import static com.customeranalytics.table.Columns.INVOICE_TS;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.to_date;

import com.customeranalytics.features.CustomerState;
import com.customeranalytics.features.Rfm;
import com.customeranalytics.job.InputException;
import com.customeranalytics.job.Stage;
import com.customeranalytics.job.StageContext;
import com.customeranalytics.job.StageResult;
import com.customeranalytics.table.StatePlan;
import com.customeranalytics.table.Tables;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * silver_sales (+ silver_returns) -> customer_rfm for one as-of date. Only purchases on or before
 * the as-of date count, so a backfill gives that day's view; guests never appear. The figures come
 * from the customer state ({@link CustomerState}), which a night brings up to date from its new
 * lines only; a backfill (an as-of date before the state's last day) computes them from silver.
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
    List<Dataset<Row>> silver = ctx.tables().readWrittenTogether(Tables.SALES_AND_RETURNS, Tables.DQ_REPORT);
    Dataset<Row> sales = silver.get(0);
    if (Rfm.window(sales, null, asOf).isEmpty()) { // stops at the first row (file statistics skip)
      Row range = sales.filter(col(CUSTOMER_ID).isNotNull())
          .agg(min(to_date(col(INVOICE_TS))), max(to_date(col(INVOICE_TS)))).head();
      throw new InputException(range.isNullAt(0)
          ? "No customer sales in " + Tables.SILVER_SALES + ": nothing to compute RFM from (run ingest and"
              + " clean on input with customer ids first)"
          : "No customer purchase on or before the as-of date " + asOf + ": " + Tables.SILVER_SALES
              + " has customer sales from " + range.getDate(0) + " to " + range.getDate(1)
              + ". Pass --as-of within that range.");
    }
    StatePlan.Synced state = CustomerStateSync.sync(ctx.tables(), ctx.spark(), sales, silver.get(1),
        ctx.settings().fullRefresh());
    Dataset<Row> rfm;
    long read;
    String from;
    Dataset<Row> invoices = state.table(Tables.RFM_STATE_INVOICES);
    LocalDate lastDay = CustomerStateSync.lastDay(invoices);
    if (lastDay != null && asOf.isBefore(lastDay)) {
      // A backfill: the day the state holds is later than the as-of date; computed from silver.
      rfm = Rfm.compute(sales, silver.get(1), asOf);
      read = state.linesRead + ctx.tables().count(Tables.SILVER_SALES) + ctx.tables().count(Tables.SILVER_RETURNS);
      from = "from silver (a backfill: the customer state holds days up to " + lastDay + ")";
    } else {
      rfm = CustomerState.rfm(invoices, state.table(Tables.RFM_STATE_PRODUCTS), asOf);
      read = state.linesRead + ctx.tables().count(Tables.RFM_STATE_INVOICES)
          + ctx.tables().count(Tables.RFM_STATE_PRODUCTS);
      from = "from the customer state";
    }
    long rows = ctx.tables().replaceAsOf(Tables.CUSTOMER_RFM, asOf, rfm);
    return new StageResult(read, rows, "as of " + asOf + " " + from + "; " + state.detail);
  }
}
