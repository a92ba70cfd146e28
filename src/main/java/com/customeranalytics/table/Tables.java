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
  /** RFM figures per customer and as-of date. */
  public static final String CUSTOMER_RFM = "customer_rfm";
  /** RFM plus KMeans clusters, scores and named segments per customer and as-of date. */
  public static final String CUSTOMER_SEGMENTS = "customer_segments";
  /** Per dimension and cluster: customers, min, max, mean, center. */
  public static final String RFM_CLUSTER_PROFILES = "rfm_cluster_profiles";
  /** Per dimension and k: within-cluster cost (elbow) and silhouette. */
  public static final String KMEANS_K_SELECTION = "kmeans_k_selection";
  /** One row per customer with a purchase in the LTV feature window: features, label, class, split. */
  public static final String LTV_TRAINING_SET = "ltv_training_set";
  /** LTV class centers and boundaries (label revenue) per as-of date. */
  public static final String LTV_CLASS_BOUNDARIES = "ltv_class_boundaries";
  /** Per model and variant: sizes, accuracy, weighted and per-class figures, ROC AUC. */
  public static final String LTV_MODEL_METRICS = "ltv_model_metrics";
  /** One-vs-rest ROC curve points per model, variant and class. */
  public static final String LTV_ROC_POINTS = "ltv_roc_points";
  /** Predicted LTV class and probabilities for current customers. */
  public static final String LTV_PREDICTIONS = "ltv_predictions";
  public static final String NEXT_PURCHASE_TRAINING_SET = "next_purchase_training_set";
  public static final String NEXT_PURCHASE_METRICS = "next_purchase_metrics";
  public static final String NEXT_PURCHASE_ROC_POINTS = "next_purchase_roc_points";
  public static final String NEXT_PURCHASE_PREDICTIONS = "next_purchase_predictions";
  /** BG/NBD and Gamma-Gamma parameters per fit (calibration, full), with the fits' figures. */
  public static final String CLV_MODEL_PARAMS = "clv_model_params";
  /** Per customer: summary, P(alive), expected purchases and value over the horizon, CLV, decile. */
  public static final String CLV_PREDICTIONS = "clv_predictions";
  /** Calibration fit vs the holdout period, per calibration frequency: predicted, actual, errors. */
  public static final String CLV_HOLDOUT_METRICS = "clv_holdout_metrics";
  /** Per month: revenue, growth, orders, customers (active, new, retained), returns. */
  public static final String MONTHLY_METRICS = "monthly_metrics";
  /** First-purchase-month cohort x months since: active customers, share of the cohort, revenue. */
  public static final String COHORT_RETENTION = "cohort_retention";
  /** Country x month, plus an all-months row per country: revenue, orders, customers, shares. */
  public static final String COUNTRY_ROLLUP = "country_rollup";
  /** Per KMeans segment and per named RFM segment: customers, revenue share, mean R/F/M. */
  public static final String SEGMENT_SUMMARY = "segment_summary";
  /** Data-driven statements with their figures, one per row. */
  public static final String INSIGHTS = "insights";
  /** Input files ingest set aside (ingest.on-corrupt-file = skip): file, error, run. */
  public static final String INGEST_QUARANTINE = "ingest_quarantine";
  /** What the customer stages read from clean, as one set (see TableStore.readWrittenTogether). */
  public static final java.util.List<String> SALES_AND_RETURNS = java.util.List.of(SILVER_SALES, SILVER_RETURNS);
  /** The tables one clean writes, before dq_report (which it writes last). */
  public static final java.util.List<String> SILVER = java.util.List.of(SILVER_SALES, SILVER_RETURNS,
      SILVER_EXCLUDED, SILVER_INVALID);
  /** One row per stage run. */
  public static final String JOB_RUNS = "job_runs";
  /**
   * rfm's customer state (internal, not for BI): per customer, invoice, day, kind (sale or
   * return) and ingest run, the revenue and the latest line's time and country.
   */
  public static final String RFM_STATE_INVOICES = "rfm_state_invoices";
  /** rfm's customer state: per customer and product, the first day it was bought. */
  public static final String RFM_STATE_PRODUCTS = "rfm_state_products";
  /** rfm's customer state: per update, the bronze version (clean's record) it holds up to. */
  public static final String RFM_STATE_LOG = "rfm_state_log";

  /**
   * The rollups' month state (internal, not for BI): per day (partitioned by month), country,
   * invoice and customer, the revenue, units and lines of all silver sales.
   */
  public static final String ROLLUP_STATE_INVOICES = "rollup_state_invoices";
  /** The rollups' month state: per day and stock code, the value and lines of all returns. */
  public static final String ROLLUP_STATE_RETURNS = "rollup_state_returns";
  /** The rollups' month state: per update, the bronze version (clean's record) it holds up to. */
  public static final String ROLLUP_STATE_LOG = "rollup_state_log";
  /**
   * The model stages' scoring record (internal, not for BI): per task and as-of date scored with
   * a saved model, a digest of what the scoring read and the customers it scored, so a night
   * whose scoring would read the same can reuse those predictions.
   */
  public static final String MODEL_STATE_SCORING = "model_state_scoring";
  /**
   * Columns whose Delta file statistics (min, max, null count) are kept: those the stages filter
   * on. Delta's default, the first 32 columns, also summarises long text (descriptions, raw
   * records) that no query skips files by, at a cost on every write. Null: Delta's default
   * (the small gold tables).
   */
  public static String statsColumns(String table) {
    switch (table) {
      case BRONZE_TRANSACTIONS:
        return Columns.SOURCE_FILE + "," + Columns.INVOICE_TS + "," + Columns.RUN_ID;
      case SILVER_SALES:
      case SILVER_RETURNS:
      case SILVER_EXCLUDED:
      case SILVER_INVALID:
        // run_id: an incremental clean reads and replaces one ingest run's rows.
        return Columns.INVOICE_TS + "," + Columns.CUSTOMER_ID + "," + Columns.RUN_ID;
      default:
        return null;
    }
  }

  /**
   * The customer, month and scoring state tables: internal to rfm, rollups and the model stages,
   * not registered for BI.
   */
  public static boolean internal(String table) {
    return table.startsWith("rfm_state_") || table.startsWith("rollup_state_") || table.startsWith("model_state_");
  }

  /**
   * The stage that writes {@code table} (pipeline stage names), for messages such as "run the
   * rfm stage first"; null for the run logs every stage writes and the model stages' shared
   * scoring record.
   */
  public static String writtenBy(String table) {
    if (table.startsWith("silver_") || table.equals(DQ_REPORT)) {
      return "clean";
    }
    if (table.startsWith("rfm_state_")) {
      return "rfm";
    }
    if (table.startsWith("rollup_state_")) {
      return "rollups";
    }
    if (table.startsWith("clv_")) {
      return "clv";
    }
    if (table.startsWith("ltv_")) {
      return "ltv";
    }
    if (table.startsWith("next_purchase_")) {
      return "next_purchase";
    }
    switch (table) {
      case BRONZE_TRANSACTIONS:
      case INGEST_QUARANTINE:
        return "ingest";
      case CUSTOMER_RFM:
        return "rfm";
      case CUSTOMER_SEGMENTS:
      case RFM_CLUSTER_PROFILES:
      case KMEANS_K_SELECTION:
        return "segment";
      case MONTHLY_METRICS:
      case COHORT_RETENTION:
      case COUNTRY_ROLLUP:
      case SEGMENT_SUMMARY:
      case INSIGHTS:
        return "rollups";
      default:
        return null;
    }
  }
}
