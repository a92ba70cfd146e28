package com.customeranalytics.stage.ingest;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.try_to_timestamp;
import static org.apache.spark.sql.functions.when;

import com.customeranalytics.job.InputException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The timestamp format of each CSV file, chosen from {@code ingest.timestamp-formats} as the one
 * that reads every timestamp of the file. Trying the formats row by row instead (first that
 * parses wins) reads a day-first file's 01/12/2010 as January 12 and its 13/12/2010 as invalid,
 * silently. The formats are tried by Spark itself (one small job over the distinct texts of all
 * new files), so the verdict is exactly what the bronze write will do.
 */
final class TimestampFormats {
  private TimestampFormats() {}

  private static final Logger LOG = LoggerFactory.getLogger(TimestampFormats.class);
  static final String SETTING = "ingest.timestamp-formats";

  /** Day-first spellings tried only to name the fix when no configured format reads a file. */
  static final List<String> DAY_FIRST = List.of("d/M/yyyy H:mm", "d/M/yyyy H:mm:ss", "d.M.yyyy H:mm",
      "d.M.yyyy H:mm:ss", "d-M-yyyy H:mm", "d/M/yy H:mm");

  /**
   * File -> the format to read it with. A file missing from the result (no configured format reads
   * all its values, and the values are not day-first either: mixed or damaged) is read row by row
   * with the first format that parses, as before; its unreadable rows become invalid.
   *
   * @throws InputException when two configured formats read all of a file's values with different
   *     results, or when only a day-first format would read them
   */
  static Map<String, String> choose(SparkSession spark, Map<String, Set<String>> samples,
      List<String> formats) {
    Map<String, String> out = new LinkedHashMap<>();
    if (samples.isEmpty()) {
      return out;
    }
    List<String> tried = new ArrayList<>(formats);
    for (String f : DAY_FIRST) {
      if (!tried.contains(f)) {
        tried.add(f);
      }
    }
    List<Row> rows = new ArrayList<>();
    for (Map.Entry<String, Set<String>> e : samples.entrySet()) {
      for (String v : e.getValue()) {
        rows.add(RowFactory.create(e.getKey(), v));
      }
    }
    StructType schema = new StructType().add("file", DataTypes.StringType, false)
        .add("value", DataTypes.StringType, false);
    // In slices of 10,000 values: one local relation would ship them all in one oversized task.
    int slices = Math.max(1, (rows.size() + 9_999) / 10_000);
    Dataset<Row> values = spark.createDataFrame(
        JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(rows, slices), schema);
    Column[] parsed = new Column[tried.size()];
    for (int i = 0; i < parsed.length; i++) {
      parsed[i] = try_to_timestamp(col("value"), lit(tried.get(i)));
    }
    // Per file and format: values it cannot read (and one of them); per pair of configured
    // formats: values both read differently (and one of them).
    List<Column> aggs = new ArrayList<>();
    for (Column p : parsed) {
      aggs.add(sum(when(p.isNull(), 1).otherwise(0)));
      aggs.add(min(when(p.isNull(), col("value"))));
    }
    for (int i = 0; i < formats.size(); i++) {
      for (int j = i + 1; j < formats.size(); j++) {
        Column differ = parsed[i].isNotNull().and(parsed[j].isNotNull()).and(parsed[i].notEqual(parsed[j]));
        aggs.add(min(when(differ, col("value"))));
      }
    }
    List<Row> verdicts = values.groupBy(col("file"))
        .agg(aggs.get(0), aggs.subList(1, aggs.size()).toArray(new Column[0])).collectAsList();
    for (Row r : verdicts) {
      String file = r.getString(0);
      List<Integer> readAll = new ArrayList<>();
      for (int i = 0; i < formats.size(); i++) {
        if (r.getLong(1 + 2 * i) == 0) {
          readAll.add(i);
        }
      }
      if (readAll.isEmpty()) {
        String dayFirst = null;
        for (int i = formats.size(); i < tried.size() && dayFirst == null; i++) {
          if (r.getLong(1 + 2 * i) == 0) {
            dayFirst = tried.get(i);
          }
        }
        String unread = r.getString(2 + 2 * firstReading(r, formats.size()));
        if (dayFirst != null) {
          throw new InputException(String.format("Input file %s has day-first timestamps (for example"
              + " '%s'): none of %s %s reads them all, and reading them month-first would swap day and"
              + " month where the day is 12 or less. Nothing of this input is ingested. Add \"%s\" to"
              + " %s (or set it to that format alone for such files).", file, unread, SETTING,
              formats, dayFirst, SETTING));
        }
        LOG.warn("Input file {}: no single format of {} reads every timestamp (\"{}\", which reads"
            + " the most, does not read '{}'): each row is read with the first format that parses it,"
            + " and rows that none reads are kept as invalid (unparseable_invoice_ts)", file, SETTING,
            formats.get(firstReading(r, formats.size())), unread);
        continue;
      }
      int first = readAll.get(0);
      for (int j : readAll.subList(1, readAll.size())) {
        String example = r.getString(1 + 2 * tried.size() + pairIndex(first, j, formats.size()));
        if (example != null) {
          throw new InputException(String.format("Input file %s: its timestamps are read by more than"
              + " one of %s, with different results: for example '%s' is %s under \"%s\" and %s under"
              + " \"%s\". Nothing of this input is ingested. List in %s only the format this file is"
              + " written in (for example --set '%s=%s').", file, SETTING, example,
              showParsed(spark, example, formats.get(first)), formats.get(first),
              showParsed(spark, example, formats.get(j)), formats.get(j), SETTING, SETTING,
              formats.get(j)));
        }
      }
      out.put(file, formats.get(first));
    }
    return out;
  }

  /** The configured format that reads most values (for the example of one it cannot read). */
  private static int firstReading(Row r, int configured) {
    int best = 0;
    for (int i = 1; i < configured; i++) {
      if (r.getLong(1 + 2 * i) < r.getLong(1 + 2 * best)) {
        best = i;
      }
    }
    return best;
  }

  /** Position of the pair (i, j), i < j, among the pairs of n formats in loop order. */
  private static int pairIndex(int i, int j, int n) {
    int k = 0;
    for (int a = 0; a < n; a++) {
      for (int b = a + 1; b < n; b++) {
        if (a == i && b == j) {
          return k;
        }
        k++;
      }
    }
    throw new IllegalArgumentException(i + "," + j);
  }

  private static String showParsed(SparkSession spark, String value, String format) {
    return spark.range(1).select(try_to_timestamp(lit(value), lit(format)).cast(DataTypes.StringType))
        .first().getString(0);
  }
}
