package com.customeranalytics.job;

import static com.customeranalytics.table.Columns.RUN_ID;
import static com.customeranalytics.table.Columns.STAGE;
import static com.customeranalytics.table.RunTables.FAILED;
import static com.customeranalytics.table.RunTables.JOB_RUNS_SCHEMA;
import static com.customeranalytics.table.RunTables.RUNNING;
import static com.customeranalytics.table.RunTables.SUCCEEDED;

import com.customeranalytics.table.Tables;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs stages in order. Logs one line at each stage's start and end (rows in/out, seconds) and
 * appends one row per stage to {@code job_runs}; stops at the first failure.
 */
public final class JobRunner {
  private static final Logger LOG = LoggerFactory.getLogger(JobRunner.class);

  private final List<Stage> stages;

  public JobRunner(List<Stage> stages) {
    this.stages = stages;
  }

  /** Runs every stage; throws {@link StageFailedException} naming the first stage that failed. */
  public void run(StageContext ctx) {
    LOG.info("Run {}: stages {} on warehouse {}", ctx.runId(),
        stages.stream().map(Stage::name).reduce((a, b) -> a + "," + b).orElse(""),
        ctx.tables().root());
    Instant start = Instant.now();
    if (!stages.isEmpty()) {
      ctx.spark().sparkContext().setJobGroup(ctx.runId() + "/" + stages.get(0).name(),
          "customer-analytics " + step(0), false);
      try {
        ctx.catalog().checkBefore(stages.stream().map(Stage::name).collect(Collectors.toList()));
      } catch (RuntimeException e) {
        ctx.spark().sparkContext().clearJobGroup();
        throw new StageFailedException(stages.get(0).name(), e);
      }
      try {
        ctx.tables().appendLog(Tables.JOB_RUNS, rows(ctx, List.of(running(ctx, stages.get(0).name(), start))));
      } catch (Exception e) {
        ctx.spark().sparkContext().clearJobGroup();
        throw new StageFailedException(stages.get(0).name(), new InputException("Cannot write "
            + Tables.JOB_RUNS + " under " + ctx.tables().describeRoot() + ", so the stage did not start"
            + " (is the storage unreachable, read-only or full?): " + StageFailedException.rootMessage(e), e));
      }
    }
    for (int i = 0; i < stages.size(); i++) {
      Stage stage = stages.get(i);
      String step = step(i);
      String group = ctx.runId() + "/" + stage.name();
      ctx.spark().sparkContext().setJobGroup(group, "customer-analytics " + step, false);
      // Logged once its running row is committed: a run killed after this line shows in job_runs.
      LOG.info("{} started", step);
      StageResult r;
      double secs;
      int jobs;
      try {
        r = stage.run(ctx);
        register(ctx, stage.name());
        secs = seconds(start);
        jobs = sparkJobs(ctx, group);
        LOG.info(String.format("%s finished: rows in %,d, rows out %,d, %.1f s, %d Spark jobs%s", step,
            r.rowsIn(), r.rowsOut(), secs, jobs, r.detail().isEmpty() ? "" : " (" + r.detail() + ")"));
      } catch (Exception e) { // not only RuntimeException: Scala code (Spark, Delta) throws
        // checked exceptions undeclared, e.g. S3A's IOException when storage cannot be reached
        double failedAfter = seconds(start);
        StageFailedException failure = e instanceof StageFailedException
            ? (StageFailedException) e : new StageFailedException(stage.name(), e);
        LOG.error(String.format("%s FAILED after %.1f s: %s", step, failedAfter, failure.getMessage()));
        LOG.debug(step + " failure, with its causes", e); // one line above; the trace only at debug
        try {
          replace(ctx, List.of(row(ctx, stage.name(), FAILED, start, failedAfter, null, null, null,
              failure.getMessage())));
        } catch (Exception recordError) { // e.g. the warehouse itself cannot be reached
          LOG.warn("Could not record the failure in {}: {}", Tables.JOB_RUNS,
              StageFailedException.rootMessage(recordError));
        }
        ctx.spark().sparkContext().clearJobGroup();
        throw failure;
      }
      // The stage's final row and the next stage's running row in one commit: a Delta commit
      // costs ~1 s here whatever its size, and either both rows are visible or neither.
      Instant next = Instant.now();
      List<Row> log = new ArrayList<>();
      log.add(row(ctx, stage.name(), SUCCEEDED, start, secs, r.rowsIn(), r.rowsOut(), jobs, r.detail()));
      if (i + 1 < stages.size()) {
        log.add(running(ctx, stages.get(i + 1).name(), next));
      }
      try {
        replace(ctx, log);
        start = next;
      } catch (Exception e) {
        throw new StageFailedException(stage.name(), new InputException(stage.name()
            + " finished and its tables are written, but its " + Tables.JOB_RUNS + " row could not be"
            + " (is the storage under " + ctx.tables().describeRoot() + " unreachable, read-only or"
            + " full?): " + StageFailedException.rootMessage(e) + ". Its work is committed: re-running"
            + " the stage once the storage is fixed is safe.", e));
      } finally {
        ctx.spark().sparkContext().clearJobGroup();
      }
    }
  }

