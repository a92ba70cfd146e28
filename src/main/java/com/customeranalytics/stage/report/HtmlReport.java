package com.customeranalytics.stage.report;

import static com.customeranalytics.stage.report.Svg.escape;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * report.html: one self-contained page (inline CSS and SVG, no scripts, no network) with the
 * headline figures, every chart with its reading, and the bundle's contents.
 */
final class HtmlReport {
  private static final String CSS = "body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;"
      + "margin:2em auto;max-width:1340px;padding:0 1em;color:#222}"
      + "h1{font-size:1.5em}h2{font-size:1.2em;margin-top:2em;border-bottom:1px solid #ddd}"
      + "p.reading{font-style:italic;color:#333}.charts{display:flex;flex-wrap:wrap;gap:12px}"
      + "svg.chart{background:#fff;border:1px solid #eee}svg text{fill:#333}"
      + "table{border-collapse:collapse;font-size:12px;margin:6px 0}th,td{border:1px solid #ddd;padding:3px 6px;"
      + "text-align:right}caption{font-weight:bold;margin-bottom:4px}"
      + ".headline td,.headline th{font-size:14px;text-align:left}.missing{color:#a33}";

  private HtmlReport() {}

  static String render(ReportData data, Map<String, Object> summary, List<Section> sections) {
    StringBuilder sb = new StringBuilder("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        .append("<title>Customer analytics report as of ").append(escape(data.asOf().toString())).append("</title>\n")
        .append("<style>").append(CSS).append("</style>\n</head>\n<body>\n")
        .append("<h1>Customer analytics report as of ").append(escape(data.asOf().toString())).append("</h1>\n");
    sb.append("<p>Run ").append(escape(String.valueOf(summary.get("run_id")))).append(", version ")
        .append(escape(String.valueOf(summary.get("version")))).append(", settings ")
        .append(escape(String.valueOf(summary.get("settings_digest")))).append(", generated ")
        .append(escape(String.valueOf(summary.get("generated_at")))).append(".</p>\n");
    headline(sb, data);
    sb.append("<nav><ul>\n");
    for (Section s : sections) {
      sb.append("<li><a href=\"#").append(escape(s.id)).append("\">").append(escape(s.title)).append("</a></li>\n");
    }
    sb.append("<li><a href=\"#bundle\">This bundle</a></li>\n</ul></nav>\n");
    for (Section s : sections) {
      sb.append("<section id=\"").append(escape(s.id)).append("\">\n<h2>").append(escape(s.title)).append("</h2>\n")
          .append("<p class=\"reading").append(s.charts.isEmpty() ? " missing" : "").append("\">")
          .append(escape(s.reading)).append("</p>\n<div class=\"charts\">\n");
      s.charts.forEach(sb::append);
      sb.append("</div>\n</section>\n");
    }
    bundle(sb, data);
    return sb.append("</body>\n</html>\n").toString();
  }

  private static void headline(StringBuilder sb, ReportData data) {
    Map<String, Object> h = Summary.headline(data);
    sb.append("<table class=\"headline\">\n");
    row(sb, "Customers", h.get("customers") == null ? "n/a" : String.format(Locale.ROOT, "%,d", (Long) h.get("customers")));
    row(sb, "Revenue to the as-of date (guests included)",
        h.get("revenue") == null ? "n/a" : Charts.money((Double) h.get("revenue")));
    @SuppressWarnings("unchecked")
    Map<String, Object> models = (Map<String, Object>) h.get("best_models");
    for (Map.Entry<String, Object> m : models.entrySet()) {
      @SuppressWarnings("unchecked")
      Map<String, Object> best = (Map<String, Object>) m.getValue();
      row(sb, "Best " + m.getKey() + " model", String.format(Locale.ROOT, "%s/%s, test weighted F1 %.3f",
          best.get("model"), best.get("variant"), (Double) best.get("test_weighted_f1")));
    }
    sb.append("</table>\n");
  }

  private static void bundle(StringBuilder sb, ReportData data) {
    sb.append("<section id=\"bundle\">\n<h2>This bundle</h2>\n<table>\n<tr><th>file</th><th>rows</th></tr>\n");
    for (Extract e : data.extracts().values()) {
      sb.append("<tr><td>").append(escape(e.name())).append(".csv</td><td>").append(e.size()).append("</td></tr>\n");
    }
    sb.append("</table>\n");
    if (!data.missing().isEmpty()) {
      sb.append("<p>Not in this bundle:</p>\n<ul class=\"missing\">\n");
      for (ReportData.Missing m : data.missing()) {
        sb.append("<li>").append(escape(m.file + " (" + m.table + "): " + m.reason)).append("</li>\n");
      }
      sb.append("</ul>\n");
    }
    sb.append("</section>\n");
  }

  private static void row(StringBuilder sb, String name, String value) {
    sb.append("<tr><th>").append(escape(name)).append("</th><td>").append(escape(value)).append("</td></tr>\n");
  }
}
