package com.customeranalytics.rfm;

import static com.customeranalytics.table.Columns.AS_OF_DATE;
import static com.customeranalytics.table.Columns.AVG_ORDER_VALUE;
import static com.customeranalytics.table.Columns.COUNTRY;
import static com.customeranalytics.table.Columns.CUSTOMER_ID;
import static com.customeranalytics.table.Columns.DISTINCT_PRODUCTS;
import static com.customeranalytics.table.Columns.FIRST_PURCHASE_DATE;
import static com.customeranalytics.table.Columns.FREQUENCY;
import static com.customeranalytics.table.Columns.INVOICE_MONTH;
import static com.customeranalytics.table.Columns.INVOICE_NO;
import static com.customeranalytics.table.Columns.INVOICE_TS;
import static com.customeranalytics.table.Columns.LAST_PURCHASE_DATE;
import static com.customeranalytics.table.Columns.MONETARY;
import static com.customeranalytics.table.Columns.RECENCY_DAYS;
import static com.customeranalytics.table.Columns.RETURNS_COUNT;
import static com.customeranalytics.table.Columns.RETURNS_VALUE;
import static com.customeranalytics.table.Columns.REVENUE;
import static com.customeranalytics.table.Columns.STOCK_CODE;
import static com.customeranalytics.table.Columns.TENURE_DAYS;
import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.datediff;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.to_date;

import com.customeranalytics.job.Stage;
import com.customeranalytics.job.StageContext;
import com.customeranalytics.job.StageResult;
import com.customeranalytics.table.Tables;
import java.sql.Date;
import java.time.LocalDate;
import org.apache.spark.sql.Column;
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

  /** Figures per customer as of {@code asOf}. Pure: tests call it directly. */
  public static Dataset<Row> compute(Dataset<Row> sales, Dataset<Row> returns, LocalDate asOf) {
    Column asOfDate = lit(Date.valueOf(asOf));
    Dataset<Row> perCustomer = upTo(sales, asOf)
        .groupBy(col(CUSTOMER_ID))
        .agg(
            max(to_date(col(INVOICE_TS))).as(LAST_PURCHASE_DATE),
            min(to_date(col(INVOICE_TS))).as(FIRST_PURCHASE_DATE),
            countDistinct(col(INVOICE_NO)).as(FREQUENCY),
            sum(col(REVENUE)).as(MONETARY),
            countDistinct(col(STOCK_CODE)).as(DISTINCT_PRODUCTS),
            // The country of the latest purchase; ties broken by name, so it is deterministic.
            max(struct(col(INVOICE_TS), col(COUNTRY))).getField(COUNTRY).as(COUNTRY));
    Dataset<Row> perCustomerReturns = upTo(returns, asOf)
        .groupBy(col(CUSTOMER_ID))
        .agg(countDistinct(col(INVOICE_NO)).as(RETURNS_COUNT), sum(abs(col(REVENUE))).as(RETURNS_VALUE));
    return perCustomer.join(perCustomerReturns, perCustomer.col(CUSTOMER_ID)
            .equalTo(perCustomerReturns.col(CUSTOMER_ID)), "left")
        .select(
            asOfDate.as(AS_OF_DATE),
            perCustomer.col(CUSTOMER_ID),
            datediff(asOfDate, col(LAST_PURCHASE_DATE)).as(RECENCY_DAYS),
            col(FREQUENCY),
            col(MONETARY),
            col(FIRST_PURCHASE_DATE),
            col(LAST_PURCHASE_DATE),
            datediff(asOfDate, col(FIRST_PURCHASE_DATE)).as(TENURE_DAYS),
            col(MONETARY).divide(col(FREQUENCY)).as(AVG_ORDER_VALUE),
            col(DISTINCT_PRODUCTS),
            coalesce(col(RETURNS_COUNT), lit(0L)).as(RETURNS_COUNT),
            coalesce(col(RETURNS_VALUE), lit(0.0)).as(RETURNS_VALUE),
            col(COUNTRY));
  }

  /** Customer lines dated on or before {@code asOf}; the month filter prunes partitions. */
  private static Dataset<Row> upTo(Dataset<Row> lines, LocalDate asOf) {
    return lines
        .filter(col(INVOICE_MONTH).leq(asOf.toString().substring(0, 7)))
        .filter(to_date(col(INVOICE_TS)).leq(lit(Date.valueOf(asOf))))
        .filter(col(CUSTOMER_ID).isNotNull());
  }

  @Override
  public StageResult run(StageContext ctx) {
    LocalDate asOf = ctx.asOf();
    Dataset<Row> rfm = compute(ctx.tables().read(Tables.SILVER_SALES),
        ctx.tables().read(Tables.SILVER_RETURNS), asOf);
    long rows = ctx.tables().replaceWhere(Tables.CUSTOMER_RFM, AS_OF_DATE + " = '" + asOf + "'",
        rfm, AS_OF_DATE);
    return new StageResult(ctx.tables().count(Tables.SILVER_SALES), rows, "as of " + asOf);
  }
}
