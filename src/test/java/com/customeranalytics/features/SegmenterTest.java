package com.customeranalytics.features;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import com.customeranalytics.config.Settings;
import com.customeranalytics.testing.SparkExtension;
import com.customeranalytics.testing.SparkTest;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SparkExtension.class)
class SegmenterTest {
  private static final LocalDate AS_OF = LocalDate.of(2011, 12, 9);
  private static final StructType RFM = new StructType()
      .add("as_of_date", DataTypes.DateType)
      .add("customer_id", DataTypes.LongType)
      .add("recency_days", DataTypes.IntegerType)
      .add("frequency", DataTypes.LongType)
      .add("monetary", DataTypes.DoubleType);
  private static Dataset<Row> rfm;
  private static Settings.SegmentSettings settings;
  private static Segmenter.Result result;

  /** 300 customers in four well-separated groups per dimension, groups mixed across dimensions. */
  @BeforeAll
  static void data() {
    SplittableRandom r = new SplittableRandom(1);
    int[] recency = {5, 60, 150, 300};
    int[] frequency = {1, 5, 15, 40};
    double[] monetary = {100, 1_000, 5_000, 20_000};
    List<Row> rows = new ArrayList<>();
    for (long id = 1; id <= 300; id++) {
      rows.add(RowFactory.create(Date.valueOf(AS_OF), id, recency[r.nextInt(4)] + r.nextInt(5),
          (long) frequency[r.nextInt(4)] + r.nextInt(2), monetary[r.nextInt(4)] * (1 + r.nextDouble() * 0.05)));
    }
    rfm = SparkTest.spark().createDataFrame(rows, RFM);
    settings = SparkTest.settings("segment.k-max=5").segment();
    result = Segmenter.compute(rfm, settings, AS_OF);
  }

  @Test
  void relabellingIsMonotoneInCustomerValue() {
    for (Dimension d : Dimension.values()) {
      Map<Integer, Double> meanByCluster = new TreeMap<>();
      for (Row row : result.segments.groupBy(d.clusterColumn)
          .agg(org.apache.spark.sql.functions.avg(col(d.valueColumn).cast("double"))).collectAsList()) {
        meanByCluster.put(row.getInt(0), row.getDouble(1));
      }
      assertThat(meanByCluster).as(d.label).containsOnlyKeys(0, 1, 2, 3);
      List<Double> means = new ArrayList<>(meanByCluster.values());
      for (int i = 1; i < means.size(); i++) {
        if (d.lowerIsBetter) {
          assertThat(means.get(i)).as(d.label + " cluster " + i).isLessThan(means.get(i - 1));
        } else {
          assertThat(means.get(i)).as(d.label + " cluster " + i).isGreaterThan(means.get(i - 1));
        }
      }
    }
    // The best group on every dimension: most recent, most frequent, highest spend.
    Row best = result.segments.filter(col("recency_days").lt(10).and(col("frequency").geq(40))
        .and(col("monetary").gt(19_000))).first();
    assertThat(best.<Integer>getAs("recency_cluster")).isEqualTo(3);
    assertThat(best.<Integer>getAs("overall_score")).isEqualTo(9);
    assertThat(best.<String>getAs("segment")).isEqualTo("High");
    assertThat(best.<Integer>getAs("r_score")).isEqualTo(5);
  }

  @Test
  void valueOrderRanksCenters() {
    assertThat(Segmenter.valueOrder(new double[] {5, 1, 3}, false)).containsExactly(2, 0, 1);
    assertThat(Segmenter.valueOrder(new double[] {5, 1, 3}, true)).containsExactly(0, 2, 1);
  }

  @Test
  void scoresAndSegmentsFollowTheirBounds() {
    for (Row row : result.segments.collectAsList()) {
      int score = row.getAs("overall_score");
      String segment = row.getAs("segment");
      assertThat(segment).isEqualTo(score >= 5 ? "High" : score >= 3 ? "Mid" : "Low");
      assertThat(row.<Integer>getAs("r_score")).isBetween(1, 5);
      assertThat(row.<Integer>getAs("f_score")).isBetween(1, 5);
      assertThat(row.<Integer>getAs("m_score")).isBetween(1, 5);
    }
    assertThat(result.segments.count()).isEqualTo(300);
  }

  @Test
  void namedSegmentMapCoversEveryScorePair() {
    List<Row> pairs = new ArrayList<>();
    for (int r = 1; r <= 5; r++) {
      for (int f = 1; f <= 5; f++) {
        pairs.add(RowFactory.create(r, f));
      }
    }
    Dataset<Row> df = SparkTest.spark().createDataFrame(pairs, new StructType()
        .add("r", DataTypes.IntegerType).add("f", DataTypes.IntegerType));
    Map<String, String> names = new TreeMap<>();
    for (Row row : df.withColumn("n", Segmenter.namedSegment(col("r"), col("f"))).collectAsList()) {
      names.put(row.getInt(0) + "" + row.getInt(1), row.getString(2));
    }
    assertThat(names).hasSize(25)
        .containsEntry("55", "Champions").containsEntry("54", "Champions")
        .containsEntry("44", "Loyal").containsEntry("35", "Loyal")
        .containsEntry("52", "Potential Loyalist").containsEntry("43", "Potential Loyalist")
        .containsEntry("51", "New").containsEntry("41", "Promising")
        .containsEntry("33", "Need Attention").containsEntry("31", "About to Sleep")
        .containsEntry("15", "Cannot Lose Them").containsEntry("24", "At Risk")
        .containsEntry("22", "Hibernating").containsEntry("11", "Lost").containsEntry("12", "Lost");
    assertThat(new java.util.HashSet<>(names.values())).hasSize(11);
  }

