package com.customeranalytics.stage.rollups;

import static com.customeranalytics.table.Columns.INVOICE_MONTH;
import static com.customeranalytics.table.Columns.LINES;
import static com.customeranalytics.table.Columns.RUN_ID;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.sum;

import com.customeranalytics.concurrent.Parallel;
import com.customeranalytics.table.StatePlan;
import com.customeranalytics.table.TableStore;
import com.customeranalytics.table.Tables;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Brings the rollups' month state ({@link RollupState}) up to what the silver tables hold: the
 * months that received lines from the ingest runs the state lacks ({@link StatePlan}) are
 * aggregated again from all of their silver lines and replace those months of the state; the
 * other months are not read. Replacing a month again, after a crash between the writes, gives
 * the same rows. Rebuilt from all of silver when the plan says so.
 */
final class RollupStateSync {
  private static final List<String> STATE = List.of(Tables.ROLLUP_STATE_INVOICES, Tables.ROLLUP_STATE_RETURNS);

  private RollupStateSync() {}

  static StatePlan.Synced sync(TableStore tables, SparkSession spark, Dataset<Row> sales, Dataset<Row> returns,
      boolean fullRefresh) {
    StatePlan plan = StatePlan.of(tables, Tables.ROLLUP_STATE_LOG, STATE, fullRefresh);
    if (plan.rebuild != null) {
      return plan.rebuilt(tables, spark, "month state", () -> Parallel.each(Map.<String, Callable<Long>>of(
          Tables.ROLLUP_STATE_INVOICES, () -> tables.overwrite(Tables.ROLLUP_STATE_INVOICES,
              RollupState.invoices(sales).repartition(col(INVOICE_MONTH)), INVOICE_MONTH),
          Tables.ROLLUP_STATE_RETURNS, () -> tables.overwrite(Tables.ROLLUP_STATE_RETURNS,
              RollupState.returns(returns).coalesce(1)))));
    }
    if (plan.runs.isEmpty()) {
      return plan.unchanged(tables, spark, "month state");
    }
    Object[] runs = plan.runs.toArray();
    // The months the new runs' lines fall in (file statistics on run_id skip the other files).
    List<String> months = sales.filter(col(RUN_ID).isin(runs)).select(INVOICE_MONTH)
        .unionByName(returns.filter(col(RUN_ID).isin(runs)).select(INVOICE_MONTH))
        .filter(col(INVOICE_MONTH).isNotNull()).distinct().orderBy(INVOICE_MONTH).as(Encoders.STRING())
        .collectAsList();
    long linesRead = 0;
    if (!months.isEmpty()) {
      String replaced = TableStore.sqlIn(INVOICE_MONTH, months);
      Object[] in = months.toArray();
      Parallel.each(Map.<String, Callable<Long>>of(
          Tables.ROLLUP_STATE_INVOICES, () -> tables.replaceWhere(Tables.ROLLUP_STATE_INVOICES, replaced,
              RollupState.invoices(sales.filter(col(INVOICE_MONTH).isin(in))).repartition(col(INVOICE_MONTH)),
              INVOICE_MONTH),
          Tables.ROLLUP_STATE_RETURNS, () -> tables.replaceWhere(Tables.ROLLUP_STATE_RETURNS, replaced,
              RollupState.returns(returns.filter(col(INVOICE_MONTH).isin(in))).coalesce(1))));
      Row read = tables.read(Tables.ROLLUP_STATE_INVOICES).filter(col(INVOICE_MONTH).isin(in)).select(LINES)
          .unionByName(tables.read(Tables.ROLLUP_STATE_RETURNS).filter(col(INVOICE_MONTH).isin(in)).select(LINES))
          .agg(sum(col(LINES))).head();
      linesRead = read.isNullAt(0) ? 0 : read.getLong(0);
    }
    String detail = String.format("month state: %d month(s) %s replaced (%,d silver lines read) for %d ingest run(s)",
        months.size(), months, linesRead, runs.length);
    return plan.done(tables, spark, linesRead, detail);
  }
}
