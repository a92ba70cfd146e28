package com.customeranalytics.features;

import static com.customeranalytics.table.Columns.COUNTRY;
import static com.customeranalytics.table.Columns.CUSTOMER_ID;
import static com.customeranalytics.table.Columns.DAY;
import static com.customeranalytics.table.Columns.DISTINCT_PRODUCTS;
import static com.customeranalytics.table.Columns.FIRST_DAY;
import static com.customeranalytics.table.Columns.FIRST_PURCHASE_DATE;
import static com.customeranalytics.table.Columns.FREQUENCY;
import static com.customeranalytics.table.Columns.INVOICE_MONTH;
import static com.customeranalytics.table.Columns.INVOICE_NO;
import static com.customeranalytics.table.Columns.INVOICE_TS;
import static com.customeranalytics.table.Columns.KIND;
import static com.customeranalytics.table.Columns.LAST_COUNTRY;
import static com.customeranalytics.table.Columns.LAST_INVOICE_TS;
import static com.customeranalytics.table.Columns.LAST_PURCHASE_DATE;
import static com.customeranalytics.table.Columns.MONETARY;
import static com.customeranalytics.table.Columns.RETURNS_COUNT;
import static com.customeranalytics.table.Columns.RETURNS_VALUE;
import static com.customeranalytics.table.Columns.REVENUE;
import static com.customeranalytics.table.Columns.REVENUE_MICROS;
import static com.customeranalytics.table.Columns.RUN_ID;
import static com.customeranalytics.table.Columns.STOCK_CODE;
import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
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
 * The customer state behind customer_rfm, kept so that a night reads its new lines and this
 * state rather than all transactions. Two tables, both exact for any as-of date because they are
 * kept per day: invoices (per customer, invoice, day, kind and ingest run: revenue in
 * millionths, the latest line's time and country) and products (per customer and product: the
 * first day bought). Built from lines with the functions here, and read back into the figures
 * {@link Rfm#compute} gives from the lines themselves. Pure: no I/O.
 */
public final class CustomerState {
  private CustomerState() {}

  public static final String SALE = "sale";
  public static final String RETURN = "return";

  /**
   * Invoice rows of customer lines (guests never count): a row per customer, invoice, day,
   * kind and ingest run, so a run's rows are its own and merging them again changes nothing.
   */
  public static Dataset<Row> invoices(Dataset<Row> sales, Dataset<Row> returns) {
    return invoiceRows(sales, SALE, col(REVENUE)).unionByName(invoiceRows(returns, RETURN, abs(col(REVENUE))));
  }

  private static Dataset<Row> invoiceRows(Dataset<Row> lines, String kind, Column amount) {
    return lines.filter(col(CUSTOMER_ID).isNotNull())
        .groupBy(col(CUSTOMER_ID), col(INVOICE_NO), to_date(col(INVOICE_TS)).as(DAY), col(RUN_ID), col(INVOICE_MONTH))
        .agg(sum(Money.micros(amount)).as(REVENUE_MICROS), max(struct(col(INVOICE_TS), col(COUNTRY))).as("_last"))
        .select(col(CUSTOMER_ID), col(INVOICE_NO), col(DAY), lit(kind).as(KIND), col(RUN_ID),
            col(REVENUE_MICROS), col("_last").getField(INVOICE_TS).as(LAST_INVOICE_TS),
            col("_last").getField(COUNTRY).as(LAST_COUNTRY), col(INVOICE_MONTH));
  }

  /** Product rows of customer sales: the first day each customer bought each product. */
  public static Dataset<Row> products(Dataset<Row> sales) {
    return sales.filter(col(CUSTOMER_ID).isNotNull())
        .groupBy(col(CUSTOMER_ID), col(STOCK_CODE))
        .agg(min(to_date(col(INVOICE_TS))).as(FIRST_DAY));
  }

  /**
   * customer_rfm's rows as of {@code asOf} from the state: the columns, types and values
   * {@link Rfm#compute} gives from the lines (sums of millionths are exact, so equal to the bit).
   */
  public static Dataset<Row> rfm(Dataset<Row> invoices, Dataset<Row> products, LocalDate asOf) {
    Column asOfDate = lit(Date.valueOf(asOf));
    Dataset<Row> upTo = invoices.filter(col(DAY).leq(asOfDate));
    Dataset<Row> perCustomer = upTo.filter(col(KIND).equalTo(SALE))
        .groupBy(col(CUSTOMER_ID))
        .agg(
            max(col(DAY)).as(LAST_PURCHASE_DATE),
            min(col(DAY)).as(FIRST_PURCHASE_DATE),
            countDistinct(col(INVOICE_NO)).as(FREQUENCY),
            Money.sumMicros(col(REVENUE_MICROS)).as(MONETARY),
            max(struct(col(LAST_INVOICE_TS).as(INVOICE_TS), col(LAST_COUNTRY).as(COUNTRY))).getField(COUNTRY)
                .as(COUNTRY));
    Dataset<Row> perCustomerProducts = products.filter(col(FIRST_DAY).leq(asOfDate))
        .groupBy(col(CUSTOMER_ID)).agg(count(lit(1)).as(DISTINCT_PRODUCTS));
    Dataset<Row> perCustomerReturns = upTo.filter(col(KIND).equalTo(RETURN))
        .groupBy(col(CUSTOMER_ID))
        .agg(countDistinct(col(INVOICE_NO)).as(RETURNS_COUNT), Money.sumMicros(col(REVENUE_MICROS)).as(RETURNS_VALUE));
    Dataset<Row> withProducts = perCustomer
        .join(perCustomerProducts, perCustomer.col(CUSTOMER_ID).equalTo(perCustomerProducts.col(CUSTOMER_ID)), "left")
        .drop(perCustomerProducts.col(CUSTOMER_ID));
    return Rfm.figures(withProducts, perCustomerReturns, asOf);
  }
}
