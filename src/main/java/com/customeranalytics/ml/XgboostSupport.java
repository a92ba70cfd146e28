package com.customeranalytics.ml;

import static com.customeranalytics.table.ModelTables.XGBOOST;

import com.customeranalytics.config.Settings.ModelSettings;
import java.util.List;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether this Spark can run the xgboost candidate. No XGBoost types here: on a build without
 * XGBoost this class loads and {@link Xgboost} never does.
 */
final class XgboostSupport {
  private static final Logger LOG = LoggerFactory.getLogger(XgboostSupport.class);

  private XgboostSupport() {}

  /** Why xgboost cannot run here; null when it can. */
  static String unavailable() {
    if (Integer.parseInt(org.apache.spark.package$.MODULE$.SPARK_VERSION().split("\\.")[0]) >= 4) {
      // XGBoost4J-Spark 3.1 (the newest on Maven Central for Scala 2.13) is built for Spark 3.5:
      // on Spark 4 it trains, but its model writer calls json4s 3 methods that Spark 4's json4s 4
      // no longer has, so the kept model could not be saved.
      return "XGBoost4J-Spark has no build for Spark " + org.apache.spark.package$.MODULE$.SPARK_VERSION()
          + " (3.1 is built for Spark 3.5; on Spark 4 its models cannot be saved)";
    }
    try {
      Class.forName("ml.dmlc.xgboost4j.scala.spark.XGBoostClassifier", false, XgboostSupport.class.getClassLoader());
      return null;
    } catch (ClassNotFoundException e) {
      return "XGBoost4J-Spark is not on the classpath";
    }
  }

  /** models.candidates, without xgboost (and a warning saying why) where it cannot run. */
  static List<String> families(ModelSettings s, String task) {
    String reason = s.candidates.contains(XGBOOST) ? unavailable() : null;
    if (reason == null) {
      return s.candidates;
    }
    List<String> others = s.candidates.stream().filter(c -> !c.equals(XGBOOST)).collect(Collectors.toList());
    if (others.isEmpty()) {
      throw new com.customeranalytics.job.InputException("models.candidates lists only xgboost, which cannot run"
          + " here: " + reason + ". Set models.candidates to random_forest and/or gbt.");
    }
    LOG.warn("{}: xgboost left out of models.candidates {}: {}. Comparing {}.", task, s.candidates, reason,
        String.join(", ", others));
    return others;
  }
}
