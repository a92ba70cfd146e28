package com.customeranalytics.stage.report;

import static com.customeranalytics.table.Columns.ACCURACY;
import static com.customeranalytics.table.Columns.ACTIVE_CUSTOMERS;
import static com.customeranalytics.table.Columns.CHOSEN;
import static com.customeranalytics.table.Columns.CLASS;
import static com.customeranalytics.table.Columns.CLUSTER;
import static com.customeranalytics.table.Columns.COHORT_MONTH;
import static com.customeranalytics.table.Columns.COMPLETE_MONTH;
import static com.customeranalytics.table.Columns.CONFUSION_MATRIX;
import static com.customeranalytics.table.Columns.COST;
import static com.customeranalytics.table.Columns.COUNTRY;
import static com.customeranalytics.table.Columns.CUSTOMERS;
import static com.customeranalytics.table.Columns.CUSTOMER_SHARE;
import static com.customeranalytics.table.Columns.DIMENSION;
import static com.customeranalytics.table.Columns.FPR;
import static com.customeranalytics.table.Columns.K;
import static com.customeranalytics.table.Columns.LABEL_REVENUE;
import static com.customeranalytics.table.Columns.MAX;
import static com.customeranalytics.table.Columns.MIN;
import static com.customeranalytics.table.Columns.MODEL;
import static com.customeranalytics.table.Columns.MONTH;
import static com.customeranalytics.table.Columns.MONTHS_SINCE_FIRST;
import static com.customeranalytics.table.Columns.NEW_CUSTOMERS;
import static com.customeranalytics.table.Columns.OVERALL_SCORE;
import static com.customeranalytics.table.Columns.PRECISION_PREFIX;
import static com.customeranalytics.table.Columns.RETENTION_RATE;
import static com.customeranalytics.table.Columns.REVENUE;
import static com.customeranalytics.table.Columns.REVENUE_SHARE;
import static com.customeranalytics.table.Columns.SEGMENT;
import static com.customeranalytics.table.Columns.SEGMENTATION;
import static com.customeranalytics.table.Columns.SHARE_OF_COHORT;
import static com.customeranalytics.table.Columns.SILHOUETTE;
import static com.customeranalytics.table.Columns.STATEMENT;
import static com.customeranalytics.table.Columns.TPR;
import static com.customeranalytics.table.Columns.VALIDATION_F1;
import static com.customeranalytics.table.Columns.VARIANT;
import static com.customeranalytics.table.Columns.WEIGHTED_F1;

import com.customeranalytics.table.ModelTables;
import com.customeranalytics.table.RollupTables;
import com.customeranalytics.table.ClvTables;
import com.customeranalytics.table.Columns;
import com.customeranalytics.table.SegmentTables;
import com.customeranalytics.table.Tables;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The report's sections, each drawn from one or two extracts with a one-line reading computed
 * from the same figures. The notebook report.ipynb draws the same charts from the CSVs.
 */
final class Charts {

  private Charts() {}

  static List<Section> all(ReportData d, int topCountries) {
    List<Section> out = new ArrayList<>();
    out.add(kSelection(d));
    out.add(clusters(d));
    out.add(segments(d));
    out.add(scoreVsLtv(d));
    for (ModelTables task : ModelTables.TASKS) {
      out.add(models(d, task.task, task.metrics, task.roc));
    }
    out.add(monthly(d));
    out.add(cohorts(d));
    out.add(countries(d, topCountries));
    out.add(clv(d));
    out.add(insights(d));
    return out;
  }

