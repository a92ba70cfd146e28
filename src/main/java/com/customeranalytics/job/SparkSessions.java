package com.customeranalytics.job;

import com.customeranalytics.config.Settings;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/** Builds the job's SparkSession from settings; spark-submit's own flags win over the config. */
public final class SparkSessions {
  private SparkSessions() {}

  public static SparkSession create(Settings settings) {
    SparkConf submitted = new SparkConf(); // holds what spark-submit passed (--master, --conf)
    SparkSession.Builder b = SparkSession.builder().appName("customer-analytics");
    for (Map.Entry<String, String> e : settings.spark().entrySet()) {
      if (!submitted.contains(e.getKey())) {
        b.config(e.getKey(), e.getValue());
      }
    }
    if (!submitted.contains("spark.master") && !settings.spark().containsKey("spark.master")) {
      b.master("local[*]");
    }
    return b.getOrCreate();
  }
}
