package com.customeranalytics.features;

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

import java.sql.Date;
import java.time.LocalDate;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * RFM figures per customer: recency (days from the last purchase date to the as-of date),
 * frequency (distinct invoices), monetary (sales revenue) and companions. Guests never appear.
 * Shared by the rfm stage and the model stages (which compute it on their feature windows).
 */
public final class Rfm {
  private Rfm() {}

  /** Figures per customer from all purchases on or before {@code asOf}. */
  public static Dataset<Row> compute(Dataset<Row> sales, Dataset<Row> returns, LocalDate asOf) {
    return compute(sales, returns, null, asOf);
  }

  /**
   * Figures per customer from purchases in [{@code from}, {@code asOf}] ({@code from} null = since
   * the beginning); recency and tenure are counted to {@code asOf}.
   */
  public static Dataset<Row> compute(Dataset<Row> sales, Dataset<Row> returns, LocalDate from,
      LocalDate asOf) {
    Dataset<Row> perCustomer = window(sales, from, asOf)
        .groupBy(col(CUSTOMER_ID))
        .agg(
            max(to_date(col(INVOICE_TS))).as(LAST_PURCHASE_DATE),
            min(to_date(col(INVOICE_TS))).as(FIRST_PURCHASE_DATE),
            countDistinct(col(INVOICE_NO)).as(FREQUENCY),
            Money.sum(col(REVENUE)).as(MONETARY),
            countDistinct(col(STOCK_CODE)).as(DISTINCT_PRODUCTS),
            // The country of the latest purchase; ties broken by name, so it is deterministic.
            max(struct(col(INVOICE_TS), col(COUNTRY))).getField(COUNTRY).as(COUNTRY));
    Dataset<Row> perCustomerReturns = window(returns, from, asOf)
        .groupBy(col(CUSTOMER_ID))
        .agg(countDistinct(col(INVOICE_NO)).as(RETURNS_COUNT), Money.sum(abs(col(REVENUE))).as(RETURNS_VALUE));
    return figures(perCustomer, perCustomerReturns, asOf);
  }

  /**
   * customer_rfm's columns from per-customer sales figures (last and first purchase date,
   * frequency, monetary, distinct products, country) and returns figures (returns count and
   * value; customers without a return get 0): shared by the full computation and the state's.
   */
  public static Dataset<Row> figures(Dataset<Row> perCustomer, Dataset<Row> perCustomerReturns,
      LocalDate asOf) {
    Column asOfDate = lit(Date.valueOf(asOf));
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

  /**
   * Lines dated on or before {@code to}, guests' included; the month filter prunes partitions
   * before the date filter.
   */
  public static Dataset<Row> upTo(Dataset<Row> lines, LocalDate to) {
    return lines
        .filter(col(INVOICE_MONTH).leq(to.toString().substring(0, 7)))
        .filter(to_date(col(INVOICE_TS)).leq(lit(Date.valueOf(to))));
  }

  /** Customer lines dated in [{@code from}, {@code to}] ({@code from} null = no lower bound). */
  public static Dataset<Row> window(Dataset<Row> lines, LocalDate from, LocalDate to) {
    Dataset<Row> out = upTo(lines, to).filter(col(CUSTOMER_ID).isNotNull());
    if (from != null) {
      out = out.filter(col(INVOICE_MONTH).geq(from.toString().substring(0, 7)))
          .filter(to_date(col(INVOICE_TS)).geq(lit(Date.valueOf(from))));
    }
    return out;
  }
}
