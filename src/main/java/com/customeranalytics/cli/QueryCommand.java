package com.customeranalytics.cli;

import com.customeranalytics.config.Settings;
import com.customeranalytics.table.TableStore;
import java.io.PrintStream;
import java.util.Iterator;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** `query`: Spark SQL over the warehouse, every table registered under its own name. */
final class QueryCommand {
  private QueryCommand() {}

  static void run(SparkSession spark, Settings settings, String sql, String format, int limit,
      PrintStream out) {
    TableStore store = new TableStore(spark, settings.warehouse());
    for (String table : store.listTables()) {
      store.read(table).createOrReplaceTempView(table);
    }
    Dataset<Row> result = spark.sql(sql);
    switch (format) {
      case "json":
        // Streams partition by partition: results are not gathered on the driver at once.
        for (Iterator<String> it = result.toJSON().toLocalIterator(); it.hasNext(); ) {
          out.println(it.next());
        }
        break;
      case "table":
        result.show(limit, false);
        break;
      default:
        out.println(String.join(",", result.columns()));
        for (Iterator<Row> it = result.toLocalIterator(); it.hasNext(); ) {
          Row r = it.next();
          StringBuilder sb = new StringBuilder();
          for (int i = 0; i < r.size(); i++) {
            if (i > 0) {
              sb.append(',');
            }
            sb.append(csv(r.isNullAt(i) ? null : String.valueOf(r.get(i))));
          }
          out.println(sb);
        }
    }
    out.flush();
  }

  private static String csv(String v) {
    if (v == null) {
      return "";
    }
    if (v.indexOf(',') >= 0 || v.indexOf('"') >= 0 || v.indexOf('\n') >= 0 || v.indexOf('\r') >= 0) {
      return '"' + v.replace("\"", "\"\"") + '"';
    }
    return v;
  }
}
