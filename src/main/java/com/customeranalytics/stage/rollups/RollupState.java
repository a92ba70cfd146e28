package com.customeranalytics.stage.rollups;

import static com.customeranalytics.table.Columns.COUNTRY;
import static com.customeranalytics.table.Columns.CUSTOMER_ID;
import static com.customeranalytics.table.Columns.DAY;
import static com.customeranalytics.table.Columns.INVOICE_MONTH;
import static com.customeranalytics.table.Columns.INVOICE_NO;
import static com.customeranalytics.table.Columns.INVOICE_TS;
import static com.customeranalytics.table.Columns.LINES;
import static com.customeranalytics.table.Columns.QUANTITY;
import static com.customeranalytics.table.Columns.REVENUE;
import static com.customeranalytics.table.Columns.REVENUE_MICROS;
import static com.customeranalytics.table.Columns.STOCK_CODE;
import static com.customeranalytics.table.Columns.UNITS;
import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.upper;

import com.customeranalytics.features.Money;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;

/**
 * What every rollup is computed from, instead of the sales lines: per day (with its month),
 * country, invoice and customer (guests: null), the revenue in millionths, the units and the
 * lines; and per day and stock code the returns' value and lines. Kept per day, the state gives
 * any as-of date's figures. Every rollup figure is a sum, a distinct count of
 * invoices or customers, or a first month, within or across these keys, so it comes out equal to
 * the bit (sums of millionths are exact) from ~20x fewer rows. A month's rows depend on that
 * month's lines only: the state keeps them for all lines and a night replaces only the months
 * that received lines. Pure: no I/O.
 */
public final class RollupState {
  private RollupState() {}

  /** Sales lines -> invoice rows. */
  public static Dataset<Row> invoices(Dataset<Row> sales) {
    return sales.groupBy(col(INVOICE_MONTH), to_date(col(INVOICE_TS)).as(DAY), col(COUNTRY), col(INVOICE_NO),
            col(CUSTOMER_ID))
        .agg(sum(Money.micros(col(REVENUE))).as(REVENUE_MICROS), sum(col(QUANTITY)).as(UNITS),
            count(lit(1)).as(LINES));
  }

  /** Return lines -> rows per day and stock code (the returns' value is positive). */
  public static Dataset<Row> returns(Dataset<Row> returns) {
    return returns.groupBy(col(INVOICE_MONTH), to_date(col(INVOICE_TS)).as(DAY), col(STOCK_CODE))
        .agg(sum(Money.micros(abs(col(REVENUE)))).as(REVENUE_MICROS), count(lit(1)).as(LINES));
  }

  /** The state's rows of the lines on or before {@code asOf}. */
  static Dataset<Row> upTo(Dataset<Row> stateRows, java.time.LocalDate asOf) {
    return stateRows.filter(col(INVOICE_MONTH).leq(asOf.toString().substring(0, 7)))
        .filter(col(DAY).leq(functions.lit(java.sql.Date.valueOf(asOf))));
  }

  /**
   * Only product returns: cancelled fees, postage and manual adjustments are not sales that came
   * back, and revenue (the return rate's base) leaves those codes out too. Filtered when read, so
   * the state does not depend on the setting.
   */
  static Dataset<Row> productReturns(Dataset<Row> returnRows, List<String> nonProductCodes) {
    return returnRows.filter(not(upper(trim(col(STOCK_CODE))).isin(nonProductCodes.toArray())));
  }
}