  /** Elbow (cost) and silhouette per k, per dimension. */
  static Section kSelection(ReportData d) {
    String title = "Choosing k: elbow and silhouette";
    Optional<Extract> ks = d.get(Tables.KMEANS_K_SELECTION);
    if (ks.isEmpty()) {
      return Section.missing("k-selection", title, Tables.KMEANS_K_SELECTION);
    }
    Extract t = ks.get();
    List<String> charts = new ArrayList<>();
    List<Svg.Series> silhouettes = new ArrayList<>();
    List<String> best = new ArrayList<>();
    List<String> chosen = new ArrayList<>();
    for (String dim : t.distinct(DIMENSION)) {
      Extract part = t.where(DIMENSION, dim);
      charts.add(Svg.line("Elbow: " + dim, "k", "within-cluster cost",
          List.of(new Svg.Series(dim, part.nums(K), part.nums(COST))), null));
      silhouettes.add(new Svg.Series(dim, part.nums(K), part.nums(SILHOUETTE)));
      Object[] top = null;
      for (Object[] r : part.rows()) {
        if (!Double.isNaN(part.num(r, SILHOUETTE)) && (top == null || part.num(r, SILHOUETTE) > part.num(top, SILHOUETTE))) {
          top = r;
        }
        if (part.has(CHOSEN) && part.bool(r, CHOSEN)) {
          chosen.add(dim + " " + (long) part.num(r, K));
        }
      }
      if (top != null) {
        best.add(String.format(Locale.ROOT, "%s k=%d (%.2f)", dim, (long) part.num(top, K), part.num(top, SILHOUETTE)));
      }
    }
    charts.add(Svg.line("Silhouette by k", "k", "silhouette", silhouettes, null));
    String reading = "Best silhouette per dimension: " + String.join(", ", best)
        + (chosen.isEmpty() ? "" : "; the run used k = " + String.join(", ", chosen)) + ".";
    return new Section("k-selection", title, reading, charts);
  }

