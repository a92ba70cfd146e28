package com.customeranalytics.stage.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.DoubleFunction;

/**
 * Small charts for the self-contained HTML report: inline SVG (line, grouped bar, horizontal bar,
 * scatter) and a heatmap as coloured table cells. No scripts, fonts or files: the page opens
 * anywhere, offline. Every text is escaped; NaN values are left out (gaps, empty cells).
 */
public final class Svg {
  static final int WIDTH = 640;
  static final int HEIGHT = 320;
  private static final int LEFT = 64;
  private static final int RIGHT = 16;
  private static final int TOP = 44;
  private static final int BOTTOM = 46;
  /** Tableau 10: distinguishable, and readable for the common colour-vision deficiencies. */
  static final String[] PALETTE = {"#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948",
      "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"};

  private Svg() {}

  /** A named series of points; for categorical charts x is the category index. */
  public static final class Series {
    final String name;
    final double[] x;
    final double[] y;
    /** Null: the palette's colour for the series' position. */
    String colour;

    public Series(String name, double[] x, double[] y) {
      if (x.length != y.length) {
        throw new IllegalArgumentException("Series " + name + ": " + x.length + " x values, " + y.length + " y values");
      }
      this.name = name;
      this.x = x;
      this.y = y;
    }

    /** Draws the series in {@code colour} (e.g. grey for a reference line). */
    public Series colour(String colour) {
      this.colour = colour;
      return this;
    }

    /** y at x = 0, 1, 2, ... */
    public static Series of(String name, double[] y) {
      double[] x = new double[y.length];
      for (int i = 0; i < x.length; i++) {
        x[i] = i;
      }
      return new Series(name, x, y);
    }
  }

  /**
   * Lines with point markers. {@code xTicks} names x = 0, 1, 2, ... (e.g. months); null means
   * numeric x with computed ticks.
   */
  public static String line(String title, String xLabel, String yLabel, List<Series> series, List<String> xTicks) {
    Frame f = Frame.of(series, false, xTicks == null ? null : xTicks.size(), false);
    StringBuilder sb = open(title);
    f.axes(sb, xLabel, yLabel, xTicks);
    for (int s = 0; s < series.size(); s++) {
      Series ser = series.get(s);
      String colour = ser.colour != null ? ser.colour : colour(s);
      StringBuilder path = new StringBuilder();
      boolean pen = false;
      for (int i = 0; i < ser.x.length; i++) {
        if (Double.isNaN(ser.y[i]) || Double.isNaN(ser.x[i])) {
          pen = false; // a gap, not a line through an unknown value
          continue;
        }
        path.append(pen ? " L" : " M").append(n(f.px(ser.x[i]))).append(' ').append(n(f.py(ser.y[i])));
        pen = true;
      }
      if (path.length() > 0) {
        sb.append("<path class=\"series\" fill=\"none\" stroke=\"").append(colour)
            .append("\" stroke-width=\"2\" d=\"").append(path.toString().trim()).append("\"/>\n");
      }
      if (ser.x.length <= 60) {
        for (int i = 0; i < ser.x.length; i++) {
          if (!Double.isNaN(ser.y[i]) && !Double.isNaN(ser.x[i])) {
            sb.append(circle(f.px(ser.x[i]), f.py(ser.y[i]), 2.5, colour, ser.name, ser.x[i], ser.y[i], xTicks));
          }
        }
      }
    }
    legend(sb, series);
    return close(sb);
  }

  /** Points; {@code logY} plots log10(1 + y), for heavy-tailed money. */
  public static String scatter(String title, String xLabel, String yLabel, List<Series> series, boolean logY) {
    return scatter(title, xLabel, yLabel, series, logY, false);
  }

  /**
   * As above; {@code wholeX}: x is a whole number spread by jitter (a score), so the ticks are the
   * whole numbers of the data and the axis ends half a unit beyond them, not at a rounder number.
   */
  public static String scatter(String title, String xLabel, String yLabel, List<Series> series, boolean logY,
      boolean wholeX) {
    Frame f = Frame.of(series, logY, null, false, wholeX);
    StringBuilder sb = open(title);
    f.axes(sb, xLabel, yLabel + (logY ? " (log scale)" : ""), null);
    for (int s = 0; s < series.size(); s++) {
      Series ser = series.get(s);
      for (int i = 0; i < ser.x.length; i++) {
        if (!Double.isNaN(ser.y[i]) && !Double.isNaN(ser.x[i])) {
          sb.append("<circle class=\"point\" cx=\"").append(n(f.px(ser.x[i]))).append("\" cy=\"")
              .append(n(f.py(f.ty(ser.y[i])))).append("\" r=\"2.5\" fill=\"").append(colour(s))
              .append("\" fill-opacity=\"0.6\"/>\n");
        }
      }
    }
    legend(sb, series);
    return close(sb);
  }