  /** With catalog.database set: the stage's tables (and the run log) by name in the catalog. */
  private static void register(StageContext ctx, String stage) {
    if (ctx.catalog().enabled()) {
      ctx.catalog().register(ctx.tables().listTables().stream()
          .filter(t -> Tables.writtenBy(t) == null || stage.equals(Tables.writtenBy(t)))
          .collect(Collectors.toList()));
    }
  }

  private static double seconds(Instant start) {
    return Duration.between(start, Instant.now()).toMillis() / 1000.0;
  }

  /** Spark jobs the stage ran (its job group), once the listener bus has caught up. */
  private static int sparkJobs(StageContext ctx, String group) {
    try {
      ctx.spark().sparkContext().listenerBus().waitUntilEmpty();
    } catch (RuntimeException | java.util.concurrent.TimeoutException e) {
      // best effort: the count may then miss the last job or two
    }
    return ctx.spark().sparkContext().statusTracker().getJobIdsForGroup(group).length;
  }

  private String step(int i) {
    return "[" + (i + 1) + "/" + stages.size() + "] " + stages.get(i).name();
  }

  private static Row running(StageContext ctx, String stage, Instant start) {
    return row(ctx, stage, RUNNING, start, 0.0, null, null, null, null);
  }

  private static Row row(StageContext ctx, String stage, String status, Instant start,
      double secs, Long rowsIn, Long rowsOut, Integer jobs, String message) {
    return RowFactory.create(ctx.runId(),
        ctx.asOfDate().map(Date::valueOf).orElse(null), stage, status, Timestamp.from(start),
        Timestamp.from(Instant.now()), secs, rowsIn, rowsOut, jobs, ctx.settings().digest(), version(),
        message == null || message.isEmpty() ? null : message);
  }

  private static Dataset<Row> rows(StageContext ctx, List<Row> rows) {
    return ctx.spark().createDataFrame(rows, JOB_RUNS_SCHEMA).coalesce(1);
  }

  /** Replaces this run's rows of the stages in {@code rows} (a running row becomes its final one). */
  private static void replace(StageContext ctx, List<Row> rows) {
    String stagesIn = rows.stream().map(r -> "'" + r.getString(2) + "'").distinct()
        .collect(Collectors.joining(", "));
    ctx.tables().replaceLog(Tables.JOB_RUNS, RUN_ID + " = '" + ctx.runId() + "' AND " + STAGE + " IN (" + stagesIn + ")",
        rows(ctx, rows));
  }

  /** The app version from the jar manifest ("dev" when run from classes). */
  public static String version() {
    String v = JobRunner.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }
}