  /**
   * The clv stage: the fits' parameters, the P(alive) distribution, the calibration chart
   * (lifetimes' plot_calibration_purchases_vs_holdout_purchases: mean holdout purchases per
   * calibration frequency, actual against the model and the naive baseline) and CLV by named RFM
   * segment.
   */
  static Section clv(ReportData d) {
    String title = "Lifetime value: BG/NBD and Gamma-Gamma";
    Optional<Extract> ps = d.get(Tables.CLV_MODEL_PARAMS);
    Optional<Extract> alive = d.get(ReportData.CLV_P_ALIVE);
    if (ps.isEmpty() || alive.isEmpty()) {
      return Section.missing("clv", title, Tables.CLV_MODEL_PARAMS + " and " + Tables.CLV_PREDICTIONS);
    }
    List<String> charts = new ArrayList<>();
    List<String> readings = new ArrayList<>();
    Extract full = ps.get().where(Columns.FIT, ClvTables.FULL);
    StringBuilder fit = new StringBuilder("Full fit: BG/NBD");
    List<String> bounded = new ArrayList<>();
    for (Object[] r : ps.get().rows()) {
      if (!ps.get().str(r, Columns.PARAMETER).equals(ClvTables.FREQUENCY_MONETARY_CORRELATION)
          && ps.get().bool(r, Columns.AT_BOUND)) {
        bounded.add(ps.get().str(r, Columns.FIT) + " " + ps.get().str(r, MODEL) + " " + ps.get().str(r, Columns.PARAMETER));
      }
    }
    for (Object[] r : full.rows()) {
      if (full.str(r, MODEL).equals(ClvTables.GAMMA_GAMMA) && full.str(r, Columns.PARAMETER).equals("p")) {
        fit.append("; Gamma-Gamma");
      }
      if (!full.str(r, Columns.PARAMETER).equals(ClvTables.FREQUENCY_MONETARY_CORRELATION)) {
        fit.append(' ').append(full.str(r, Columns.PARAMETER)).append(' ').append(Svg.compact(full.num(r, Columns.VALUE)));
      } else {
        readings.add(String.format(Locale.ROOT, "frequency / value correlation %.2f (the model assumes ~0)",
            full.num(r, Columns.VALUE)));
      }
    }
    readings.add(0, fit.toString());
    if (!bounded.isEmpty()) {
      readings.add("at their search bound, where the model degenerates on this data: " + String.join(", ", bounded));
    }
    Extract a = alive.get();
    List<String> bins = new ArrayList<>();
    double[] customers = new double[10];
    for (int i = 0; i < 10; i++) {
      bins.add(String.format(Locale.ROOT, "%.1f-%.1f", i / 10.0, (i + 1) / 10.0));
    }
    for (Object[] r : a.rows()) {
      customers[(int) a.num(r, ReportData.BIN)] = a.num(r, CUSTOMERS);
    }
    charts.add(Svg.bars("P(alive): customers per tenth", "customers", bins, List.of(Svg.Series.of("customers", customers)),
        v -> String.format(Locale.ROOT, "%,.0f", v)));
    d.get(Tables.CLV_HOLDOUT_METRICS).ifPresent(h -> {
      Extract p = h.where(Columns.TARGET, ClvTables.PURCHASES);
      List<String> buckets = new ArrayList<>();
      List<Object[]> rows = new ArrayList<>();
      for (Object[] r : p.rows()) {
        if (!p.str(r, Columns.FREQUENCY_BUCKET).equals(ClvTables.ALL_BUCKETS)) {
          rows.add(r);
        }
      }
      rows.sort(Comparator.comparing((Object[] r) -> p.str(r, Columns.FREQUENCY_BUCKET)));
      double[] actual = new double[rows.size()];
      double[] model = new double[rows.size()];
      double[] baseline = new double[rows.size()];
      for (int i = 0; i < rows.size(); i++) {
        buckets.add(p.str(rows.get(i), Columns.FREQUENCY_BUCKET));
        actual[i] = p.num(rows.get(i), Columns.ACTUAL);
        model[i] = p.num(rows.get(i), Columns.PREDICTED);
        baseline[i] = p.num(rows.get(i), Columns.BASELINE);
      }
      charts.add(Svg.bars("Holdout purchases per calibration purchases: actual vs model", "mean holdout purchases",
          buckets, List.of(Svg.Series.of("actual", actual), Svg.Series.of("BG/NBD", model),
              Svg.Series.of("rate carried forward", baseline)), v -> String.format(Locale.ROOT, "%.2f", v)));
      for (Object[] r : p.rows()) {
        if (p.str(r, Columns.FREQUENCY_BUCKET).equals(ClvTables.ALL_BUCKETS)) {
          readings.add(String.format(Locale.ROOT, "holdout purchases: RMSE %.2f against %.2f for the rate carried"
              + " forward", p.num(r, Columns.RMSE), p.num(r, Columns.BASELINE_RMSE)));
        }
      }
    });
    d.get(ReportData.CLV_BY_SEGMENT).ifPresent(seg -> {
      double total = 0;
      double all = 0;
      for (Object[] r : seg.rows()) {
        total += seg.num(r, ReportData.EXPECTED_VALUE);
        all += seg.num(r, CUSTOMERS);
      }
      List<String> names = new ArrayList<>();
      double[] customerShare = new double[seg.size()];
      double[] valueShare = new double[seg.size()];
      for (int i = 0; i < seg.size(); i++) {
        Object[] r = seg.rows().get(i);
        names.add(seg.str(r, Columns.RFM_SEGMENT));
        customerShare[i] = 100 * seg.num(r, CUSTOMERS) / all;
        valueShare[i] = total == 0 ? Double.NaN : 100 * seg.num(r, ReportData.EXPECTED_VALUE) / total;
      }
      charts.add(Svg.bars("Named RFM segments: share of customers and of expected value (%)", "%", names,
          List.of(Svg.Series.of("customers %", customerShare), Svg.Series.of("expected value %", valueShare)),
          v -> String.format(Locale.ROOT, "%.0f", v)));
      if (seg.size() > 0 && total > 0) {
        Object[] top = seg.rows().get(0);
        readings.add(String.format(Locale.ROOT, "%s hold %s of expected value (mean CLV %s, mean P(alive) %.2f)",
            seg.str(top, Columns.RFM_SEGMENT), pct(seg.num(top, ReportData.EXPECTED_VALUE) / total),
            Svg.compact(seg.num(top, ReportData.MEAN_CLV)), seg.num(top, ReportData.MEAN_P_ALIVE)));
      }
    });
    return new Section("clv", title, String.join("; ", readings) + ".", charts);
  }

