package com.customeranalytics.stage.report;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * A small table held on the driver (a gold summary table's rows for one as-of date, or the
 * customer sample): what a CSV of the bundle holds and what the HTML charts are drawn from.
 */
public final class Extract {
  private final String name;
  private final List<String> columns;
  private final List<Object[]> rows;

  public Extract(String name, List<String> columns, List<Object[]> rows) {
    this.name = name;
    this.columns = Collections.unmodifiableList(new ArrayList<>(columns));
    this.rows = Collections.unmodifiableList(new ArrayList<>(rows));
  }

  /** Collects {@code df} to the driver: callers bound it first (it is a summary or a limit). */
  public static Extract collect(String name, Dataset<Row> df) {
    List<Object[]> rows = new ArrayList<>();
    for (Row r : df.collectAsList()) {
      Object[] values = new Object[r.size()];
      for (int i = 0; i < r.size(); i++) {
        values[i] = r.isNullAt(i) ? null : r.get(i);
      }
      rows.add(values);
    }
    return new Extract(name, Arrays.asList(df.columns()), rows);
  }

  /** The bundle file stem (e.g. monthly_metrics for monthly_metrics.csv). */
  public String name() { return name; }
  public List<String> columns() { return columns; }
  public List<Object[]> rows() { return rows; }
  public int size() { return rows.size(); }

  public boolean has(String column) {
    return columns.contains(column);
  }

  public int index(String column) {
    int i = columns.indexOf(column);
    if (i < 0) {
      throw new IllegalArgumentException(name + " has no column " + column + "; columns are " + columns);
    }
    return i;
  }

  /** The rows matching {@code test}, as a new extract with the same name and columns. */
  public Extract filter(Predicate<Object[]> test) {
    List<Object[]> out = new ArrayList<>();
    for (Object[] r : rows) {
      if (test.test(r)) {
        out.add(r);
      }
    }
    return new Extract(name, columns, out);
  }

  /** Rows whose {@code column} equals {@code value} (compared as strings). */
  public Extract where(String column, Object value) {
    int i = index(column);
    return filter(r -> r[i] != null && Objects.equals(String.valueOf(r[i]), String.valueOf(value)));
  }

  /** A numeric cell; NaN when null (charts leave it out). */
  public double num(Object[] row, String column) {
    Object v = row[index(column)];
    if (v == null) {
      return Double.NaN;
    }
    if (v instanceof Number) {
      return ((Number) v).doubleValue();
    }
    return Double.parseDouble(v.toString());
  }

  /** A cell as text; null stays null. */
  public String str(Object[] row, String column) {
    Object v = row[index(column)];
    return v == null ? null : v.toString();
  }

  public boolean bool(Object[] row, String column) {
    Object v = row[index(column)];
    return v != null && Boolean.parseBoolean(v.toString());
  }

  /** The column's numeric values in row order. */
  public double[] nums(String column) {
    double[] out = new double[rows.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = num(rows.get(i), column);
    }
    return out;
  }

  /** The column's text values in row order. */
  public List<String> strs(String column) {
    List<String> out = new ArrayList<>();
    for (Object[] r : rows) {
      out.add(str(r, column));
    }
    return out;
  }

  /** Distinct text values of the column, in first-seen order. */
  public List<String> distinct(String column) {
    List<String> out = new ArrayList<>();
    for (String s : strs(column)) {
      if (s != null && !out.contains(s)) {
        out.add(s);
      }
    }
    return out;
  }

  /** RFC 4180 CSV: a header row, CRLF line ends, fields quoted only when they need it. */
  public String toCsv() {
    StringBuilder sb = new StringBuilder();
    appendLine(sb, columns.toArray());
    for (Object[] r : rows) {
      appendLine(sb, r);
    }
    return sb.toString();
  }

  private static void appendLine(StringBuilder sb, Object[] values) {
    for (int i = 0; i < values.length; i++) {
      if (i > 0) {
        sb.append(',');
      }
      sb.append(csvField(values[i]));
    }
    sb.append("\r\n");
  }

  static String csvField(Object v) {
    if (v == null) {
      return "";
    }
    String s = v instanceof Double || v instanceof Float ? plain(((Number) v).doubleValue()) : v.toString();
    boolean quote = s.indexOf(',') >= 0 || s.indexOf('"') >= 0 || s.indexOf('\n') >= 0
        || s.indexOf('\r') >= 0;
    return quote ? '"' + s.replace("\"", "\"\"") + '"' : s;
  }

  /** Doubles without exponents (1.0E7 reads badly in a spreadsheet); NaN/Infinity as Java names. */
  static String plain(double d) {
    if (Double.isNaN(d) || Double.isInfinite(d)) {
      return Double.toString(d);
    }
    String s = BigDecimal.valueOf(d).toPlainString();
    return s.contains(".") ? s : s + ".0";
  }
}
