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
  /** Bronze lineage: SHA-256 of the source file's bytes ("sha256:<hex>"), its size and time. */
  public static final String SOURCE_CHECKSUM = "source_checksum";
  public static final String SOURCE_SIZE = "source_size";
  public static final String SOURCE_MODIFIED_AT = "source_modified_at";

  // ingest_quarantine.
  /** Why the file was set aside (the reader's message). */
  public static final String ERROR = "error";
  /** When the run set the file aside. */
  public static final String QUARANTINED_AT = "quarantined_at";

  // Silver.
  /** quantity x unit_price. */
  public static final String REVENUE = "revenue";
  /** True when customer_id is null. */
  public static final String IS_GUEST = "is_guest";
  /** Why a row is excluded or invalid. */
  public static final String REASON = "reason";
  /** On silver_invalid: every parse problem of the row (reason is the first). */
  public static final String DETAIL = "detail";

  // dq_report: long format, one row per (table, reason) of a clean run, plus the totals.
  /** When the clean run checked the counts. */
  public static final String CHECKED_AT = "checked_at";
  /** The silver table the row counts (or "total"). */
  public static final String TABLE_NAME = "table_name";
  /** Rows of that table and reason. */
  public static final String ROWS = "rows";
  /** Bronze rows the run classified. */
  public static final String INPUT_ROWS = "input_rows";
  /** Rows the run wrote to the four silver tables together. */
  public static final String OUTPUT_ROWS = "output_rows";
  /** True when input_rows = output_rows. */
  public static final String CONSERVATION_OK = "conservation_ok";
  /** The bronze version the run had classified up to when it ended. */
  public static final String BRONZE_VERSION = "bronze_version";
  /** full (all of bronze classified again) or incremental (only the ingest runs not yet classified). */
  public static final String CLEAN_MODE = "clean_mode";

  // rfm's customer state (rfm_state_*): internal, kept by the rfm stage.
  /** An invoice's day (its invoice_ts's date). */
  public static final String DAY = "day";
  /** sale or return. */
  public static final String KIND = "kind";
  /** Rollups' month state: the silver lines an aggregate row sums up. */
  public static final String LINES = "lines";
  /** Revenue as whole millionths (see features.Money): partial sums add up exactly. */
  public static final String REVENUE_MICROS = "revenue_micros";
  /** The time and country of the latest line (the greatest by time, then country). */
  public static final String LAST_INVOICE_TS = "last_invoice_ts";
  public static final String LAST_COUNTRY = "last_country";
  /** The first day a customer bought a product. */
  public static final String FIRST_DAY = "first_day";
  /** full (rebuilt from silver) or incremental (the new ingest runs merged). */
  public static final String STATE_MODE = "state_mode";
  public static final String UPDATED_AT = "updated_at";

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

  // Rollups (gold). Money is sales revenue (guests included) unless the name says customers.
  /** Calendar month, yyyy-MM. */
  public static final String MONTH = "month";
  /** True when the as-of date is on or after the month's last day (a partial month reads low). */
  public static final String COMPLETE_MONTH = "complete_month";
  /** (revenue - previous month's) / previous month's; null in the first month or after a month of 0. */
  public static final String REVENUE_GROWTH = "revenue_growth";
  /** Distinct sales invoices, guests' included. */
  public static final String ORDERS = "orders";
  /** Sum of quantity on sales lines. */
  public static final String UNITS = "units";
  /** Distinct customer ids with a sale (guests are not customers). */
  public static final String ACTIVE_CUSTOMERS = "active_customers";
  /** Active customers whose first purchase is in the month. */
  public static final String NEW_CUSTOMERS = "new_customers";
  /** Active customers who bought before the month. */
  public static final String EXISTING_CUSTOMERS = "existing_customers";
  public static final String NEW_CUSTOMER_REVENUE = "new_customer_revenue";
  public static final String EXISTING_CUSTOMER_REVENUE = "existing_customer_revenue";
  /** Revenue of sales without a customer id; revenue = new + existing + guest revenue. */
  public static final String GUEST_REVENUE = "guest_revenue";
  /** new_customers / active_customers. */
  public static final String NEW_CUSTOMER_RATIO = "new_customer_ratio";
  /** Customers active in both the previous month and this one. */
  public static final String RETAINED_CUSTOMERS = "retained_customers";
  /** retained_customers / the previous month's active customers; null in the first month. */
  public static final String RETENTION_RATE = "retention_rate";
  /** returns_value / revenue. */
  public static final String RETURN_RATE = "return_rate";
  /** Month of a customer's first purchase, yyyy-MM. */
  public static final String COHORT_MONTH = "cohort_month";
  /** Calendar months from the cohort month (0 = the cohort month itself). */
  public static final String MONTHS_SINCE_FIRST = "months_since_first";
  /** Customers whose first purchase is in the cohort month. */
  public static final String COHORT_CUSTOMERS = "cohort_customers";
  /** active_customers / cohort_customers. */
  public static final String SHARE_OF_COHORT = "share_of_cohort";
  /** Distinct customer ids. */
  public static final String CUSTOMERS = "customers";
  /** Share of the period's total revenue (all countries, or all segments). */
  public static final String REVENUE_SHARE = "revenue_share";
  /** Share of the period's distinct customers. */
  public static final String CUSTOMER_SHARE = "customer_share";
  /** Which grouping a segment_summary row belongs to: "segment" (KMeans) or "rfm_segment" (named). */
  public static final String SEGMENTATION = "segmentation";
  public static final String MEAN_RECENCY_DAYS = "mean_recency_days";
  public static final String MEAN_FREQUENCY = "mean_frequency";
  public static final String MEAN_MONETARY = "mean_monetary";
  /** Mean quintile scores (1-5) of the segment's customers. */
  public static final String MEAN_R_SCORE = "mean_r_score";
  public static final String MEAN_F_SCORE = "mean_f_score";
  public static final String MEAN_M_SCORE = "mean_m_score";
  /** Insight name, stable for BI filters (e.g. one_time_buyer_share). */
  public static final String METRIC = "metric";
  /** 1.. within a metric that lists several subjects (countries, months, segments); else 1. */
  public static final String RANK = "rank";
  /** What the figure is about (a country, month, segment, customer share); null when global. */
  public static final String SUBJECT = "subject";
  /** The insight's figure (a share, growth, ratio or count). */
  public static final String VALUE = "value";
  /** The insight in one sentence, with its figures. */
  public static final String STATEMENT = "statement";

  // Segment diagnostics (kmeans_k_selection, rfm_cluster_profiles).
  /** recency, frequency or monetary. */
  public static final String DIMENSION = "dimension";
  /** Clusters in a KMeans fit. */
  public static final String K = "k";
  /** Within-cluster sum of squared distances (the elbow curve). */
  public static final String COST = "cost";
  /** Silhouette of the fit (ClusteringEvaluator); higher is better separated. */
  public static final String SILHOUETTE = "silhouette";
  /** True on the k the segment stage used. */
  public static final String CHOSEN = "chosen";
  /** Cluster index (relabelled: higher = more valuable). */
  public static final String CLUSTER = "cluster";
  /** Smallest and largest value of a cluster's customers, in the dimension's units. */
  public static final String MIN = "min";
  public static final String MAX = "max";
  public static final String MEAN = "mean";
  /** Distinct clusters a fit ended with (can be below k on tied values). */
  public static final String CLUSTERS_FOUND = "clusters_found";
  /** A cluster's KMeans center, in the dimension's units. */
  public static final String CENTER = "center";
  /** True when the dimension was clustered on log1p(value). */
  public static final String LOG1P = "log1p";

  // Model stages (ltv_*, next_purchase_*).
  /** Revenue in the LTV label window (the 6 months before label_end). */
  public static final String LABEL_REVENUE = "label_revenue";
  /** LTV class name (Low, Mid, High) and its index (0 = lowest). */
  public static final String LTV_CLASS = "ltv_class";
  public static final String LTV_CLASS_INDEX = "ltv_class_index";
  /** At or above the outlier quantile of the label: kept in the training set, left out of training. */
  public static final String EXCLUDED_FROM_TRAINING = "excluded_from_training";
  /** Days from the last feature-window purchase to the first next-window purchase (null: none). */
  public static final String DAYS_TO_NEXT_PURCHASE = "days_to_next_purchase";
  /** Next-purchase class name (0-20, 21-50, over_50_or_none) and its index. */
  public static final String NEXT_PURCHASE_CLASS = "next_purchase_class";
  public static final String NEXT_PURCHASE_CLASS_INDEX = "next_purchase_class_index";
  /** Low / Mid / High segment as 0 / 1 / 2 (a model feature). */
  public static final String SEGMENT_INDEX = "segment_index";
  /** Days between the last and 2nd-last purchase days, 2nd and 3rd, 3rd and 4th (-1: undefined). */
  public static final String GAP_1 = "gap_1";
  public static final String GAP_2 = "gap_2";
  public static final String GAP_3 = "gap_3";
  /** Mean and sample standard deviation of all consecutive gaps (-1: undefined). */
  public static final String GAP_MEAN = "gap_mean";
  public static final String GAP_STD = "gap_std";
  /** Training set: "train", "test" (the stratified split) or "excluded" (an LTV outlier). */
  public static final String SPLIT = "split";
  /** Predictions: class name and index, and the id of the model that scored. */
  public static final String PREDICTED_CLASS = "predicted_class";
  public static final String PREDICTED_CLASS_INDEX = "predicted_class_index";
  public static final String MODEL_ID = "model_id";
  /**
   * model_state_scoring: the model stage (ltv, next_purchase), and a digest of what a scoring
   * read (the saved model, the scoring window, its silver files, the settings it depends on).
   */
  public static final String TASK = "task";
  public static final String SCORING_INPUTS = "scoring_inputs";
  /** Prefix of a prediction's per-class probability, prob_<class key>. */
  public static final String PROB_PREFIX = "prob_";
  /** Rows the reported model was trained on, and the test split's rows. */
  public static final String TRAIN_SIZE = "train_size";
  public static final String TEST_SIZE = "test_size";
  public static final String WEIGHTED_PRECISION = "weighted_precision";
  public static final String WEIGHTED_RECALL = "weighted_recall";
  /** Prefixes of the per-class figures, e.g. f1_<class key>. */
  public static final String PRECISION_PREFIX = "precision_";
  public static final String RECALL_PREFIX = "recall_";
  public static final String F1_PREFIX = "f1_";
  public static final String ROC_AUC_PREFIX = "roc_auc_";
  /** The parameters the reported model was fitted with. */
  public static final String PARAMS = "params";
  /** ltv_class_boundaries: class index, and the label range [lower, upper) of the class. */
  public static final String CLASS_INDEX = "class_index";
  public static final String LOWER = "lower";
  public static final String UPPER = "upper";
  /** The label's outlier quantile, above which customers are left out of training. */
  public static final String OUTLIER_THRESHOLD = "outlier_threshold";
  /** Classifier family (random_forest, gbt). */
  public static final String MODEL = "model";
  /** default (MLlib's parameters) or tuned (cross-validated). */
  public static final String VARIANT = "variant";
  /** Weighted F1 on the held-out test split. */
  public static final String WEIGHTED_F1 = "weighted_f1";
  /** Mean cross-validated F1 (the best model is chosen on it). */
  public static final String VALIDATION_F1 = "validation_f1";
  public static final String ACCURACY = "accuracy";
  /** True on the model saved and used for predictions. */
  public static final String IS_BEST = "is_best";
  /** Test-split confusion matrix as [[...],...], rows = true class, columns = predicted. */
  public static final String CONFUSION_MATRIX = "confusion_matrix";
  /** Class name on ROC points. */
  public static final String CLASS = "class";
  /** ROC point: false and true positive rate. */
  public static final String FPR = "fpr";
  public static final String TPR = "tpr";

  // job_runs: one row per stage run.
  public static final String STAGE = "stage";
  /** running, succeeded or failed (RunTables). */
  public static final String STATUS = "status";
  public static final String STARTED_AT = "started_at";
  public static final String ENDED_AT = "ended_at";
  public static final String SECONDS = "seconds";
  public static final String ROWS_IN = "rows_in";
  public static final String ROWS_OUT = "rows_out";
  /** Spark jobs the stage ran. */
  public static final String SPARK_JOBS = "spark_jobs";
  /** SHA-256 of the effective settings: equal digests, equal configuration. */
  public static final String SETTINGS_DIGEST = "settings_digest";
  /** The job's version. */
  public static final String VERSION = "version";
  /** The stage's summary, or its error. */
  public static final String MESSAGE = "message";

  // clv_predictions (lifetimes' customer summary, in clv.time-unit) and clv_model_params,
  // clv_holdout_metrics.
  /** First to last purchase day, in the time unit (frequency: repeat purchase days, as FREQUENCY). */
  public static final String RECENCY = "recency";
  /** First purchase day to the end of the period, in the time unit. */
  public static final String T = "t";
  /** Mean revenue of the repeat purchase days (the first day left out); 0 without repeat purchases. */
  public static final String MONETARY_VALUE = "monetary_value";
  public static final String P_ALIVE = "p_alive";
  public static final String EXPECTED_PURCHASES = "expected_purchases";
  public static final String EXPECTED_AVG_VALUE = "expected_avg_value";
  public static final String CLV = "clv";
  /** 1..10, 10 = the highest CLV. */
  public static final String CLV_DECILE = "clv_decile";
  /** calibration or full (ClvTables). */
  public static final String FIT = "fit";
  public static final String PARAMETER = "parameter";
  public static final String LOG_LIKELIHOOD = "log_likelihood";
  public static final String ITERATIONS = "iterations";
  public static final String CONVERGED = "converged";
  public static final String AT_BOUND = "at_bound";
  /** purchases or value (ClvTables). */
  public static final String TARGET = "target";
  /** Calibration repeat purchases: 0 .. 5, 6+, or all. */
  public static final String FREQUENCY_BUCKET = "frequency_bucket";
  public static final String CALIBRATION_END = "calibration_end";
  /** The holdout period's length in the time unit. */
  public static final String HOLDOUT_LENGTH = "holdout_length";
  /** Means over the bucket's customers: observed, the model's prediction, the naive baseline's. */
  public static final String ACTUAL = "actual";
  public static final String PREDICTED = "predicted";
  public static final String BASELINE = "baseline";
  public static final String RMSE = "rmse";
  public static final String MAE = "mae";
  public static final String BASELINE_RMSE = "baseline_rmse";
  public static final String BASELINE_MAE = "baseline_mae";
}