  /** Customers per cluster of each of R, F, M. */
  static Section clusters(ReportData d) {
    String title = "Cluster distributions per R/F/M";
    Optional<Extract> ps = d.get(Tables.RFM_CLUSTER_PROFILES);
    if (ps.isEmpty()) {
      return Section.missing("clusters", title, Tables.RFM_CLUSTER_PROFILES);
    }
    Extract p = ps.get();
    int maxCluster = 0;
    for (double c : p.nums(CLUSTER)) {
      maxCluster = Math.max(maxCluster, (int) c);
    }
    List<String> categories = new ArrayList<>();
    for (int c = 0; c <= maxCluster; c++) {
      categories.add("cluster " + c);
    }
    List<Svg.Series> series = new ArrayList<>();
    List<String> largest = new ArrayList<>();
    for (String dim : p.distinct(DIMENSION)) {
      Extract part = p.where(DIMENSION, dim);
      double[] y = new double[maxCluster + 1];
      Arrays.fill(y, Double.NaN);
      Object[] top = null;
      for (Object[] r : part.rows()) {
        y[(int) part.num(r, CLUSTER)] = part.num(r, CUSTOMERS);
        if (top == null || part.num(r, CUSTOMERS) > part.num(top, CUSTOMERS)) {
          top = r;
        }
      }
      series.add(Svg.Series.of(dim, y));
      if (top != null) {
        largest.add(String.format(Locale.ROOT, "%s cluster %d (%,d customers, %s to %s)", dim,
            (long) part.num(top, CLUSTER), (long) part.num(top, CUSTOMERS), Svg.compact(part.num(top, MIN)),
            Svg.compact(part.num(top, MAX))));
      }
    }
    String chart = Svg.bars("Customers per cluster (higher index = more valuable)", "customers", categories,
        series, v -> String.format(Locale.ROOT, "%,.0f", v));
    return new Section("clusters", title, "Largest clusters: " + String.join("; ", largest) + ".", List.of(chart));
  }

  /** Customer and revenue shares per KMeans segment and per named RFM segment. */
  static Section segments(ReportData d) {
    String title = "Segment sizes and revenue shares";
    Optional<Extract> ss = d.get(Tables.SEGMENT_SUMMARY);
    if (ss.isEmpty()) {
      return Section.missing("segments", title, Tables.SEGMENT_SUMMARY);
    }
    List<String> charts = new ArrayList<>();
    List<String> readings = new ArrayList<>();
    List<String> segmentations = new ArrayList<>(ss.get().distinct(SEGMENTATION));
    segmentations.sort(Comparator.comparing((String s) -> !s.equals(SEGMENT))); // KMeans first
    for (String segmentation : segmentations) {
      Extract part = ss.get().where(SEGMENTATION, segmentation);
      List<Object[]> rows = new ArrayList<>(part.rows());
      if (segmentation.equals(SEGMENT)) {
        rows.sort(Comparator.comparingInt(r -> order(part.str(r, SEGMENT))));
      } else {
        rows.sort(Comparator.comparingDouble((Object[] r) -> part.num(r, REVENUE_SHARE)).reversed());
      }
      List<String> names = new ArrayList<>();
      double[] customers = new double[rows.size()];
      double[] revenue = new double[rows.size()];
      Object[] top = null;
      for (int i = 0; i < rows.size(); i++) {
        Object[] r = rows.get(i);
        names.add(part.str(r, SEGMENT));
        customers[i] = 100 * part.num(r, CUSTOMER_SHARE);
        revenue[i] = 100 * part.num(r, REVENUE_SHARE);
        if (top == null || part.num(r, REVENUE_SHARE) > part.num(top, REVENUE_SHARE)) {
          top = r;
        }
      }
      String label = segmentation.equals(SEGMENT) ? "KMeans segments" : "Named RFM segments";
      charts.add(Svg.bars(label + ": share of customers and of revenue (%)", "%", names,
          List.of(Svg.Series.of("customers %", customers), Svg.Series.of("revenue %", revenue)),
          v -> String.format(Locale.ROOT, "%.0f", v)));
      if (top != null) {
        readings.add(String.format(Locale.ROOT, "%s are %s of customers and %s of revenue", part.str(top, SEGMENT),
            pct(part.num(top, CUSTOMER_SHARE)), pct(part.num(top, REVENUE_SHARE))));
      }
    }
    return new Section("segments", title, String.join("; ", readings) + ".", charts);
  }

