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

  // Runs.
  public static final String AS_OF_DATE = "as_of_date";
}
