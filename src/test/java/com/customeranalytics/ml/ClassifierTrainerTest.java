package com.customeranalytics.ml;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import com.customeranalytics.config.Settings;
import com.customeranalytics.testing.SparkExtension;
import com.customeranalytics.testing.SparkTest;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SparkExtension.class)
class ClassifierTrainerTest {
  private static final List<String> CLASSES = List.of("Low", "Mid", "High");
  /** The Spark 3.5 build compares xgboost too; the Spark 4 build leaves it out (XgboostSupport). */
  private static final boolean XGBOOST = XgboostSupport.unavailable() == null;

  /** 240 customers; the class follows x (with some noise in y). */
  private static Dataset<Row> data() {
    SplittableRandom r = new SplittableRandom(3);
    List<Row> rows = new ArrayList<>();
    for (long id = 1; id <= 240; id++) {
      int cls = (int) (id % 3);
      rows.add(RowFactory.create(id, cls * 10 + r.nextDouble() * 4, r.nextDouble(), (double) cls));
    }
    return SparkTest.spark().createDataFrame(rows, new StructType()
        .add("customer_id", DataTypes.LongType).add("x", DataTypes.DoubleType)
        .add("y", DataTypes.DoubleType).add("label", DataTypes.DoubleType));
  }

  /**
   * The same, with x zero for class 0 and four all-zero columns: most assembled vectors are
   * sparse, as real features (returns, gaps of one-purchase customers) make them.
   */
  private static Dataset<Row> sparseData() {
    Dataset<Row> d = data().withColumn("x", org.apache.spark.sql.functions.when(col("label").equalTo(0), 0.0)
        .otherwise(col("x")));
    for (int i = 0; i < 4; i++) {
      d = d.withColumn("z" + i, org.apache.spark.sql.functions.lit(0.0));
    }
    return d;
  }

  @Test
  void splitIsStratifiedAndDeterministic() {
    Dataset<Row> split = Splits.stratified(data(), 0.25, 42);
    for (int c = 0; c < 3; c++) {
      assertThat(split.filter(col("label").equalTo(c).and(col("split").equalTo("test"))).count()).isEqualTo(20);
    }
    assertThat(split.orderBy("customer_id").collectAsList())
        .isEqualTo(Splits.stratified(data().orderBy(col("y")), 0.25, 42)
            .orderBy("customer_id").collectAsList());
  }

  @Test
  void trainsComparesAndSavesAModelThatLoadsBack() throws Exception {
    Settings s = SparkTest.settings("models.tuning=false", "models.folds=2");
    Dataset<Row> split = Splits.stratified(data(), 0.25, 42);
    ClassifierTrainer.Outcome out = ClassifierTrainer.train(split, List.of("x", "y"), CLASSES, s.models(),
        LocalDate.of(2011, 12, 9), "test");
    List<String> expected = new ArrayList<>(List.of("random_forest/default", "gbt/default"));
    if (XGBOOST) {
      expected.add("xgboost/default");
    }
    assertThat(out.metrics).extracting(r -> r.getString(1) + "/" + r.getString(2)).isEqualTo(expected);
    assertThat(out.metrics).allSatisfy(r -> {
      // train size: the kept model saw the whole training split; the other default variants are
      // reported from its validation fit, without the seeded fold (102 of the 180 rows)
      assertThat(r.getLong(3)).isEqualTo(r.getBoolean(r.size() - 2) ? 180L : 78L);
      assertThat(r.getLong(4)).isEqualTo(60L);  // test size
      assertThat(r.getDouble(7)).isGreaterThan(0.9); // weighted F1: x separates the classes
    });
    assertThat(out.metrics).filteredOn(r -> r.getBoolean(r.size() - 2)).hasSize(1);
    assertThat(out.rocPoints).isNotEmpty();
    assertThat(out.bestTestF1).isGreaterThan(0.9);

    // The customer id is never a feature.
    VectorAssembler assembler = (VectorAssembler) out.best.stages()[0];
    assertThat(assembler.getInputCols()).containsExactly("x", "y");

    Path dir = SparkTest.tempDir("model").resolve("m");
    out.best.write().overwrite().save(dir.toString());
    PipelineModel loaded = PipelineModel.load(dir.toString());
    Dataset<Row> test = split.filter(col("split").equalTo("test"));
    List<Row> before = Predictions.predict(out.best, test, CLASSES, LocalDate.of(2011, 12, 9), "m")
        .orderBy("customer_id").collectAsList();
    List<Row> after = Predictions.predict(loaded, test, CLASSES, LocalDate.of(2011, 12, 9), "m")
        .orderBy("customer_id").collectAsList();
    assertThat(after).isEqualTo(before);
    Row first = before.get(0);
    double sum = first.<Double>getAs("prob_low") + first.<Double>getAs("prob_mid") + first.<Double>getAs("prob_high");
    assertThat(sum).isCloseTo(1.0, org.assertj.core.api.Assertions.within(1e-9));
  }