  @Test
  void kSelectionHasEveryDimensionAndKWithOneChoice() {
    assertThat(result.kSelection).hasSize(3 * 4);
    for (String dim : List.of("recency", "frequency", "monetary")) {
      List<Row> rows = result.kSelection.stream().filter(r -> r.getString(1).equals(dim)).collect(java.util.stream.Collectors.toList());
      assertThat(rows).extracting(r -> r.getInt(2)).containsExactly(2, 3, 4, 5);
      assertThat(rows).filteredOn(r -> r.getBoolean(6)).extracting(r -> r.getInt(2)).containsExactly(4);
      // The elbow: within-cluster cost falls as k grows.
      for (int i = 1; i < rows.size(); i++) {
        assertThat(rows.get(i).getDouble(3)).isLessThanOrEqualTo(rows.get(i - 1).getDouble(3));
      }
      assertThat(rows).allSatisfy(r -> assertThat(r.getDouble(4)).isBetween(-1.0, 1.0));
    }
    assertThat(result.profiles).hasSize(12);
  }

  @Test
  void sameSeedSameSegmentsAndAutoPicksBestSilhouette() {
    Segmenter.Result again = Segmenter.compute(rfm.orderBy(col("monetary")), settings, AS_OF);
    assertThat(again.segments.orderBy("customer_id").collectAsList())
        .isEqualTo(result.segments.orderBy("customer_id").collectAsList());

    Segmenter.Result auto = Segmenter.compute(rfm, SparkTest.settings("segment.k=auto",
        "segment.k-max=5").segment(), AS_OF);
    for (String dim : List.of("recency", "frequency", "monetary")) {
      List<Row> rows = auto.kSelection.stream().filter(r -> r.getString(1).equals(dim)).collect(java.util.stream.Collectors.toList());
      double best = rows.stream().mapToDouble(r -> r.getDouble(4)).max().getAsDouble();
      assertThat(rows).filteredOn(r -> r.getBoolean(6)).singleElement()
          .satisfies(r -> assertThat(r.getDouble(4)).isEqualTo(best));
    }
    auto.segments.unpersist();
    again.segments.unpersist();
  }

  /** The sweep's one-pass silhouettes are the figures MLlib's ClusteringEvaluator gives fit by fit. */
  @Test
  void sweepSilhouettesEqualMLlibsEvaluator() {
    // log1p on one dimension, and a lone far customer so that some fits have a one-point cluster.
    List<Row> rows = new ArrayList<>(rfm.collectAsList());
    rows.add(RowFactory.create(Date.valueOf(AS_OF), 9_999L, 3_000, 900L, 5_000_000.0));
    Dataset<Row> data = SparkTest.spark().createDataFrame(rows, RFM);
    Settings.SegmentSettings s = SparkTest.settings("segment.k-max=6", "segment.log1p.monetary=true").segment();
    Segmenter.Result r = Segmenter.compute(data, s, AS_OF);
    Dataset<Row> base = data.coalesce(1).sortWithinPartitions("customer_id");
    for (Dimension d : Dimension.values()) {
      org.apache.spark.sql.Column v = col(d.valueColumn).cast(DataTypes.DoubleType);
      base = Segmenter.withVector(base, d.vectorColumn(), d == Dimension.MONETARY ? org.apache.spark.sql.functions.log1p(v) : v);
    }
    int checked = 0;
    for (Row k : r.kSelection) {
      Dimension d = Dimension.valueOf(k.getString(1).toUpperCase());
      org.apache.spark.ml.clustering.KMeansModel m = new org.apache.spark.ml.clustering.KMeans().setK(k.getInt(2))
          .setSeed(s.seed).setMaxIter(s.maxIterations).setInitMode(s.initMode)
          .setFeaturesCol(d.vectorColumn()).setPredictionCol("p").fit(base);
      assertThat(m.summary().trainingCost()).isEqualTo(k.getDouble(3));
      double expected = new org.apache.spark.ml.evaluation.ClusteringEvaluator().setFeaturesCol(d.vectorColumn())
          .setPredictionCol("p").evaluate(m.transform(base));
      assertThat(k.getDouble(4)).as("%s k=%d", d, k.getInt(2)).isCloseTo(expected, org.assertj.core.data.Offset.offset(1e-12));
      checked++;
    }
    assertThat(checked).isEqualTo(3 * 5);
    r.segments.unpersist();
  }
}
