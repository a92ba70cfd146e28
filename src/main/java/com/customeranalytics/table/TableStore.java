package com.customeranalytics.table;

import io.delta.tables.DeltaTable;
import java.io.IOException;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.DataFrameWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delta table I/O under one warehouse root (local path, s3a:// or gs://). Knows no stage.
 * Writes report the rows they committed from Delta's own commit metrics, so no extra count job.
 */
public final class TableStore {
  private static final Logger LOG = LoggerFactory.getLogger(TableStore.class);

  private final SparkSession spark;
  private final String root;
  /** Prefix of the tag each commit carries (Delta's userMetadata): the run that made it. */
  private final String run;
  private final AtomicLong writes = new AtomicLong();

  public TableStore(SparkSession spark, String warehouseRoot) {
    this(spark, warehouseRoot, "adhoc");
  }

  /** Writes are tagged with {@code runId}, so each write can find its own commit. */
  public TableStore(SparkSession spark, String warehouseRoot, String runId) {
    this.spark = spark;
    this.root = warehouseRoot.endsWith("/") ? warehouseRoot.substring(0, warehouseRoot.length() - 1)
        : warehouseRoot;
    this.run = runId;
  }

  public String root() {
    return root;
  }

  /** The root, with its S3 endpoint for s3a:// roots (for error messages). */
  public String describeRoot() {
    return root + StorageEndpoint.describe(new Path(root), spark.sparkContext().hadoopConfiguration());
  }

  public String path(String table) {
    return root + "/" + table;
  }

  public boolean exists(String table) {
    return DeltaTable.isDeltaTable(spark, path(table));
  }

  public Dataset<Row> read(String table) {
    if (!exists(table)) {
      String stage = Tables.writtenBy(table);
      throw new MissingTableException("Table " + table + " does not exist under " + root + ": run "
          + (stage == null ? "the stage that writes it" : "the " + stage + " stage (--stages " + stage + ")")
          + " first");
    }
    return spark.read().format("delta").load(path(table));
  }

  /**
   * Reads tables that one stage writes together, the table {@code writtenLast} last (clean: the
   * four silver tables, then dq_report), each pinned to its latest version. Fails when one of
   * them was rewritten after {@code writtenLast}'s latest commit by another run: a run that died
   * between its writes, whose tables must not be read as one set. (A write with nothing to commit
   * keeps an older commit, which is fine.) Without {@code writtenLast} (test fixtures) there is
   * nothing to check against.
   */
  public List<Dataset<Row>> readWrittenTogether(List<String> names, String writtenLast) {
    Row last = exists(writtenLast) ? latestCommit(writtenLast) : null;
    List<Dataset<Row>> out = new ArrayList<>();
    for (String t : names) {
      if (!exists(t)) {
        read(t); // fails naming the stage to run
      }
      Row c = latestCommit(t);
      if (writtenAfter(c, last)) {
        String stage = Tables.writtenBy(t);
        throw new TornTableSetException(String.format("%s was rewritten by run %s after the last complete"
            + " %s (run %s, which wrote %s last): that run did not finish its writes, so the tables are"
            + " not one consistent set. Run the %s stage again (--stages %s): it rewrites all of them.",
            t, run(c), stage, run(last), writtenLast, stage, stage));
      }
      out.add(spark.read().format("delta").option("versionAsOf", c.getLong(0)).load(path(t)));
    }
    return out;
  }

  /**
   * "T1, T2 (run R)" for the tables of {@code names} rewritten after {@code writtenLast} by another
   * run (a writer that died between its writes, see {@link #readWrittenTogether}); empty if none.
   */
  public String interruptedWrites(List<String> names, String writtenLast) {
    Row last = exists(writtenLast) ? latestCommit(writtenLast) : null;
    List<String> torn = new ArrayList<>();
    String by = "";
    for (String t : names) {
      Row c = exists(t) ? latestCommit(t) : null;
      if (c != null && writtenAfter(c, last)) {
        torn.add(t);
        by = run(c);
      }
    }
    return torn.isEmpty() ? "" : String.join(", ", torn) + " (run " + by + ")";
  }

  /** A commit newer than the set's last write and from another run. */
  private static boolean writtenAfter(Row commit, Row last) {
    return last != null && commit.getTimestamp(1).after(last.getTimestamp(1)) && !run(commit).equals(run(last));
  }

  /** version, timestamp, userMetadata of the table's latest commit. */
  private Row latestCommit(String table) {
    return DeltaTable.forPath(spark, path(table)).history(1).select("version", "timestamp", "userMetadata").head();
  }

  /** The run a commit's tag names ("" for commits made before tags). */
  private static String run(Row commit) {
    String tag = commit.isNullAt(2) ? "" : commit.getString(2);
    return tag.contains("/") ? tag.substring(0, tag.indexOf('/')) : "(untagged)";
  }

  /** A Delta table property (e.g. delta.enableDeletionVectors) of an existing table; empty if unset. */
  public Optional<String> property(String table, String key) {
    Map<String, String> props = DeltaTable.forPath(spark, path(table)).detail().select("properties").head().getJavaMap(0);
    return Optional.ofNullable(props == null ? null : props.get(key));
  }

  /** The table's latest version; -1 when it does not exist yet. */
  public long version(String table) {
    if (!exists(table)) {
      return -1L;
    }
    return DeltaTable.forPath(spark, path(table)).history(1).select("version").head().getLong(0);
  }

  /** The table as of one of its versions (Delta time travel). */
  public Dataset<Row> readVersion(String table, long version) {
    read(table); // fails naming the stage to run
    return spark.read().format("delta").option("versionAsOf", version).load(path(table));
  }

  /** One commit of a table, as its history tells it. */
  private static final class Commit {
    public final long version;
    /** Delta's operation: WRITE, MERGE, DELETE, OPTIMIZE, ... */
    public final String operation;
    /** The WRITE mode (Append, Overwrite); null for other operations. */
    public final String mode;
    /** The run that made it (from its tag); null for commits made before tags or by other tools. */
    public final String run;
    /** Bytes of data files the commit added (0 when not recorded). */
    public final long bytesAdded;

    Commit(long version, String operation, String mode, String run, long bytesAdded) {
      this.version = version;
      this.operation = operation;
      this.mode = mode;
      this.run = run;
      this.bytesAdded = bytesAdded;
    }

    /** A plain append: rows added, none changed or removed. */
    public boolean isAppend() {
      return "WRITE".equals(operation) && "Append".equals(mode);
    }

    /** A commit that changes no rows (file compaction, vacuum, properties). */
    public boolean keepsRows() {
      return operation.equals("OPTIMIZE") || operation.startsWith("VACUUM") || operation.equals("SET TBLPROPERTIES")
          || operation.equals("UPGRADE PROTOCOL");
    }
  }

  /**
   * The table's commits after version {@code after} up to {@code upTo}, oldest first, as far as
   * its log still holds them (Delta drops old history after its log retention, 30 days by default).
   */
  private List<Commit> commits(String table, long after, long upTo) {
    List<Commit> out = new ArrayList<>();
    for (Row r : DeltaTable.forPath(spark, path(table)).history()
        .filter(functions.col("version").gt(after).and(functions.col("version").leq(upTo))).orderBy("version")
        .select("version", "operation", "operationParameters", "userMetadata", "operationMetrics").collectAsList()) {
      Map<String, String> params = r.isNullAt(2) ? Map.of() : r.getJavaMap(2);
      Map<String, String> metrics = r.isNullAt(4) ? Map.of() : r.getJavaMap(4);
      String tag = r.isNullAt(3) ? "" : r.getString(3);
      String bytes = metrics.get("numOutputBytes");
      out.add(new Commit(r.getLong(0), r.getString(1), params.get("mode"),
          tag.contains("/") ? tag.substring(0, tag.indexOf('/')) : null, bytes == null ? 0L : Long.parseLong(bytes)));
    }
    return out;
  }

  /**
   * The runs whose appends made a table's versions after {@code after} up to {@code upTo}, in
   * commit order; or why they cannot tell what was added (a commit that changed or removed rows,
   * one without a run tag, history no longer in the log).
   */
  public static final class AppendedRuns {
    /** The runs, in commit order; empty when nothing was appended (or {@link #notAppendOnly}). */
    public final List<String> runs;
    /** Bytes those commits added. */
    public final long bytes;
    /** Null when every commit was a plain append by a run; else what was not. */
    public final String notAppendOnly;

    AppendedRuns(List<String> runs, long bytes, String notAppendOnly) {
      this.runs = runs;
      this.bytes = bytes;
      this.notAppendOnly = notAppendOnly;
    }
  }

  public AppendedRuns appendedRuns(String table, long after, long upTo) {
    List<Commit> commits = commits(table, after, upTo);
    if (commits.size() != upTo - after) {
      return new AppendedRuns(List.of(), 0, table + "'s log no longer holds every version after " + after
          + " (log retention)");
    }
    java.util.Set<String> runs = new java.util.LinkedHashSet<>();
    long bytes = 0;
    for (Commit c : commits) {
      if (c.keepsRows()) {
        continue;
      }
      if (!c.isAppend() || c.run == null) {
        return new AppendedRuns(List.of(), 0, table + " version " + c.version + " is a " + c.operation
            + (c.mode == null ? "" : " (" + c.mode + ")") + ", not a plain append by a run (e.g. a reingested"
            + " file's rows replaced)");
      }
      runs.add(c.run);
      bytes += c.bytesAdded;
    }
    return new AppendedRuns(List.copyOf(runs), bytes, null);
  }

  /**
   * A Delta MERGE of {@code source} (alias {@code s}) into {@code table} (alias {@code t}) on
   * {@code condition}; the caller adds its clauses and executes it.
   */
  public io.delta.tables.DeltaMergeBuilder merge(String table, Dataset<Row> source, String condition) {
    return DeltaTable.forPath(spark, path(table)).as("t").merge(source.as("s"), condition);
  }

  /** Appends rows; returns the rows written. */
  public long append(String table, Dataset<Row> rows, String... partitionBy) {
    String tag = tag(table);
    writer(table, rows, tag).mode(SaveMode.Append).partitionBy(partitionBy).save(path(table));
    return rowsWritten(table, tag);
  }

  /**
   * Appends rows unless another writer committed to the table since version {@code readVersion}
   * (what the caller based the rows on): then nothing is written and
   * {@link ConcurrentWriteException} is thrown. Works through Delta's idempotent transactions
   * (one application id per table), so it holds wherever Delta's own commit protocol does.
   * New columns of {@code rows} are added to the table.
   */
  public long appendExclusive(String table, Dataset<Row> rows, long readVersion, String... partitionBy) {
    String tag = tag(table);
    DataFrameWriter<Row> w = exclusive(writer(table, rows, tag), table, readVersion)
        .mode(SaveMode.Append).option("mergeSchema", "true").partitionBy(partitionBy);
    return exclusiveSave(w, table, tag);
  }

  /**
   * As {@link #appendExclusive}, replacing the rows that match {@code predicate} (which every row
   * of {@code rows} must match) in the same atomic commit.
   */
  public long replaceWhereExclusive(String table, String predicate, Dataset<Row> rows, long readVersion,
      String... partitionBy) {
    String tag = tag(table);
    DataFrameWriter<Row> w = exclusive(writer(table, rows, tag), table, readVersion)
        .mode(SaveMode.Overwrite).option("replaceWhere", predicate).option("mergeSchema", "true")
        .partitionBy(partitionBy);
    return exclusiveSave(w, table, tag);
  }

  private static DataFrameWriter<Row> exclusive(DataFrameWriter<Row> w, String table, long readVersion) {
    // Delta skips a write whose version is not above the last one recorded for the id, and fails
    // one that races a commit carrying the same id: either way, only one of two runs writes.
    return w.option("txnAppId", "customer-analytics/" + table).option("txnVersion", readVersion + 1);
  }

  private long exclusiveSave(DataFrameWriter<Row> w, String table, String tag) {
    try {
      w.save(path(table));
    } catch (RuntimeException e) {
      if (concurrent(e)) {
        throw new ConcurrentWriteException(table, path(table), e);
      }
      throw e;
    }
    OptionalLong rows = committedRows(table, tag);
    if (rows.isEmpty()) { // Delta skipped it: another writer committed since readVersion
      throw new ConcurrentWriteException(table, path(table), null);
    }
    return rows.getAsLong();
  }

  /** Delta's optimistic-concurrency failures (a concurrent commit won). */
  private static boolean concurrent(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof org.apache.spark.sql.delta.DeltaConcurrentModificationException) {
        return true;
      }
    }
    return false;
  }

  /** A Delta writer for {@code table}: its statistics columns when it is created, the commit tag. */
  private DataFrameWriter<Row> writer(String table, Dataset<Row> rows, String tag) {
    DataFrameWriter<Row> w = rows.write().format("delta").option("userMetadata", tag);
    String stats = Tables.statsColumns(table);
    if (stats == null) {
      return w;
    }
    // Only the columns the rows have (Delta refuses a table whose statistics name a missing one).
    List<String> present = java.util.Arrays.asList(rows.columns());
    String kept = java.util.Arrays.stream(stats.split(",")).filter(present::contains)
        .collect(java.util.stream.Collectors.joining(","));
    return kept.isEmpty() ? w : w.option("delta.dataSkippingStatsColumns", kept);
  }

  private String tag(String table) {
    return run + "/" + table + "/" + writes.incrementAndGet();
  }

  /**
   * Appends to a run log (job_runs, dq_report) whose schema may gain columns between versions:
   * new columns are merged in rather than failing a finished stage.
   */
  public void appendLog(String table, Dataset<Row> rows) {
    String tag = tag(table);
    retryConcurrent(() -> writer(table, rows, tag).mode(SaveMode.Append).option("mergeSchema", "true")
        .save(path(table)));
  }

  /** As {@link #appendLog}, replacing the rows matching {@code predicate} (e.g. one run's row). */
  public void replaceLog(String table, String predicate, Dataset<Row> rows) {
    if (!exists(table)) {
      appendLog(table, rows);
      return;
    }
    String tag = tag(table);
    retryConcurrent(() -> writer(table, rows, tag).mode(SaveMode.Overwrite).option("replaceWhere", predicate)
        .option("mergeSchema", "true").save(path(table)));
  }

  /**
   * Runs a run-log write again when another run's log write won the commit: the logs are shared
   * by concurrent runs, and replacing one run's row reads the whole (unpartitioned) table, so
   * Delta reports a conflict with any concurrent append. The write is idempotent, so it is retried.
   */
  private static void retryConcurrent(Runnable write) {
    for (int attempt = 1; ; attempt++) {
      try {
        write.run();
        return;
      } catch (RuntimeException e) {
        if (!concurrent(e) || attempt == 5) {
          throw e;
        }
        LOG.info("Concurrent commit to a run log; writing again (attempt {})", attempt + 1);
        try {
          Thread.sleep(200L * attempt);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw e;
        }
      }
    }
  }

  /** Replaces the whole table (schema included); returns the rows written. */
  public long overwrite(String table, Dataset<Row> rows, String... partitionBy) {
    String tag = tag(table);
    writer(table, rows, tag).mode(SaveMode.Overwrite).option("overwriteSchema", "true")
        .partitionBy(partitionBy).save(path(table));
    return rowsWritten(table, tag);
  }

  /**
   * Atomically replaces the rows matching {@code predicate} (e.g. one as-of date) with
   * {@code rows}, so re-running a night gives the same table, not copies.
   */
  public long replaceWhere(String table, String predicate, Dataset<Row> rows, String... partitionBy) {
    if (!exists(table)) {
      return append(table, rows, partitionBy);
    }
    String tag = tag(table);
    writer(table, rows, tag).mode(SaveMode.Overwrite).option("replaceWhere", predicate)
        .partitionBy(partitionBy).save(path(table));
    return rowsWritten(table, tag);
  }

  /**
   * Atomically replaces one as-of date of a gold table (partitioned by {@code as_of_date}) with
   * {@code rows}: re-running a date replaces it, other dates stay. Returns the rows written.
   */
  public long replaceAsOf(String table, LocalDate asOf, Dataset<Row> rows) {
    return replaceWhere(table, asOfPredicate(asOf), rows, Columns.AS_OF_DATE);
  }

  /** The rows of one as-of date of a gold table. */
  public Dataset<Row> readAsOf(String table, LocalDate asOf) {
    return read(table).filter(asOfFilter(asOf));
  }

  /** {@code as_of_date = asOf}, as a column filter for tables read some other way. */
  public static Column asOfFilter(LocalDate asOf) {
    return functions.col(Columns.AS_OF_DATE).equalTo(functions.lit(Date.valueOf(asOf)));
  }

  /** A SQL string literal, for the predicates Delta's replaceWhere takes. */
  public static String sqlString(String v) {
    return "'" + v.replace("\\", "\\\\").replace("'", "\\'") + "'";
  }

  /** {@code column IN ('a', 'b')}; {@code values} must not be empty. */
  public static String sqlIn(String column, java.util.Collection<String> values) {
    StringBuilder b = new StringBuilder(column).append(" IN (");
    int i = 0;
    for (String v : values) {
      b.append(i++ == 0 ? "" : ", ").append(sqlString(v));
    }
    return b.append(')').toString();
  }

  /** {@code as_of_date = 'yyyy-MM-dd'}, the SQL predicate Delta's replaceWhere takes. */
  public static String asOfPredicate(LocalDate asOf) {
    return Columns.AS_OF_DATE + " = '" + asOf + "'";
  }

  /** Rows this write committed (0 when Delta had nothing to commit), from its commit's metrics. */
  private long rowsWritten(String table, String tag) {
    return committedRows(table, tag).orElse(0L);
  }

  /** Rows of the recent commit tagged {@code tag}, from Delta's operation metrics; empty if none. */
  private OptionalLong committedRows(String table, String tag) {
    if (!exists(table)) {
      return OptionalLong.empty();
    }
    for (Row r : DeltaTable.forPath(spark, path(table)).history(20)
        .select("userMetadata", "operationMetrics").collectAsList()) {
      if (tag.equals(r.getString(0))) {
        Map<String, String> metrics = r.getJavaMap(1);
        String n = metrics == null ? null : metrics.get("numOutputRows");
        return OptionalLong.of(n == null ? 0L : Long.parseLong(n));
      }
    }
    return OptionalLong.empty();
  }

  /**
   * Rows in a table. Delta answers an unfiltered count from its log's file statistics
   * (metadata-only query), so this reads no data files.
   */
  public long count(String table) {
    return read(table).count();
  }

  /**
   * Names of the Delta tables under the root, sorted. A folder whose {@code _delta_log} holds no
   * commit (a first write that died) is left out with a warning: the stage that owns it
   * creates it afresh on its next run.
   */
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
          String name = st.getPath().getName();
          if (exists(name)) {
            names.add(name);
          } else {
            LOG.warn("Skipping {}: its _delta_log holds no commit (a first write that did not finish);"
                + " the next run of the stage that writes it creates it again", st.getPath());
          }
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException("Cannot list warehouse " + root + ": " + e.getMessage(), e);
    }
    names.sort(String::compareTo);
    return names;
  }
}