  /** Sampled customers: overall RFM score against their 6-month LTV label revenue. */
  static Section scoreVsLtv(ReportData d) {
    String title = "RFM score vs 6-month LTV by segment";
    Optional<Extract> sample = d.get(ReportData.CUSTOMER_SAMPLE);
    if (sample.isEmpty()) {
      return Section.missing("score-vs-ltv", title, ReportData.CUSTOMER_SAMPLE);
    }
    Extract s = sample.get().filter(r -> r[sample.get().index(LABEL_REVENUE)] != null);
    if (s.size() == 0) {
      return Section.missing("score-vs-ltv", title, "sampled customers with an LTV label (" + Tables.LTV_TRAINING_SET + ")");
    }
    List<Svg.Series> series = new ArrayList<>();
    List<String> means = new ArrayList<>();
    List<String> segs = new ArrayList<>(s.distinct(SEGMENT));
    segs.sort(Comparator.comparingInt(Charts::order));
    for (String seg : segs) {
      Extract part = s.where(SEGMENT, seg);
      double[] x = part.nums(OVERALL_SCORE);
      for (int i = 0; i < x.length; i++) {
        x[i] += jitter(i); // scores are whole numbers: spread the points so they do not pile up
      }
      double[] y = part.nums(LABEL_REVENUE);
      series.add(new Svg.Series(seg, x, y));
      means.add(String.format(Locale.ROOT, "%s %s", seg, money(mean(y))));
    }
    String chart = Svg.scatter("Overall RFM score vs revenue in the 6-month LTV window", "overall_score (jittered)",
        "label revenue", series, true, true);
    String reading = String.format(Locale.ROOT, "Of %,d sampled customers in the LTV training set, mean 6-month revenue by segment: %s.",
        s.size(), String.join(", ", means));
    return new Section("score-vs-ltv", title, reading, List.of(chart));
  }

  /** Default vs tuned per model, ROC curves per class, the best model's confusion matrix. */
  static Section models(ReportData d, String task, String metricsTable, String rocTable) {
    String title = "Model comparison: " + task;
    Optional<Extract> ms = d.get(metricsTable);
    if (ms.isEmpty()) {
      return Section.missing("models-" + task, title, metricsTable);
    }
    Extract m = ms.get();
    List<String> charts = new ArrayList<>();
    List<String> modelNames = m.distinct(MODEL);
    List<String> variants = m.distinct(VARIANT);
    List<Svg.Series> f1 = new ArrayList<>();
    for (String variant : variants) {
      double[] y = new double[modelNames.size()];
      Arrays.fill(y, Double.NaN);
      for (Object[] r : m.where(VARIANT, variant).rows()) {
        y[modelNames.indexOf(m.str(r, MODEL))] = m.num(r, WEIGHTED_F1);
      }
      f1.add(Svg.Series.of(variant, y));
    }
    charts.add(Svg.bars(task + ": test weighted F1, default vs tuned", "weighted F1", modelNames, f1,
        v -> String.format(Locale.ROOT, "%.3f", v)));
    d.get(rocTable).ifPresent(roc -> {
      for (String cls : roc.distinct(CLASS)) {
        List<Svg.Series> curves = new ArrayList<>();
        for (Object[] mr : m.rows()) {
          String name = m.str(mr, MODEL) + "/" + m.str(mr, VARIANT);
          Extract pts = roc.where(CLASS, cls).where(MODEL, m.str(mr, MODEL)).where(VARIANT, m.str(mr, VARIANT));
          curves.add(new Svg.Series(String.format(Locale.ROOT, "%s AUC %.3f", name, auc(pts)), pts.nums(FPR), pts.nums(TPR)));
        }
        curves.add(new Svg.Series("chance", new double[] {0, 1}, new double[] {0, 1}).colour("#999999"));
        charts.add(Svg.line(task + " ROC, class " + cls + " vs rest", "false positive rate", "true positive rate", curves, null));
      }
    });
    Optional<Object[]> best = Summary.bestModel(d, metricsTable);
    String reading;
    if (best.isPresent()) {
      Object[] b = best.get();
      List<String> classes = classNames(m, d.get(rocTable));
      long[][] cm = confusion(m.str(b, CONFUSION_MATRIX));
      double[][] cells = new double[cm.length][];
      long total = 0;
      long correct = 0;
      long worst = -1;
      String worstCell = "";
      for (int i = 0; i < cm.length; i++) {
        cells[i] = new double[cm[i].length];
        for (int j = 0; j < cm[i].length; j++) {
          cells[i][j] = cm[i][j];
          total += cm[i][j];
          if (i == j) {
            correct += cm[i][j];
          } else if (cm[i][j] > worst) {
            worst = cm[i][j];
            worstCell = "true " + name(classes, i) + " predicted " + name(classes, j) + " (" + cm[i][j] + ")";
          }
        }
      }
      List<String> labels = new ArrayList<>();
      for (int i = 0; i < cm.length; i++) {
        labels.add(name(classes, i));
      }
      charts.add(Svg.heatmap(task + ": confusion matrix of " + m.str(b, MODEL) + "/" + m.str(b, VARIANT)
          + " on the test split (rows = true class, columns = predicted)", "true \\ predicted", labels, labels,
          cells, v -> String.format(Locale.ROOT, "%.0f", v)));
      reading = String.format(Locale.ROOT,
          "Best by validation F1: %s/%s (validation %.3f), test weighted F1 %.3f, accuracy %.3f: %,d of %,d test"
              + " customers right%s.", m.str(b, MODEL), m.str(b, VARIANT), m.num(b, VALIDATION_F1), m.num(b, WEIGHTED_F1),
          m.num(b, ACCURACY), correct, total, worst > 0 ? "; most frequent error: " + worstCell : "");
    } else {
      reading = "No model is marked best in " + metricsTable + ".";
    }
    return new Section("models-" + task, title, reading, charts);
  }