  /**
   * Grouped vertical bars: one group per category, one bar per series (y[i] = category i).
   * {@code valueLabel} writes each bar's value above it (null: none).
   */
  public static String bars(String title, String yLabel, List<String> categories, List<Series> series,
      DoubleFunction<String> valueLabel) {
    Frame f = Frame.of(series, false, categories.size(), true);
    // Long category names (named segments) are written slanted below the axis; the chart grows.
    int longest = categories.stream().mapToInt(String::length).max().orElse(0);
    boolean slant = longest * 6.0 > f.plotW() / Math.max(1, categories.size());
    StringBuilder sb = open(title, slant ? HEIGHT + (int) Math.min(100, longest * 4.5) : HEIGHT);
    f.slant = slant;
    f.axes(sb, null, yLabel, categories);
    double group = f.plotW() / Math.max(1, categories.size());
    double bar = group * 0.8 / Math.max(1, series.size());
    for (int s = 0; s < series.size(); s++) {
      Series ser = series.get(s);
      for (int i = 0; i < ser.y.length; i++) {
        if (Double.isNaN(ser.y[i])) {
          continue;
        }
        double x = LEFT + group * ser.x[i] + group * 0.1 + bar * s;
        double top = f.py(Math.max(0, ser.y[i]));
        double h = Math.abs(f.py(ser.y[i]) - f.py(0));
        sb.append("<rect class=\"bar\" x=\"").append(n(x)).append("\" y=\"").append(n(top))
            .append("\" width=\"").append(n(Math.max(1, bar - 1))).append("\" height=\"").append(n(h))
            .append("\" fill=\"").append(colour(s)).append("\"><title>")
            .append(escape(ser.name + ", " + categories.get((int) ser.x[i]) + ": " + compact(ser.y[i])))
            .append("</title></rect>\n");
        if (valueLabel != null) {
          text(sb, x + bar / 2, top - 3, "middle", 10, valueLabel.apply(ser.y[i]));
        }
      }
    }
    legend(sb, series);
    return close(sb);
  }

  /** Horizontal bars, one per label, largest length = largest value; valueLabels beside them. */
  public static String hbars(String title, List<String> labels, double[] values, List<String> valueLabels) {
    int left = 12 + Math.min(200, labels.stream().mapToInt(String::length).max().orElse(4) * 7);
    int rowH = 22;
    int height = TOP + rowH * labels.size() + 16;
    double max = 0;
    for (double v : values) {
      max = Double.isNaN(v) ? max : Math.max(max, v);
    }
    double plotW = WIDTH - left - 90;
    StringBuilder sb = open(title, height);
    for (int i = 0; i < labels.size(); i++) {
      double y = TOP + rowH * i;
      text(sb, left - 6, y + rowH * 0.65, "end", 11, labels.get(i));
      if (Double.isNaN(values[i])) {
        continue;
      }
      double w = max <= 0 ? 0 : Math.max(0, values[i]) / max * plotW;
      sb.append("<rect class=\"bar\" x=\"").append(left).append("\" y=\"").append(n(y + 3))
          .append("\" width=\"").append(n(w)).append("\" height=\"").append(rowH - 6)
          .append("\" fill=\"").append(PALETTE[0]).append("\"/>\n");
      text(sb, left + w + 4, y + rowH * 0.65, "start", 10, valueLabels.get(i));
    }
    return close(sb);
  }

