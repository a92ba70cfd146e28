package com.customeranalytics.table;

import io.delta.tables.DeltaTable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.DataFrameWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;

/**
 * Delta table I/O under one warehouse root (local path, s3a:// or gs://). Knows no stage.
 * Writes report the rows they committed from Delta's own commit metrics, so no extra count job.
 */
public final class TableStore {
  private final SparkSession spark;
  private final String root;

  public TableStore(SparkSession spark, String warehouseRoot) {
    this.spark = spark;
    this.root = warehouseRoot.endsWith("/") ? warehouseRoot.substring(0, warehouseRoot.length() - 1)
        : warehouseRoot;
  }

  public String root() {
    return root;
  }

  public String path(String table) {
    return root + "/" + table;
  }

  public boolean exists(String table) {
    return DeltaTable.isDeltaTable(spark, path(table));
  }

  public Dataset<Row> read(String table) {
    if (!exists(table)) {
      throw new IllegalStateException("Table " + table + " does not exist under " + root
          + ": run the stage that writes it first");
    }
    return spark.read().format("delta").load(path(table));
  }

  /** Appends rows; returns the rows written. */
  public long append(String table, Dataset<Row> rows, String... partitionBy) {
    writer(table, rows).mode(SaveMode.Append).partitionBy(partitionBy).save(path(table));
    return lastCommitRows(table);
  }

  /** A Delta writer for {@code table}, with the table's statistics columns when it is created. */
  private DataFrameWriter<Row> writer(String table, Dataset<Row> rows) {
    DataFrameWriter<Row> w = rows.write().format("delta");
    String stats = Tables.statsColumns(table);
    return stats == null ? w : w.option("delta.dataSkippingStatsColumns", stats);
  }

  /**
   * Appends to a run log (job_runs, dq_report) whose schema may gain columns between versions:
   * new columns are merged in rather than failing a finished stage.
   */
  public long appendLog(String table, Dataset<Row> rows) {
    rows.write().format("delta").mode(SaveMode.Append).option("mergeSchema", "true").save(path(table));
    return lastCommitRows(table);
  }

  /** Replaces the whole table (schema included); returns the rows written. */
  public long overwrite(String table, Dataset<Row> rows, String... partitionBy) {
    writer(table, rows).mode(SaveMode.Overwrite).option("overwriteSchema", "true")
        .partitionBy(partitionBy).save(path(table));
    return lastCommitRows(table);
  }

  /**
   * Atomically replaces the rows matching {@code predicate} (e.g. one as-of date) with
   * {@code rows}, so re-running a night gives the same table, not copies.
   */
  public long replaceWhere(String table, String predicate, Dataset<Row> rows, String... partitionBy) {
    if (!exists(table)) {
      return append(table, rows, partitionBy);
    }
    writer(table, rows).mode(SaveMode.Overwrite).option("replaceWhere", predicate)
        .partitionBy(partitionBy).save(path(table));
    return lastCommitRows(table);
  }

  /** Rows written by the table's latest commit, from Delta's operation metrics. */
  public long lastCommitRows(String table) {
    Row last = DeltaTable.forPath(spark, path(table)).history(1).select("operationMetrics").head();
    Map<String, String> metrics = last.getJavaMap(0);
    if (metrics == null) {
      return 0L;
    }
    String n = metrics.get("numOutputRows");
    return n == null ? 0L : Long.parseLong(n);
  }

  /**
   * Rows in a table. Delta answers an unfiltered count from its log's file statistics
   * (metadata-only query), so this reads no data files.
   */
  public long count(String table) {
    return read(table).count();
  }

  /** Names of the Delta tables under the root, sorted. */
  public List<String> listTables() {
    List<String> names = new ArrayList<>();
    try {
      Path rootPath = new Path(root);
      Configuration conf = spark.sparkContext().hadoopConfiguration();
      FileSystem fs = rootPath.getFileSystem(conf);
      if (!fs.exists(rootPath)) {
        return names;
      }
      for (FileStatus st : fs.listStatus(rootPath)) {
        if (st.isDirectory() && fs.exists(new Path(st.getPath(), "_delta_log"))) {
          names.add(st.getPath().getName());
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException("Cannot list warehouse " + root + ": " + e.getMessage(), e);
    }
    names.sort(String::compareTo);
    return names;
  }
}
