package com.customeranalytics.clv;

import static com.customeranalytics.table.Columns.CUSTOMER_ID;
import static com.customeranalytics.table.Columns.DAY;
import static com.customeranalytics.table.Columns.FREQUENCY;
import static com.customeranalytics.table.Columns.KIND;
import static com.customeranalytics.table.Columns.MONETARY_VALUE;
import static com.customeranalytics.table.Columns.RECENCY;
import static com.customeranalytics.table.Columns.REVENUE_MICROS;
import static com.customeranalytics.table.Columns.T;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.datediff;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.min_by;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import com.customeranalytics.config.Settings.TimeUnit;
import com.customeranalytics.features.CustomerState;
import java.sql.Date;
import java.time.LocalDate;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/**
 * The customer summary the CLV models take, with lifetimes' definitions
 * (summary_data_from_transaction_data): a purchase is a distinct purchase day; frequency = purchase
 * days - 1; recency = first to last purchase day; t = first purchase day to the end of the period;
 * monetary_value = the mean revenue of the repeat purchase days (the first left out), 0 without
 * one. Built from rfm's customer state (its invoice rows are exact sums of silver_sales' customer
 * lines per day), so a night reads invoice-sized state, not all lines. Pure: no I/O.
 */
public final class CustomerSummary {
  private CustomerSummary() {}

  static final String PURCHASE_DAYS = "_days";
  static final String DAY_MICROS = "_micros";
  private static final double MICROS = 1e6;

  /** customer_id, day, revenue of that day in millionths (_micros): sales on or before asOf. */
  public static Dataset<Row> purchaseDays(Dataset<Row> stateInvoices, LocalDate asOf) {
    return stateInvoices.filter(col(KIND).equalTo(CustomerState.SALE).and(col(DAY).leq(lit(Date.valueOf(asOf)))))
        .groupBy(col(CUSTOMER_ID), col(DAY))
        .agg(sum(col(REVENUE_MICROS)).as(DAY_MICROS));
  }

  /**
   * customer_id, frequency (long), recency, t, monetary_value (doubles, recency and t in
   * {@code unit}) of the customers whose first purchase day is on or before {@code end}, from
   * their purchase days up to {@code end}.
   */
  public static Dataset<Row> summary(Dataset<Row> purchaseDays, LocalDate end, TimeUnit unit) {
    Column endDate = lit(Date.valueOf(end));
    Dataset<Row> perCustomer = purchaseDays.filter(col(DAY).leq(endDate))
        .groupBy(col(CUSTOMER_ID))
        .agg(min(col(DAY)).as("_first"), max(col(DAY)).as("_last"), count(lit(1)).as(PURCHASE_DAYS),
            sum(col(DAY_MICROS)).as("_total"), min_by(col(DAY_MICROS), col(DAY)).as("_first_micros"));
    Column frequency = col(PURCHASE_DAYS).minus(1);
    return perCustomer.select(
        col(CUSTOMER_ID),
        frequency.as(FREQUENCY),
        inUnit(datediff(col("_last"), col("_first")), unit).as(RECENCY),
        inUnit(datediff(endDate, col("_first")), unit).as(T),
        when(frequency.gt(0), col("_total").minus(col("_first_micros")).divide(MICROS).divide(frequency))
            .otherwise(lit(0.0)).as(MONETARY_VALUE));
  }

  /**
   * Per customer: purchase days and revenue after {@code from} (exclusive) up to the end of
   * {@code purchaseDays}: customer_id, _days (long), _revenue (double).
   */
  public static Dataset<Row> after(Dataset<Row> purchaseDays, LocalDate from) {
    return purchaseDays.filter(col(DAY).gt(lit(Date.valueOf(from))))
        .groupBy(col(CUSTOMER_ID))
        .agg(count(lit(1)).as(PURCHASE_DAYS), sum(col(DAY_MICROS)).divide(MICROS).as("_revenue"));
  }

  static Column inUnit(Column days, TimeUnit unit) {
    return days.cast(DataTypes.DoubleType).divide(unit.days);
  }

  /** A length of {@code days} in {@code unit}. */
  public static double inUnit(long days, TimeUnit unit) {
    return (double) days / unit.days;
  }
}