  @Test
  void tunedVariantsCrossValidateTheGrid() {
    Settings s = SparkTest.settings("models.folds=2", "models.grid.random-forest.num-trees=[5,10]",
        "models.grid.random-forest.max-depth=[3]", "models.grid.gbt.max-iter=[3]", "models.grid.gbt.max-depth=[2]",
        "models.grid.xgboost.num-round=[5,10]", "models.grid.xgboost.max-depth=[2]");
    ClassifierTrainer.Outcome out = ClassifierTrainer.train(Splits.stratified(data(), 0.25, 42),
        List.of("x", "y"), CLASSES, s.models(), LocalDate.of(2011, 12, 9), "test");
    List<String> names = new ArrayList<>();
    java.util.Map<String, String> params = new java.util.HashMap<>();
    for (Row r : out.metrics) { // params sits third from the end: ..., confusion_matrix, params, is_best, model_id
      names.add(r.getString(1) + "/" + r.getString(2));
      params.put(r.getString(1) + "/" + r.getString(2), r.getString(r.size() - 3));
    }
    assertThat(names).isEqualTo(XGBOOST
        ? List.of("random_forest/default", "gbt/default", "xgboost/default", "random_forest/tuned", "gbt/tuned",
            "xgboost/tuned")
        : List.of("random_forest/default", "gbt/default", "random_forest/tuned", "gbt/tuned"));
    assertThat(params.get("random_forest/tuned")).matches("maxDepth=3, numTrees=(5|10)");
    assertThat(params.get("gbt/tuned")).isEqualTo("maxDepth=2, maxIter=3");
    if (XGBOOST) {
      assertThat(params.get("xgboost/tuned")).matches("max_depth=2, numRound=(5|10)");
      assertThat(params.get("xgboost/default")).isEqualTo("XGBoost defaults");
    }
  }

  /** The Spark 4 build: no XGBoost4J-Spark fits it, so xgboost is left out, or refused when it is all. */
  @Test
  void onSpark4XgboostIsLeftOutWithTheReason() {
    org.junit.jupiter.api.Assumptions.assumeFalse(XGBOOST, "this build runs xgboost (tested above)");
    assertThat(XgboostSupport.unavailable()).contains("no build for Spark 4").contains("3.1 is built for Spark 3.5");
    Settings s = SparkTest.settings("models.tuning=false", "models.folds=2", "models.candidates=[xgboost]");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> ClassifierTrainer.train(
        Splits.stratified(data(), 0.25, 42), List.of("x", "y"), CLASSES, s.models(), LocalDate.of(2011, 12, 9), "test"))
        .hasMessageContaining("models.candidates lists only xgboost").hasMessageContaining("random_forest");
  }

  @Test
  void xgboostIsNativeMulticlassSeededAndItsSavedModelScoresTheSame() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(XGBOOST, "the Spark 4 build leaves xgboost out (tested below)");
    Settings s = SparkTest.settings("models.tuning=false", "models.folds=2", "models.candidates=[xgboost]");
    Dataset<Row> split = Splits.stratified(sparseData(), 0.25, 42);
    List<String> features = List.of("x", "y", "z0", "z1", "z2", "z3");
    ClassifierTrainer.Outcome out = ClassifierTrainer.train(split, features, CLASSES, s.models(),
        LocalDate.of(2011, 12, 9), "test");
    assertThat(out.bestModel).isEqualTo("xgboost");
    assertThat(out.bestTestF1).isGreaterThan(0.9);
    assertThat(out.metrics.get(0).getLong(3)).isEqualTo(180L); // kept: refitted on the whole split
    ClassifierTrainer.Outcome again = ClassifierTrainer.train(split, features, CLASSES, s.models(),
        LocalDate.of(2011, 12, 9), "test");
    assertThat(again.metrics).isEqualTo(out.metrics); // seeded: the same figures

    Path dir = SparkTest.tempDir("xgb").resolve("m");
    out.best.write().overwrite().save(dir.toString());
    Dataset<Row> test = split.filter(col("split").equalTo("test"));
    List<Row> before = Predictions.predict(out.best, test, CLASSES, LocalDate.of(2011, 12, 9), "m")
        .orderBy("customer_id").collectAsList();
    List<Row> after = Predictions.predict(SavedModels.load(dir.toString()), test, CLASSES,
        LocalDate.of(2011, 12, 9), "m").orderBy("customer_id").collectAsList();
    assertThat(after).isEqualTo(before);
    // one multiclass model: three probabilities that sum to 1, not three one-vs-rest margins
    for (Row r : before) {
      double sum = r.<Double>getAs("prob_low") + r.<Double>getAs("prob_mid") + r.<Double>getAs("prob_high");
      assertThat(sum).isCloseTo(1.0, org.assertj.core.api.Assertions.within(1e-6));
    }
  }
}