  /**
   * A heatmap as an HTML table: one coloured cell per value, darker = larger (NaN: empty cell).
   * {@code corner} names the row header column.
   */
  public static String heatmap(String title, String corner, List<String> rows, List<String> cols,
      double[][] values, DoubleFunction<String> format) {
    double max = 0;
    for (double[] r : values) {
      for (double v : r) {
        max = Double.isNaN(v) ? max : Math.max(max, v);
      }
    }
    StringBuilder sb = new StringBuilder("<table class=\"heatmap\"><caption>").append(escape(title))
        .append("</caption>\n<tr><th>").append(escape(corner)).append("</th>");
    for (String c : cols) {
      sb.append("<th>").append(escape(c)).append("</th>");
    }
    sb.append("</tr>\n");
    for (int i = 0; i < rows.size(); i++) {
      sb.append("<tr><th>").append(escape(rows.get(i))).append("</th>");
      for (int j = 0; j < cols.size(); j++) {
        double v = j < values[i].length ? values[i][j] : Double.NaN;
        if (Double.isNaN(v)) {
          sb.append("<td></td>");
          continue;
        }
        double t = max <= 0 ? 0 : Math.max(0, v) / max;
        sb.append("<td style=\"background:").append(blend(t)).append(";color:")
            .append(t > 0.55 ? "#fff" : "#222").append("\">").append(escape(format.apply(v))).append("</td>");
      }
      sb.append("</tr>\n");
    }
    return sb.append("</table>\n").toString();
  }

  /** White to the palette's blue, t in [0, 1]. */
  static String blend(double t) {
    int[] to = {0x4e, 0x79, 0xa7};
    StringBuilder sb = new StringBuilder("#");
    for (int c : to) {
      sb.append(String.format(Locale.ROOT, "%02x", (int) Math.round(255 + (c - 255) * t)));
    }
    return sb.toString();
  }