  /** Revenue, active and new customers and retention per month. */
  static Section monthly(ReportData d) {
    String title = "Monthly revenue, customers and retention";
    Optional<Extract> mm = d.get(Tables.MONTHLY_METRICS);
    if (mm.isEmpty()) {
      return Section.missing("monthly", title, Tables.MONTHLY_METRICS);
    }
    Extract m = mm.get();
    List<String> months = m.strs(MONTH);
    double[] revenue = m.nums(REVENUE);
    double[] active = m.nums(ACTIVE_CUSTOMERS);
    double[] retention = m.nums(RETENTION_RATE);
    for (int i = 0; i < retention.length; i++) {
      retention[i] *= 100;
    }
    int peak = argMax(revenue);
    int peakActive = argMax(active);
    Object[] last = m.rows().get(m.size() - 1);
    boolean partial = m.has(COMPLETE_MONTH) && !m.bool(last, COMPLETE_MONTH);
    double retentionSum = 0;
    int retentionMonths = 0;
    for (double r : retention) {
      if (!Double.isNaN(r)) {
        retentionSum += r;
        retentionMonths++;
      }
    }
    List<String> charts = List.of(
        Svg.line("Revenue per month", null, "revenue", List.of(Svg.Series.of("revenue", revenue)), months),
        Svg.line("Active and new customers per month", null, "customers",
            List.of(Svg.Series.of("active", active), Svg.Series.of("new", m.nums(NEW_CUSTOMERS))), months),
        Svg.line("Retention: share of last month's customers who bought again (%)", null, "%",
            List.of(Svg.Series.of("retention %", retention)), months));
    String reading = String.format(Locale.ROOT,
        "Revenue peaked in %s at %s and active customers in %s at %,d%s; month-to-month retention averaged %s.",
        months.get(peak), money(revenue[peak]), months.get(peakActive), (long) active[peakActive],
        partial ? " (" + months.get(months.size() - 1) + " is a partial month, to " + d.asOf() + ")" : "",
        retentionMonths == 0 ? "n/a" : String.format(Locale.ROOT, "%.0f%%", retentionSum / retentionMonths));
    return new Section("monthly", title, reading, charts);
  }

