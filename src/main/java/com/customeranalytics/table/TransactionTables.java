package com.customeranalytics.table;

import static com.customeranalytics.table.Columns.BRONZE_VERSION;
import static com.customeranalytics.table.Columns.CHECKED_AT;
import static com.customeranalytics.table.Columns.CLEAN_MODE;
import static com.customeranalytics.table.Columns.CONSERVATION_OK;
import static com.customeranalytics.table.Columns.COUNTRY;
import static com.customeranalytics.table.Columns.CUSTOMER_ID;
import static com.customeranalytics.table.Columns.DESCRIPTION;
import static com.customeranalytics.table.Columns.ERROR;
import static com.customeranalytics.table.Columns.INGESTED_AT;
import static com.customeranalytics.table.Columns.INPUT_ROWS;
import static com.customeranalytics.table.Columns.INVOICE_MONTH;
import static com.customeranalytics.table.Columns.INVOICE_NO;
import static com.customeranalytics.table.Columns.INVOICE_TS;
import static com.customeranalytics.table.Columns.OUTPUT_ROWS;
import static com.customeranalytics.table.Columns.PARSE_ERROR;
import static com.customeranalytics.table.Columns.QUANTITY;
import static com.customeranalytics.table.Columns.QUARANTINED_AT;
import static com.customeranalytics.table.Columns.RAW_RECORD;
import static com.customeranalytics.table.Columns.REASON;
import static com.customeranalytics.table.Columns.ROWS;
import static com.customeranalytics.table.Columns.RUN_ID;
import static com.customeranalytics.table.Columns.SOURCE_CHECKSUM;
import static com.customeranalytics.table.Columns.SOURCE_FILE;
import static com.customeranalytics.table.Columns.SOURCE_MODIFIED_AT;
import static com.customeranalytics.table.Columns.SOURCE_ROW;
import static com.customeranalytics.table.Columns.SOURCE_SIZE;
import static com.customeranalytics.table.Columns.STOCK_CODE;
import static com.customeranalytics.table.Columns.TABLE_NAME;
import static com.customeranalytics.table.Columns.UNIT_PRICE;

import java.util.List;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The transaction tables' contract: bronze_transactions, ingest_quarantine, the four silver
 * tables and dq_report. Names are in {@link Tables}, columns in {@link Columns}.
 */
public final class TransactionTables {
  private TransactionTables() {}

  /** The eight input fields, in the source's order: equality on all of them makes a duplicate line. */
  public static final List<String> FIELDS = List.of(INVOICE_NO, STOCK_CODE, DESCRIPTION, QUANTITY,
      INVOICE_TS, UNIT_PRICE, CUSTOMER_ID, COUNTRY);

  /** Lineage columns bronze adds to every row and silver keeps. */
  public static final List<String> LINEAGE = List.of(SOURCE_FILE, SOURCE_ROW, RUN_ID, INGESTED_AT);

  /** bronze_transactions: typed input fields, parse outcome, lineage. */
  public static final StructType BRONZE_SCHEMA = new StructType()
      .add(INVOICE_NO, DataTypes.StringType)
      .add(STOCK_CODE, DataTypes.StringType)
      .add(DESCRIPTION, DataTypes.StringType)
      .add(QUANTITY, DataTypes.IntegerType)
      .add(INVOICE_TS, DataTypes.TimestampType)
      .add(UNIT_PRICE, DataTypes.DoubleType)
      .add(CUSTOMER_ID, DataTypes.LongType)
      .add(COUNTRY, DataTypes.StringType)
      .add(INVOICE_MONTH, DataTypes.StringType)
      .add(PARSE_ERROR, DataTypes.StringType)
      .add(RAW_RECORD, DataTypes.StringType)
      .add(SOURCE_FILE, DataTypes.StringType)
      .add(SOURCE_ROW, DataTypes.LongType)
      .add(RUN_ID, DataTypes.StringType)
      .add(INGESTED_AT, DataTypes.TimestampType)
      .add(SOURCE_CHECKSUM, DataTypes.StringType)
      .add(SOURCE_SIZE, DataTypes.LongType)
      .add(SOURCE_MODIFIED_AT, DataTypes.TimestampType);

  /** ingest_quarantine: one row per file set aside by a run. */
  public static final StructType QUARANTINE_SCHEMA = new StructType()
      .add(SOURCE_FILE, DataTypes.StringType, false)
      .add(SOURCE_SIZE, DataTypes.LongType, false)
      .add(SOURCE_MODIFIED_AT, DataTypes.TimestampType, false)
      .add(ERROR, DataTypes.StringType, false)
      .add(RUN_ID, DataTypes.StringType, false)
      .add(QUARANTINED_AT, DataTypes.TimestampType, false);

  /** dq_report: long format, one row per (table, reason) of a clean run, plus the totals. */
  public static final StructType DQ_SCHEMA = new StructType()
      .add(RUN_ID, DataTypes.StringType, false)
      .add(CHECKED_AT, DataTypes.TimestampType, false)
      .add(TABLE_NAME, DataTypes.StringType, false)
      .add(REASON, DataTypes.StringType, true)
      .add(ROWS, DataTypes.LongType, false)
      .add(INPUT_ROWS, DataTypes.LongType, false)
      .add(OUTPUT_ROWS, DataTypes.LongType, false)
      .add(CONSERVATION_OK, DataTypes.BooleanType, false)
      .add(BRONZE_VERSION, DataTypes.LongType, true)
      .add(CLEAN_MODE, DataTypes.StringType, true);

  /** clean_mode values. */
  public static final String FULL = "full";
  public static final String INCREMENTAL = "incremental";
  /** dq_report reason of a run's rows written per table. */
  public static final String TOTAL = "_total";
  /** dq_report reason of a table's rows after the run; input_rows / output_rows: all of bronze / silver. */
  public static final String CUMULATIVE = "_cumulative";

  // Values of reason on silver_returns, silver_excluded and dq_report.
  public static final String CANCELLATION = "cancellation";
  public static final String ADJUSTMENT = "adjustment";
  public static final String NON_PRODUCT = "non_product";
  public static final String NON_POSITIVE_QUANTITY = "non_positive_quantity";
  public static final String NON_POSITIVE_PRICE = "non_positive_price";
  public static final String DUPLICATE = "duplicate";
}
