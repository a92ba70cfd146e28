package com.customeranalytics.table;

/** Column names shared between stages and tables (the BI table contract: snake_case, fixed). */
public final class Columns {
  private Columns() {}

  // Transactions (bronze, silver).
  /** Invoice number; a leading letter marks a cancellation (C) or an adjustment (A). */
  public static final String INVOICE_NO = "invoice_no";
  /** Product code. */
  public static final String STOCK_CODE = "stock_code";
  /** Product description, free text. */
  public static final String DESCRIPTION = "description";
  /** Units on the line; negative on cancellations. */
  public static final String QUANTITY = "quantity";
  /** Invoice timestamp (session time zone, UTC by default). */
  public static final String INVOICE_TS = "invoice_ts";
  /** Price per unit. */
  public static final String UNIT_PRICE = "unit_price";
  /** Customer id (bigint); null for guest purchases. */
  public static final String CUSTOMER_ID = "customer_id";
  /** Customer country. */
  public static final String COUNTRY = "country";
  /** Invoice month, yyyy-MM; the partition column of transaction tables. */
  public static final String INVOICE_MONTH = "invoice_month";

  // Parsing and lineage (bronze).
  /** Null when every field parsed; else the problems, ';'-separated (e.g. unparseable_quantity). */
  public static final String PARSE_ERROR = "parse_error";
  /** The row's raw text when it did not parse; null otherwise. */
  public static final String RAW_RECORD = "raw_record";
  /** Full path of the file (or Delta table) the row came from. */
  public static final String SOURCE_FILE = "source_file";
  /** Position of the row within its source, increasing in file order. */
  public static final String SOURCE_ROW = "source_row";
  /** Id of the run that ingested the row. */
  public static final String RUN_ID = "run_id";
  /** When the row was ingested. */
  public static final String INGESTED_AT = "ingested_at";

  // Silver.
  /** quantity x unit_price. */
  public static final String REVENUE = "revenue";
  /** True when customer_id is null. */
  public static final String IS_GUEST = "is_guest";
  /** Why a row is excluded or invalid. */
  public static final String REASON = "reason";

  // Customer level (customer_rfm, customer_segments). Partitioned by as_of_date.
  /** The date the figures are as of; gold tables' partition column. */
  public static final String AS_OF_DATE = "as_of_date";
  /** Calendar days from the last purchase date to the as-of date (0 = bought that day). */
  public static final String RECENCY_DAYS = "recency_days";
  /** Distinct sales invoices. */
  public static final String FREQUENCY = "frequency";
  /** Sum of sales revenue. */
  public static final String MONETARY = "monetary";
  public static final String FIRST_PURCHASE_DATE = "first_purchase_date";
  public static final String LAST_PURCHASE_DATE = "last_purchase_date";
  /** Days from the first purchase date to the as-of date. */
  public static final String TENURE_DAYS = "tenure_days";
  /** monetary / frequency. */
  public static final String AVG_ORDER_VALUE = "avg_order_value";
  public static final String DISTINCT_PRODUCTS = "distinct_products";
  /** Distinct cancellation invoices up to the as-of date. */
  public static final String RETURNS_COUNT = "returns_count";
  /** Value of those cancellations, as a positive amount. */
  public static final String RETURNS_VALUE = "returns_value";

  // Segments.
  /** KMeans cluster index per dimension, relabelled so a higher index is a more valuable customer. */
  public static final String RECENCY_CLUSTER = "recency_cluster";
  public static final String FREQUENCY_CLUSTER = "frequency_cluster";
  public static final String MONETARY_CLUSTER = "monetary_cluster";
  /** Sum of the three cluster indices. */
  public static final String OVERALL_SCORE = "overall_score";
  /** Low / Mid / High by overall_score. */
  public static final String SEGMENT = "segment";
  /** Quintile scores 1-5 (5 best: most recent, most frequent, highest spend). */
  public static final String R_SCORE = "r_score";
  public static final String F_SCORE = "f_score";
  public static final String M_SCORE = "m_score";
  /** Named segment from r_score and f_score (Champions, Loyal, ..., Lost). */
  public static final String RFM_SEGMENT = "rfm_segment";
}
