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
    assertThat(out.metrics).hasSize(2);
    assertThat(out.metrics).extracting(r -> r.getString(1) + "/" + r.getString(2))
        .containsExactly("random_forest/default", "gbt/default");
    assertThat(out.metrics).allSatisfy(r -> {
      // train size: the kept model saw the whole training split; the other default variant is
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
        "models.grid.random-forest.max-depth=[3]", "models.grid.gbt.max-iter=[3]", "models.grid.gbt.max-depth=[2]");
    ClassifierTrainer.Outcome out = ClassifierTrainer.train(Splits.stratified(data(), 0.25, 42),
        List.of("x", "y"), CLASSES, s.models(), LocalDate.of(2011, 12, 9), "test");
    assertThat(out.metrics).extracting(r -> r.getString(1) + "/" + r.getString(2)).containsExactly(
        "random_forest/default", "gbt/default", "random_forest/tuned", "gbt/tuned");
    // params sits third from the end: ..., confusion_matrix, params, is_best, model_id
    assertThat(out.metrics.get(2).getString(out.metrics.get(2).size() - 3)).matches("maxDepth=3, numTrees=(5|10)");
    assertThat(out.metrics.get(3).getString(out.metrics.get(3).size() - 3)).isEqualTo("maxDepth=2, maxIter=3");
  }
}
