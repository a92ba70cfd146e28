package com.customeranalytics.stage.rfm;

import static com.customeranalytics.table.Columns.DAY;
import static com.customeranalytics.table.Columns.INVOICE_MONTH;
import static com.customeranalytics.table.Columns.RUN_ID;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.max;

import com.customeranalytics.concurrent.Parallel;
import com.customeranalytics.features.CustomerState;
import com.customeranalytics.table.StatePlan;
import com.customeranalytics.table.TableStore;
import com.customeranalytics.table.Tables;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Brings rfm's customer state ({@link CustomerState}) up to what the silver tables hold. Clean's
 * record in dq_report says which bronze version silver holds; the state's log says which one the
 * state holds; the ingest runs between the two are the lines to merge. The merges only insert
 * rows keyed by their ingest run (products: keep the earliest day), so merging a run again, after
 * a crash between the writes, changes nothing. When the state cannot tell what is new (no state
 * yet, a full clean since, bronze rows replaced), it is rebuilt from the silver tables.
 */
final class CustomerStateSync {
  private CustomerStateSync() {}

  /** The latest day the state's invoices hold a line of (null when they hold none). */
  static LocalDate lastDay(Dataset<Row> invoices) {
    Row last = invoices.agg(max(col(DAY))).head();
    return last.isNullAt(0) ? null : last.getDate(0).toLocalDate();
  }

  static StatePlan.Synced sync(TableStore tables, SparkSession spark, Dataset<Row> sales, Dataset<Row> returns,
      boolean fullRefresh) {
    StatePlan plan = StatePlan.of(tables, Tables.RFM_STATE_LOG,
        List.of(Tables.RFM_STATE_INVOICES, Tables.RFM_STATE_PRODUCTS), fullRefresh);
    if (plan.rebuild != null) {
      return plan.rebuilt(tables, spark, "customer state", () -> Parallel.each(Map.<String, Callable<Long>>of(
          Tables.RFM_STATE_INVOICES, () -> tables.overwrite(Tables.RFM_STATE_INVOICES,
              CustomerState.invoices(sales, returns), INVOICE_MONTH),
          Tables.RFM_STATE_PRODUCTS, () -> tables.overwrite(Tables.RFM_STATE_PRODUCTS, CustomerState.products(sales)))));
    }
    if (plan.runs.isEmpty()) {
      return plan.unchanged(tables, spark, "customer state");
    }
    Object[] runs = plan.runs.toArray();
    Dataset<Row> newSales = sales.filter(col(RUN_ID).isin(runs));
    Dataset<Row> newReturns = returns.filter(col(RUN_ID).isin(runs));
    Dataset<Row> invoices = CustomerState.invoices(newSales, newReturns).cache();
    try {
      List<String> months = invoices.select(INVOICE_MONTH).distinct().as(Encoders.STRING()).collectAsList();
      if (!months.isEmpty()) {
        // Only the new rows' months of the state can hold their keys: the rest is not read.
        String sameInvoice = TableStore.sqlIn("t." + INVOICE_MONTH, months)
            + " AND t.customer_id = s.customer_id AND t.invoice_no = s.invoice_no AND t.day = s.day"
            + " AND t.kind = s.kind AND t.run_id = s.run_id";
        Parallel.each(Map.<String, Callable<Long>>of(
            Tables.RFM_STATE_INVOICES, () -> {
              tables.merge(Tables.RFM_STATE_INVOICES, invoices, sameInvoice).whenNotMatched().insertAll().execute();
              return 0L;
            },
            Tables.RFM_STATE_PRODUCTS, () -> {
              tables.merge(Tables.RFM_STATE_PRODUCTS, CustomerState.products(newSales),
                      "t.customer_id = s.customer_id AND t.stock_code = s.stock_code")
                  .whenMatched("s.first_day < t.first_day").updateExpr(Map.of("first_day", "s.first_day"))
                  .whenNotMatched().insertAll().execute();
              return 0L;
            }));
      }
    } finally {
      invoices.unpersist();
    }
    // One count over both tables' new lines (file statistics on run_id skip the rest).
    long linesRead = newSales.select(RUN_ID).unionByName(newReturns.select(RUN_ID)).count();
    String detail = String.format("customer state: %,d new lines of %d ingest run(s) merged", linesRead, runs.length);
    return plan.done(tables, spark, linesRead, detail);
  }
}
