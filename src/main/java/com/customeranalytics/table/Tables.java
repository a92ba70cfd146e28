package com.customeranalytics.table;

/** Table names under the warehouse root. Fixed: BI dashboards and our checks read them. */
public final class Tables {
  private Tables() {}

  /** Typed raw transactions with lineage, partitioned by invoice month. */
  public static final String BRONZE_TRANSACTIONS = "bronze_transactions";
  /** Valid product sales (including guest sales). */
  public static final String SILVER_SALES = "silver_sales";
  /** Cancellation lines. */
  public static final String SILVER_RETURNS = "silver_returns";
  /** Parsed rows that are not sales (adjustments, non-product codes, ...), with a reason. */
  public static final String SILVER_EXCLUDED = "silver_excluded";
  /** Rows whose required fields are missing or do not parse, with a reason and the raw text. */
  public static final String SILVER_INVALID = "silver_invalid";
  /** Per clean run: rows per table and reason, and whether row conservation held. */
  public static final String DQ_REPORT = "dq_report";
  /** One row per stage run. */
  public static final String JOB_RUNS = "job_runs";
}