  /** Cohort x months since first purchase: share of the cohort active. */
  static Section cohorts(ReportData d) {
    String title = "Cohort retention";
    Optional<Extract> cs = d.get(Tables.COHORT_RETENTION);
    if (cs.isEmpty()) {
      return Section.missing("cohorts", title, Tables.COHORT_RETENTION);
    }
    Extract c = cs.get();
    List<String> cohorts = c.distinct(COHORT_MONTH);
    int maxSince = 0;
    for (double v : c.nums(MONTHS_SINCE_FIRST)) {
      maxSince = Math.max(maxSince, (int) v);
    }
    double[][] cells = new double[cohorts.size()][maxSince + 1];
    for (double[] row : cells) {
      Arrays.fill(row, Double.NaN);
    }
    double month1 = 0;
    int month1n = 0;
    for (Object[] r : c.rows()) {
      int since = (int) c.num(r, MONTHS_SINCE_FIRST);
      double share = c.num(r, SHARE_OF_COHORT);
      cells[cohorts.indexOf(c.str(r, COHORT_MONTH))][since] = 100 * share;
      if (since == 1 && !Double.isNaN(share)) {
        month1 += share;
        month1n++;
      }
    }
    List<String> cols = new ArrayList<>();
    for (int i = 0; i <= maxSince; i++) {
      cols.add(Integer.toString(i));
    }
    String chart = Svg.heatmap("Share of each first-purchase cohort buying N months later (%)", "cohort \\ months",
        cohorts, cols, cells, v -> String.format(Locale.ROOT, "%.0f", v));
    String reading = month1n == 0 ? "Only first months so far: no repeat purchases to show yet."
        : String.format(Locale.ROOT, "On average %s of a cohort buys again the month after its first purchase"
            + " (%d cohorts).", pct(month1 / month1n), month1n);
    return new Section("cohorts", title, reading, List.of(chart));
  }

  /** The top countries by revenue over all months. */
  static Section countries(ReportData d, int top) {
    String title = "Country revenue";
    Optional<Extract> cs = d.get(Tables.COUNTRY_ROLLUP);
    if (cs.isEmpty()) {
      return Section.missing("countries", title, Tables.COUNTRY_ROLLUP);
    }
    Extract all = cs.get().where(MONTH, RollupTables.ALL_MONTHS);
    List<Object[]> rows = new ArrayList<>(all.rows());
    rows.sort(Comparator.comparingDouble((Object[] r) -> all.num(r, REVENUE)).reversed());
    rows = rows.subList(0, Math.min(top, rows.size()));
    List<String> labels = new ArrayList<>();
    List<String> values = new ArrayList<>();
    double[] revenue = new double[rows.size()];
    for (int i = 0; i < rows.size(); i++) {
      labels.add(all.str(rows.get(i), COUNTRY));
      revenue[i] = all.num(rows.get(i), REVENUE);
      values.add(money(revenue[i]) + " (" + pct(all.num(rows.get(i), REVENUE_SHARE)) + ")");
    }
    if (rows.isEmpty()) {
      return Section.missing("countries", title, "all-months rows of " + Tables.COUNTRY_ROLLUP);
    }
    double rest = 0;
    for (int i = 1; i < rows.size(); i++) {
      rest += all.num(rows.get(i), REVENUE_SHARE);
    }
    String chart = Svg.hbars("Revenue by country, top " + rows.size(), labels, revenue, values);
    String reading = String.format(Locale.ROOT, "%s brings %s of revenue%s.", labels.get(0),
        pct(all.num(rows.get(0), REVENUE_SHARE)), rows.size() > 1
            ? String.format(Locale.ROOT, "; the next %d countries %s together", rows.size() - 1, pct(rest)) : "");
    return new Section("countries", title, reading, List.of(chart));
  }

