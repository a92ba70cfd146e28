package com.customeranalytics.ml;

import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.Transformer;

/** Loads a saved best model (see {@link Xgboost#withSavedClassCount} for XGBoost's). */
public final class SavedModels {
  private SavedModels() {}

  public static PipelineModel load(String path) {
    PipelineModel loaded = PipelineModel.load(path);
    for (Transformer t : loaded.stages()) {
      // by name, so a build without XGBoost never loads its classes
      if (t.getClass().getName().equals("ml.dmlc.xgboost4j.scala.spark.XGBoostClassificationModel")) {
        return Xgboost.withSavedClassCount(loaded);
      }
    }
    return loaded;
  }
}
