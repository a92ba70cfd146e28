package com.customeranalytics.stage.report;

import com.customeranalytics.config.Settings.ReportSettings;
import com.customeranalytics.job.InputException;
import com.customeranalytics.job.JobRunner;
import com.customeranalytics.job.Stage;
import com.customeranalytics.job.StageContext;
import com.customeranalytics.job.StageResult;
import com.customeranalytics.table.Tables;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The gold tables of one as-of date -> a small report bundle under
 * {@code <warehouse>/reports/<as_of_date>/}: a CSV per summary table, a bounded customer sample,
 * summary.json and a self-contained report.html. Re-running a date replaces its bundle.
 */
public final class ReportStage implements Stage {
  public static final String NAME = "report";
  public static final String SUMMARY_JSON = "summary.json";
  public static final String REPORT_HTML = "report.html";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public StageResult run(StageContext ctx) {
    LocalDate asOf = ctx.asOf();
    ReportSettings settings = ctx.settings().report();
    ReportData data = ReportData.load(ctx.tables(), asOf, settings);
    if (data.extracts().isEmpty()) {
      throw new InputException("Nothing to report as of " + asOf + " under " + ctx.tables().root()
          + ": none of " + String.join(", ", ReportData.SUMMARY_TABLES.keySet()) + ", "
          + Tables.CUSTOMER_SEGMENTS + " has rows for that date; run the pipeline (or pass its --as-of) first");
    }
    Summary.Run run = new Summary.Run(ctx.runId(), JobRunner.version(), ctx.settings().digest(), Instant.now());
    Bundle bundle = new Bundle(ctx.tables().root(), asOf.toString(),
        ctx.spark().sparkContext().hadoopConfiguration());
    Map<String, String> files = render(data, run, settings);
    bundle.replace(files);
    long rows = data.extracts().values().stream().mapToLong(Extract::size).sum();
    return new StageResult(rows, files.size(), String.format("%d files, %,d rows, %d missing, under %s",
        files.size(), rows, data.missing().size(), bundle.path()));
  }

  /** Every file of the bundle, name -> content. Pure: tests call it on hand-made extracts. */
  static Map<String, String> render(ReportData data, Summary.Run run, ReportSettings settings) {
    Map<String, String> files = new LinkedHashMap<>();
    for (Extract e : data.extracts().values()) {
      files.put(e.name() + ".csv", e.toCsv());
    }
    List<String> others = new ArrayList<>(List.of(SUMMARY_JSON, REPORT_HTML));
    Map<String, Object> summary = Summary.build(data, run, others);
    files.put(SUMMARY_JSON, Json.render(summary));
    files.put(REPORT_HTML, HtmlReport.render(data, summary, Charts.all(data, settings.topCountries)));
    return files;
  }
}
