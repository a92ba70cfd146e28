package com.customeranalytics.ml;

import static org.apache.spark.sql.functions.col;

import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.functions;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;

/**
 * Replaces the assembled feature vector by its dense form (built-in functions only), for XGBoost.
 * VectorAssembler stores a row with many zeros as a sparse vector; XGBoost4J-Spark 3.1 refuses
 * sparse rows in training unless a missing value is set, and then crashes natively (SIGSEGV in
 * SparsePage::Push) when it predicts on them. A pipeline stage, so a saved model densifies too.
 */
public final class DenseFeatures extends Transformer implements DefaultParamsWritable {
  private static final long serialVersionUID = 1L;
  private final String uid;

  public DenseFeatures() {
    this(Identifiable$.MODULE$.randomUID("denseFeatures"));
  }

  public DenseFeatures(String uid) {
    this.uid = uid;
  }

  @Override
  public String uid() {
    return uid;
  }

  @Override
  public Dataset<Row> transform(Dataset<?> dataset) {
    return dataset.withColumn(ClassifierTrainer.FEATURES,
        functions.array_to_vector(functions.vector_to_array(col(ClassifierTrainer.FEATURES), "float64")));
  }

  @Override
  public StructType transformSchema(StructType schema) {
    return schema; // the same column, the same type (a vector)
  }

  @Override
  public DenseFeatures copy(ParamMap extra) {
    return defaultCopy(extra);
  }

  /** How PipelineModel.load finds the stage's reader (by reflection, as for MLlib's own stages). */
  public static MLReader<DenseFeatures> read() {
    return new DefaultParamsReader<>();
  }
}