  /** Escapes text for HTML and SVG (element content and quoted attributes). */
  public static String escape(String s) {
    if (s == null) {
      return "";
    }
    StringBuilder sb = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '&': sb.append("&amp;"); break;
        case '<': sb.append("&lt;"); break;
        case '>': sb.append("&gt;"); break;
        case '"': sb.append("&quot;"); break;
        case '\'': sb.append("&#39;"); break;
        default: sb.append(c);
      }
    }
    return sb.toString();
  }

  /**
   * About {@code target} round tick values covering [min, max] (steps of 1, 2 or 5 x 10^n);
   * the first tick is at or below min, the last at or above max.
   */
  static double[] ticks(double min, double max, int target) {
    if (!(max > min)) {
      max = min + 1;
    }
    double raw = (max - min) / Math.max(1, target);
    double mag = Math.pow(10, Math.floor(Math.log10(raw)));
    double step = mag;
    for (double m : new double[] {1, 2, 5, 10}) {
      step = m * mag;
      if (step >= raw) {
        break;
      }
    }
    double start = Math.floor(min / step + 1e-9) * step;
    double end = Math.ceil(max / step - 1e-9) * step;
    int count = (int) Math.round((end - start) / step) + 1;
    double[] out = new double[count];
    for (int i = 0; i < count; i++) {
      // Whole multiples of mag, divided rather than multiplied so 3 x 0.1 is 0.3, not 0.30000000000000004.
      long units = Math.round((start + i * step) / mag);
      out[i] = mag >= 1 ? units * mag : units / Math.rint(1 / mag);
    }
    return out;
  }

  /** Short number for axes and tooltips: 1.2M, 45k, 0.85, 12. */
  static String compact(double v) {
    double a = Math.abs(v);
    if (a >= 1e9) {
      return trim(v / 1e9) + "B";
    }
    if (a >= 1e6) {
      return trim(v / 1e6) + "M";
    }
    if (a >= 1e4) {
      return trim(v / 1e3) + "k";
    }
    if (a >= 100 || v == Math.rint(v)) {
      return String.format(Locale.ROOT, "%.0f", v);
    }
    if (a >= 1) {
      return trim(v);
    }
    return String.format(Locale.ROOT, "%.2f", v).replaceAll("0+$", "").replaceAll("\\.$", "");
  }

  private static String trim(double v) {
    String s = String.format(Locale.ROOT, "%.1f", v);
    return s.endsWith(".0") ? s.substring(0, s.length() - 2) : s;
  }

  private static String colour(int i) {
    return PALETTE[i % PALETTE.length];
  }

  private static StringBuilder open(String title) {
    return open(title, HEIGHT);
  }

  private static StringBuilder open(String title, int height) {
    StringBuilder sb = new StringBuilder();
    sb.append("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" width=\"").append(WIDTH)
        .append("\" height=\"").append(height).append("\" viewBox=\"0 0 ").append(WIDTH).append(' ')
        .append(height).append("\" role=\"img\" aria-label=\"").append(escape(title)).append("\">\n")
        .append("<title>").append(escape(title)).append("</title>\n");
    text(sb, WIDTH / 2.0, 18, "middle", 14, title);
    return sb;
  }

  private static String close(StringBuilder sb) {
    return sb.append("</svg>\n").toString();
  }

  private static void legend(StringBuilder sb, List<Series> series) {
    if (series.size() < 2) {
      return;
    }
    double x = LEFT;
    double y = 32;
    for (int s = 0; s < series.size(); s++) {
      String name = series.get(s).name;
      double w = 18 + name.length() * 6.5;
      if (x + w > WIDTH - RIGHT && x > LEFT) {
        break; // the legend keeps to one line; tooltips still name every series
      }
      sb.append("<rect x=\"").append(n(x)).append("\" y=\"").append(n(y - 8)).append("\" width=\"10\" height=\"10\" fill=\"")
          .append(series.get(s).colour != null ? series.get(s).colour : colour(s)).append("\"/>");
      text(sb, x + 13, y + 1, "start", 10, name);
      x += w;
    }
  }

  private static String circle(double cx, double cy, double r, String colour, String name, double x, double y,
      List<String> xTicks) {
    String xs = xTicks != null && x >= 0 && x < xTicks.size() && x == Math.rint(x) ? xTicks.get((int) x) : compact(x);
    return "<circle cx=\"" + n(cx) + "\" cy=\"" + n(cy) + "\" r=\"" + r + "\" fill=\"" + colour + "\"><title>"
        + escape(name + " " + xs + ": " + compact(y)) + "</title></circle>\n";
  }

  static void text(StringBuilder sb, double x, double y, String anchor, int size, String text) {
    sb.append("<text x=\"").append(n(x)).append("\" y=\"").append(n(y)).append("\" text-anchor=\"")
        .append(anchor).append("\" font-size=\"").append(size).append("\">").append(escape(text))
        .append("</text>\n");
  }

  /** A coordinate with one decimal, locale-independent. */
  static String n(double v) {
    return String.format(Locale.ROOT, "%.1f", v);
  }

  /** Data ranges and their mapping to the plot area. */
  private static final class Frame {
    final double x0;
    final double x1;
    final double[] yTicks;
    final double[] xTicks;
    final boolean logY;
    final Integer categories;
    /** Category names written at an angle (they would overlap level). */
    boolean slant;

    private Frame(double x0, double x1, double[] xTicks, double[] yTicks, boolean logY, Integer categories) {
      this.x0 = x0;
      this.x1 = x1;
      this.xTicks = xTicks;
      this.yTicks = yTicks;
      this.logY = logY;
      this.categories = categories;
    }

    /**
     * {@code categories}: x is a category index 0..n-1 (null: numeric x). {@code barBands}: each
     * category is a band (bars), else a point (lines).
     */
    static Frame of(List<Series> series, boolean logY, Integer categories, boolean barBands) {
      return of(series, logY, categories, barBands, false);
    }

    /** {@code wholeX}: numeric x that is a jittered whole number (see scatter). */
    static Frame of(List<Series> series, boolean logY, Integer categories, boolean barBands, boolean wholeX) {
      double xmin = Double.POSITIVE_INFINITY;
      double xmax = Double.NEGATIVE_INFINITY;
      double ymin = barBands ? 0 : Double.POSITIVE_INFINITY;
      double ymax = barBands ? 0 : Double.NEGATIVE_INFINITY;
      for (Series s : series) {
        for (int i = 0; i < s.x.length; i++) {
          if (Double.isNaN(s.x[i]) || Double.isNaN(s.y[i])) {
            continue;
          }
          double y = logY ? Math.log10(1 + Math.max(0, s.y[i])) : s.y[i];
          xmin = Math.min(xmin, s.x[i]);
          xmax = Math.max(xmax, s.x[i]);
          ymin = Math.min(ymin, y);
          ymax = Math.max(ymax, y);
        }
      }
      if (ymin > ymax) {
        ymin = 0;
        ymax = 1;
      }
      double[] yTicks = logY ? logTicks(ymax) : ticks(ymin, ymax, 5);
      if (categories != null) {
        // Bars: bands 0..n; points: centred in n slots.
        return barBands ? new Frame(0, categories, null, yTicks, logY, categories)
            : new Frame(-0.5, categories - 0.5, null, yTicks, logY, categories);
      }
      if (xmin > xmax) {
        xmin = 0;
        xmax = 1;
      }
      if (wholeX) {
        long lo = Math.round(xmin);
        long hi = Math.round(xmax);
        double[] whole;
        if (hi - lo <= 12) {
          whole = new double[(int) (hi - lo + 1)];
          for (int i = 0; i < whole.length; i++) {
            whole[i] = lo + i;
          }
        } else {
          whole = ticks(lo, hi, 8); // a wide range: every whole number would crowd the axis
        }
        return new Frame(Math.min(lo - 0.5, xmin), Math.max(hi + 0.5, xmax), whole, yTicks, logY, null);
      }
      double[] xTicks = ticks(xmin, xmax, 8);
      double pad = xmin == xmax ? 0.5 : 0;
      return new Frame(Math.min(xTicks[0], xmin - pad), Math.max(xTicks[xTicks.length - 1], xmax + pad), xTicks,
          yTicks, logY, null);
    }

    /** Ticks 0, 1, 10, 100, ... in log10(1 + y) space, up to and including the data's top. */
    static double[] logTicks(double top) {
      List<Double> t = new ArrayList<>();
      t.add(0.0);
      for (int p = 0; ; p++) {
        double pos = Math.log10(1 + Math.pow(10, p));
        t.add(pos);
        if (pos >= top) {
          break;
        }
      }
      return t.stream().mapToDouble(Double::doubleValue).toArray();
    }

    double plotW() {
      return WIDTH - LEFT - RIGHT;
    }

    double plotH() {
      return HEIGHT - TOP - BOTTOM;
    }

    /** The plotted y of a data value. */
    double ty(double y) {
      return logY ? Math.log10(1 + Math.max(0, y)) : y;
    }

    double px(double x) {
      return LEFT + (x - x0) / (x1 - x0) * plotW();
    }

    double py(double y) {
      double y0 = yTicks[0];
      double y1 = yTicks[yTicks.length - 1];
      return TOP + plotH() - (y - y0) / (y1 - y0) * plotH();
    }

    void axes(StringBuilder sb, String xLabel, String yLabel, List<String> xNames) {
      sb.append("<g class=\"axes\" stroke=\"#ccc\" stroke-width=\"1\">\n");
      for (double t : yTicks) {
        sb.append("<line x1=\"").append(LEFT).append("\" x2=\"").append(WIDTH - RIGHT).append("\" y1=\"")
            .append(n(py(t))).append("\" y2=\"").append(n(py(t))).append("\"/>\n");
      }
      sb.append("</g>\n");
      for (double t : yTicks) {
        String label = logY ? compact(Math.rint(Math.pow(10, t) - 1)) : compact(t);
        text(sb, LEFT - 6, py(t) + 4, "end", 10, label);
      }
      if (xNames != null) {
        // Level labels of about 7 characters (yyyy-MM) fit about ten to the axis; slanted, all fit.
        int step = slant ? 1 : Math.max(1, (int) Math.ceil(xNames.size() / 10.0));
        for (int i = 0; i < xNames.size(); i += step) {
          double centre = categories != null && x0 == 0 ? px(i + 0.5) : px(i);
          if (slant) {
            double y = HEIGHT - BOTTOM + 10;
            sb.append("<text transform=\"translate(").append(n(centre)).append(' ').append(n(y))
                .append(") rotate(-35)\" text-anchor=\"end\" font-size=\"10\">").append(escape(xNames.get(i)))
                .append("</text>\n");
          } else {
            text(sb, centre, HEIGHT - BOTTOM + 14, "middle", 10, xNames.get(i));
          }
        }
      } else if (xTicks != null) {
        for (double t : xTicks) {
          text(sb, px(t), HEIGHT - BOTTOM + 14, "middle", 10, compact(t));
        }
      }
      sb.append("<line x1=\"").append(LEFT).append("\" x2=\"").append(WIDTH - RIGHT).append("\" y1=\"")
          .append(n(TOP + plotH())).append("\" y2=\"").append(n(TOP + plotH())).append("\" stroke=\"#666\"/>\n");
      if (xLabel != null) {
        text(sb, LEFT + plotW() / 2, HEIGHT - 8, "middle", 11, xLabel);
      }
      if (yLabel != null) {
        sb.append("<text transform=\"translate(14 ").append(n(TOP + plotH() / 2))
            .append(") rotate(-90)\" text-anchor=\"middle\" font-size=\"11\">").append(escape(yLabel))
            .append("</text>\n");
      }
    }
  }
}