  /** The rollups' statements, as written. */
  static Section insights(ReportData d) {
    String title = "Insights";
    Optional<Extract> is = d.get(Tables.INSIGHTS);
    if (is.isEmpty()) {
      return Section.missing("insights", title, Tables.INSIGHTS);
    }
    StringBuilder ul = new StringBuilder("<ul class=\"insights\">\n");
    for (String s : is.get().strs(STATEMENT)) {
      ul.append("<li>").append(Svg.escape(s)).append("</li>\n");
    }
    ul.append("</ul>\n");
    return new Section("insights", title, is.get().size() + " statements generated from the data by the rollups stage.",
        List.of(ul.toString()));
  }

  /** Area under a ROC curve by the trapezoid rule over its points sorted by fpr, then tpr. */
  static double auc(Extract pts) {
    TreeMap<Double, List<Double>> byFpr = new TreeMap<>();
    double[] fpr = pts.nums(FPR);
    double[] tpr = pts.nums(TPR);
    for (int i = 0; i < fpr.length; i++) {
      byFpr.computeIfAbsent(fpr[i], k -> new ArrayList<>()).add(tpr[i]);
    }
    double area = 0;
    double px = Double.NaN;
    double py = Double.NaN;
    for (Map.Entry<Double, List<Double>> e : byFpr.entrySet()) {
      List<Double> ys = new ArrayList<>(e.getValue());
      ys.sort(Double::compare);
      for (double y : ys) {
        if (!Double.isNaN(px)) {
          area += (e.getKey() - px) * (y + py) / 2;
        }
        px = e.getKey();
        py = y;
      }
    }
    return area;
  }

  /** Parses "[[1,2],[3,4]]". */
  static long[][] confusion(String text) {
    String body = text.trim().replaceAll("^\\[\\[|\\]\\]$", "");
    if (body.isEmpty()) {
      return new long[0][];
    }
    String[] rows = body.split("\\]\\s*,\\s*\\[");
    long[][] out = new long[rows.length][];
    for (int i = 0; i < rows.length; i++) {
      String[] cells = rows[i].split(",");
      out[i] = new long[cells.length];
      for (int j = 0; j < cells.length; j++) {
        out[i][j] = Long.parseLong(cells[j].trim());
      }
    }
    return out;
  }

  /**
   * Class names in class-index order: the metrics' per-class columns (precision_<key>) are in
   * that order; their readable names are the ROC points' class names with the same key.
   */
  static List<String> classNames(Extract metrics, Optional<Extract> roc) {
    Map<String, String> byKey = new LinkedHashMap<>();
    roc.ifPresent(r -> r.distinct(CLASS).forEach(c -> byKey.put(ModelTables.key(c), c)));
    List<String> out = new ArrayList<>();
    for (String col : metrics.columns()) {
      if (col.startsWith(PRECISION_PREFIX)) {
        String k = col.substring(PRECISION_PREFIX.length());
        out.add(byKey.getOrDefault(k, k));
      }
    }
    return out;
  }


  private static String name(List<String> classes, int i) {
    return i < classes.size() ? classes.get(i) : "class " + i;
  }

  private static int order(String segment) {
    int i = SegmentTables.SEGMENTS.indexOf(segment);
    return i < 0 ? SegmentTables.SEGMENTS.size() : i;
  }

  /** A fixed spread in [-0.3, 0.3] from the point's index (golden-ratio steps): no randomness. */
  static double jitter(int i) {
    double f = (i * 0.6180339887) % 1.0;
    return (f - 0.5) * 0.6;
  }

  static double mean(double[] v) {
    double s = 0;
    int n = 0;
    for (double x : v) {
      if (!Double.isNaN(x)) {
        s += x;
        n++;
      }
    }
    return n == 0 ? Double.NaN : s / n;
  }

  private static int argMax(double[] v) {
    int best = 0;
    for (int i = 1; i < v.length; i++) {
      if (!Double.isNaN(v[i]) && (Double.isNaN(v[best]) || v[i] > v[best])) {
        best = i;
      }
    }
    return best;
  }

  /** 0.1437 -> "14%"; under 10% with one decimal (2.6%). */
  static String pct(double share) {
    if (Double.isNaN(share)) {
      return "n/a";
    }
    double p = 100 * share;
    return String.format(Locale.ROOT, p < 10 ? "%.1f%%" : "%.0f%%", p);
  }

  static String money(double v) {
    return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%,.0f", v);
  }
}
