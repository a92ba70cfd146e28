package com.customeranalytics.stage.report;

import static com.customeranalytics.table.Columns.ACCURACY;
import static com.customeranalytics.table.Columns.CUSTOMERS;
import static com.customeranalytics.table.Columns.IS_BEST;
import static com.customeranalytics.table.Columns.MODEL;
import static com.customeranalytics.table.Columns.REVENUE;
import static com.customeranalytics.table.Columns.SEGMENT;
import static com.customeranalytics.table.Columns.SEGMENTATION;
import static com.customeranalytics.table.Columns.VALIDATION_F1;
import static com.customeranalytics.table.Columns.VARIANT;
import static com.customeranalytics.table.Columns.WEIGHTED_F1;

import com.customeranalytics.table.Columns;
import com.customeranalytics.table.ModelTables;
import com.customeranalytics.table.Tables;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** summary.json: the run's identity, the bundle's files and the headline figures. */
public final class Summary {
  private Summary() {}

  /** Identity of the run the report belongs to. */
  public static final class Run {
    final String runId;
    final String version;
    final String settingsDigest;
    final Instant generatedAt;

    public Run(String runId, String version, String settingsDigest, Instant generatedAt) {
      this.runId = runId;
      this.version = version;
      this.settingsDigest = settingsDigest;
      this.generatedAt = generatedAt;
    }
  }

  /** The summary as nested maps and lists (rendered with {@link Json}). */
  static Map<String, Object> build(ReportData data, Run run, List<String> otherFiles) {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("run_id", run.runId);
    s.put(Columns.AS_OF_DATE, data.asOf().toString());
    s.put("version", run.version);
    s.put("settings_digest", run.settingsDigest);
    s.put("generated_at", run.generatedAt.toString());
    List<Object> files = new ArrayList<>();
    for (Extract e : data.extracts().values()) {
      files.add(map("file", e.name() + ".csv", "rows", e.size()));
    }
    for (String f : otherFiles) {
      files.add(map("file", f, "rows", null));
    }
    s.put("files", files);
    List<Object> missing = new ArrayList<>();
    for (ReportData.Missing m : data.missing()) {
      missing.add(map("file", m.file, "table", m.table, "note", m.reason));
    }
    s.put("missing", missing);
    s.put("headline", headline(data));
    List<Object> stages = new ArrayList<>();
    data.jobRuns().ifPresent(runs -> {
      for (Object[] r : runs.rows()) {
        // Each stage as its job_runs row has it, under the same names.
        stages.add(map(Columns.STAGE, runs.str(r, Columns.STAGE), Columns.STATUS, runs.str(r, Columns.STATUS),
            Columns.ROWS_IN, r[runs.index(Columns.ROWS_IN)], Columns.ROWS_OUT, r[runs.index(Columns.ROWS_OUT)],
            Columns.SECONDS, r[runs.index(Columns.SECONDS)], Columns.RUN_ID, runs.str(r, Columns.RUN_ID)));
      }
    });
    s.put("stages", stages);
    return s;
  }

  static Map<String, Object> headline(ReportData data) {
    Map<String, Object> h = new LinkedHashMap<>();
    h.put("customers", customers(data).orElse(null));
    h.put("revenue", revenue(data).map(Summary::cents).orElse(null));
    Map<String, Object> segments = new LinkedHashMap<>();
    data.get(Tables.SEGMENT_SUMMARY).ifPresent(ss -> {
      for (String segmentation : ss.distinct(SEGMENTATION)) {
        Map<String, Object> counts = new LinkedHashMap<>();
        Extract part = ss.where(SEGMENTATION, segmentation);
        for (Object[] r : part.rows()) {
          counts.put(part.str(r, SEGMENT), (long) part.num(r, CUSTOMERS));
        }
        segments.put(segmentation, counts);
      }
    });
    h.put("segment_customers", segments);
    Map<String, Object> models = new LinkedHashMap<>();
    for (ModelTables task : ModelTables.TASKS) {
      bestModel(data, task.metrics).ifPresent(best -> {
        Extract m = data.get(task.metrics).get();
        models.put(task.task, map(MODEL, m.str(best, MODEL), VARIANT, m.str(best, VARIANT),
            "test_weighted_f1", m.num(best, WEIGHTED_F1), "test_accuracy", m.num(best, ACCURACY),
            VALIDATION_F1, m.num(best, VALIDATION_F1)));
      });
    }
    h.put("best_models", models);
    return h;
  }

  /** Customers as of the date: the KMeans segments' customers summed. */
  static Optional<Long> customers(ReportData data) {
    return data.get(Tables.SEGMENT_SUMMARY).map(ss -> {
      long n = 0;
      Extract part = ss.where(SEGMENTATION, SEGMENT);
      for (Object[] r : part.rows()) {
        n += (long) part.num(r, CUSTOMERS);
      }
      return n;
    }).filter(n -> n > 0);
  }

  /** Sales revenue (guests included) from the first sale to the as-of date. */
  static Optional<Double> revenue(ReportData data) {
    return data.get(Tables.MONTHLY_METRICS).map(mm -> {
      double sum = 0;
      for (double v : mm.nums(REVENUE)) {
        sum += Double.isNaN(v) ? 0 : v;
      }
      return sum;
    });
  }

  /** The metrics row marked is_best, if the table is in the bundle. */
  static Optional<Object[]> bestModel(ReportData data, String metricsTable) {
    return data.get(metricsTable).flatMap(m -> m.rows().stream().filter(r -> m.bool(r, IS_BEST)).findFirst());
  }

  static double cents(double v) {
    return BigDecimal.valueOf(v).setScale(2, RoundingMode.HALF_UP).doubleValue();
  }

  static Map<String, Object> map(Object... kv) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return m;
  }
}
