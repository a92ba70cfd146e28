package com.customeranalytics.table;

import static com.customeranalytics.table.Columns.AS_OF_DATE;
import static com.customeranalytics.table.Columns.METRIC;
import static com.customeranalytics.table.Columns.RANK;
import static com.customeranalytics.table.Columns.STATEMENT;
import static com.customeranalytics.table.Columns.SUBJECT;
import static com.customeranalytics.table.Columns.VALUE;

import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The rollup tables' contract: monthly_metrics, cohort_retention, country_rollup, segment_summary
 * and insights. Names are in {@link Tables}, columns in {@link Columns}.
 */
public final class RollupTables {
  private RollupTables() {}

  /** country_rollup's month on the all-months row of each country. */
  public static final String ALL_MONTHS = "all";

  /** insights: data-driven statements with their figures, one per row. */
  public static final StructType INSIGHTS_SCHEMA = new StructType()
      .add(AS_OF_DATE, DataTypes.DateType, false)
      .add(METRIC, DataTypes.StringType, false)
      .add(RANK, DataTypes.IntegerType, false)
      .add(SUBJECT, DataTypes.StringType, true)
      .add(VALUE, DataTypes.DoubleType, true)
      .add(STATEMENT, DataTypes.StringType, false);

  // Values of insights.metric (stable: BI filters on them).
  /** Share of customers with exactly one invoice. */
  public static final String ONE_TIME_BUYER_SHARE = "one_time_buyer_share";
  /** Per configured top share of customers: their share of customer revenue. */
  public static final String TOP_CUSTOMERS_REVENUE_SHARE = "top_customers_revenue_share";
  /** Share of all revenue from countries other than the home country (the subject). */
  public static final String REVENUE_OUTSIDE_HOME_COUNTRY = "revenue_outside_home_country_share";
  /** Other countries ranked by revenue growth, latest complete window vs the one before. */
  public static final String FASTEST_GROWING_COUNTRY = "fastest_growing_country";
  /** Months ranked by how far average revenue per order is below the mean of months. */
  public static final String ORDER_VALUE_DIP_MONTH = "order_value_dip_month";
  /** Q4 revenue / Q1 revenue of the latest year with sales in both. */
  public static final String Q4_VS_Q1_REVENUE = "q4_vs_q1_revenue";
  /** Named RFM segments to target for repeat buying, largest first; value = customers. */
  public static final String REPEAT_BUYING_SEGMENT = "repeat_buying_target_segment";
  /** The top CLV decile's share of the expected value over the clv horizon (clv stage). */
  public static final String TOP_CLV_DECILE_VALUE_SHARE = "top_clv_decile_value_share";
  /** High-value customers (m_score 5) with P(alive) below LOW_P_ALIVE; value = customers. */
  public static final String HIGH_VALUE_LOW_P_ALIVE = "high_value_low_p_alive";
  /** P(alive) below this counts as "probably gone" in the insights. */
  public static final double LOW_P_ALIVE = 0.5;
  /** Product returns value / sales revenue, all months up to the as-of date. */
  public static final String PRODUCT_RETURN_RATE = "product_return_rate";
}
