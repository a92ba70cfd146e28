package com.customeranalytics.features;

import static com.customeranalytics.table.Columns.CUSTOMER_ID;
import static com.customeranalytics.table.Columns.F_SCORE;
import static com.customeranalytics.table.Columns.M_SCORE;
import static com.customeranalytics.table.Columns.OVERALL_SCORE;
import static com.customeranalytics.table.Columns.RFM_SEGMENT;
import static com.customeranalytics.table.Columns.R_SCORE;
import static com.customeranalytics.table.Columns.SEGMENT;
import static com.customeranalytics.table.SegmentTables.HIGH;
import static com.customeranalytics.table.SegmentTables.LOW;
import static com.customeranalytics.table.SegmentTables.MID;
import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.log1p;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.pow;
import static org.apache.spark.sql.functions.sqrt;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import com.customeranalytics.concurrent.Parallel;
import com.customeranalytics.config.Settings.SegmentSettings;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.apache.spark.ml.attribute.AttributeGroup;
import org.apache.spark.ml.clustering.KMeans;
import org.apache.spark.ml.clustering.KMeansModel;
import org.apache.spark.ml.functions;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * RFM segmentation: KMeans on each of R, F, M alone (1-D), seeded, clusters relabelled so the
 * index grows with customer value; overall score and Low/Mid/High; quintile scores and the named
 * segment map. The k sweep reuses one cached feature set and runs its fits concurrently. Shared by
 * the segment stage and the model stages (which segment their feature windows).
 */
public final class Segmenter {
  private Segmenter() {}

  private static final Logger LOG = LoggerFactory.getLogger(Segmenter.class);

  /** Probabilities of the quintile boundaries. */
  private static final double[] QUINTILES = {0.2, 0.4, 0.6, 0.8};

  /** One fit of the sweep (or the configured k). */
  static final class Fit {
    final Dimension dim;
    final int k;
    final KMeansModel model;
    final double cost;
    /** NaN unless set by {@link Segmenter#silhouettes}. */
    double silhouette = Double.NaN;

    Fit(Dimension dim, int k, KMeansModel model, double cost) {
      this.dim = dim;
      this.k = k;
      this.model = model;
      this.cost = cost;
    }
  }

  /** Everything the stage computes, before writing. */
  public static final class Result {
    public final Dataset<Row> segments;
    public final List<Row> profiles;
    public final List<Row> kSelection;

    Result(Dataset<Row> segments, List<Row> profiles, List<Row> kSelection) {
      this.segments = segments;
      this.profiles = profiles;
      this.kSelection = kSelection;
    }
  }

  /**
   * Clusters, scores and segments for one as-of date's customer_rfm rows. The returned segments
   * are cached (callers unpersist); profiles and k-selection rows are small.
   */
  public static Result compute(Dataset<Row> rfm, SegmentSettings s, LocalDate asOf) {
    return compute(rfm, s, asOf, true);
  }

  /**
   * As {@link #compute(Dataset, SegmentSettings, LocalDate)}; with {@code sweep} false only the
   * configured k is fitted (k = auto still needs the sweep) and no k-selection rows are made.
   */
  public static Result compute(Dataset<Row> rfm, SegmentSettings s, LocalDate asOf, boolean sweep) {
    // Computed once (the model stages pass a window aggregated from silver): counted here, then
    // laid out for the fits from the cache.
    Dataset<Row> input = rfm.persist(StorageLevel.MEMORY_AND_DISK());
    try {
      return compute(input, input.count(), s, asOf, sweep);
    } finally {
      input.unpersist();
    }
  }

  private static Result compute(Dataset<Row> rfm, long customers, SegmentSettings s, LocalDate asOf,
      boolean sweep) {
    if (customers == 0) {
      throw new IllegalStateException("customer_rfm has no customers as of " + asOf
          + ": run the rfm stage for that date first");
    }
    // A fixed row order and partitioning makes seeded KMeans give the same clusters every run.
    int partitions = (int) Math.max(1, Math.min(64, customers / 250_000));
    // One partition needs no range shuffle: the same rows in the same order either way.
    Dataset<Row> base = (partitions == 1 ? rfm.coalesce(1) : rfm.repartitionByRange(partitions, col(CUSTOMER_ID)))
        .sortWithinPartitions(CUSTOMER_ID);
    for (Dimension d : Dimension.values()) {
      Column v = col(d.valueColumn).cast(DataTypes.DoubleType);
      if (s.log1p.get(d.label)) {
        v = log1p(v);
      }
      base = withVector(base, d.vectorColumn(), v);
    }
    base = base.persist(StorageLevel.MEMORY_AND_DISK());
    try {
      // Filled once here: the sweep's fits start together, and each would otherwise lay out the
      // features again while the first one fills the cache.
      base.count();
      Map<Dimension, Fit> chosen = new EnumMap<>(Dimension.class);
      List<Row> kSelection = sweep(base, s, asOf, chosen, sweep || s.k.isEmpty());

      Dataset<Row> scored = base;
      for (Dimension d : Dimension.values()) {
        scored = chosen.get(d).model.transform(scored);
        scored = scored.withColumn(d.clusterColumn, relabel(chosen.get(d), d));
      }
      Column overall = col(Dimension.RECENCY.clusterColumn).plus(col(Dimension.FREQUENCY.clusterColumn))
          .plus(col(Dimension.MONETARY.clusterColumn));
      double[][] q = base.stat().approxQuantile(new String[] {Dimension.RECENCY.valueColumn,
          Dimension.FREQUENCY.valueColumn, Dimension.MONETARY.valueColumn}, QUINTILES, 0.0001);
      Dataset<Row> segments = scored
          .withColumn(OVERALL_SCORE, overall)
          .withColumn(SEGMENT, when(col(OVERALL_SCORE).geq(s.highScore), lit(HIGH))
              .when(col(OVERALL_SCORE).geq(s.midScore), lit(MID)).otherwise(lit(LOW)))
          .withColumn(R_SCORE, quintileScore(col(Dimension.RECENCY.valueColumn), q[0], true))
          .withColumn(F_SCORE, quintileScore(col(Dimension.FREQUENCY.valueColumn), q[1], false))
          .withColumn(M_SCORE, quintileScore(col(Dimension.MONETARY.valueColumn), q[2], false))
          .withColumn(RFM_SEGMENT, namedSegment(col(R_SCORE), col(F_SCORE)));
      List<String> keep = new ArrayList<>(Arrays.asList(rfm.columns()));
      keep.addAll(Arrays.asList(Dimension.RECENCY.clusterColumn, Dimension.FREQUENCY.clusterColumn,
          Dimension.MONETARY.clusterColumn, OVERALL_SCORE, SEGMENT, R_SCORE, F_SCORE, M_SCORE, RFM_SEGMENT));
      segments = segments.select(keep.stream().map(c -> col(c)).toArray(Column[]::new))
          .persist(StorageLevel.MEMORY_AND_DISK());
      List<Row> profiles = profiles(segments, chosen, s, asOf);
      return new Result(segments, profiles, kSelection);
    } finally {
      base.unpersist();
    }
  }

  /**
   * Fits every (dimension, k) of the sweep on the cached features, a few at a time; fills
   * {@code chosen} with the configured k's fit (or the best silhouette for k = auto).
   */
  static List<Row> sweep(Dataset<Row> base, SegmentSettings s, LocalDate asOf, Map<Dimension, Fit> chosen,
      boolean fullSweep) {
    List<int[]> tasks = new ArrayList<>();
    for (Dimension d : Dimension.values()) {
      for (int k = s.kMin; fullSweep && k <= s.kMax; k++) {
        tasks.add(new int[] {d.ordinal(), k});
      }
      if (s.k.isPresent() && (!fullSweep || s.k.get() < s.kMin || s.k.get() > s.kMax)) {
        tasks.add(new int[] {d.ordinal(), s.k.get()}); // outside the sweep: fit it too
      }
    }
    List<Callable<Fit>> fitTasks = new ArrayList<>();
    for (int[] t : tasks) {
      Dimension d = Dimension.values()[t[0]];
      fitTasks.add(() -> fit(base, d, t[1], s));
    }
    List<Fit> fits = Parallel.all(s.sweepParallelism, fitTasks, "KMeans sweep");
    if (fullSweep) { // silhouettes only where k is being chosen or charted
      silhouettes(base, fits);
    }
    for (Dimension d : Dimension.values()) {
      Fit pick = null;
      for (Fit f : fits) {
        if (f.dim != d) {
          continue;
        }
        if (s.k.isPresent() ? f.k == s.k.get()
            : pick == null || (!Double.isNaN(f.silhouette) && (Double.isNaN(pick.silhouette) || f.silhouette > pick.silhouette))) {
          pick = f;
        }
      }
      chosen.put(d, pick);
      LOG.info(String.format("segment: %s k=%d%s%s", d.label, pick.k,
          s.k.isPresent() ? "" : " chosen by silhouette",
          Double.isNaN(pick.silhouette) ? "" : String.format(" (silhouette %.3f)", pick.silhouette)));
    }
    List<Row> rows = new ArrayList<>();
    if (!fullSweep) {
      return rows;
    }
    fits.sort(Comparator.comparing((Fit f) -> f.dim).thenComparingInt(f -> f.k));
    for (Fit f : fits) {
      rows.add(RowFactory.create(Date.valueOf(asOf), f.dim.label, f.k, f.cost,
          Double.isNaN(f.silhouette) ? null : f.silhouette, f.model.clusterCenters().length,
          chosen.get(f.dim) == f));
    }
    return rows;
  }

  /** One KMeans fit (its silhouette is set by {@link #silhouettes} where needed). */
  private static Fit fit(Dataset<Row> base, Dimension d, int k, SegmentSettings s) {
    KMeansModel model = new KMeans()
        .setK(k)
        .setSeed(s.seed)
        .setMaxIter(s.maxIterations)
        .setInitMode(s.initMode)
        .setFeaturesCol(d.vectorColumn())
        .setPredictionCol(d.predictionColumn())
        .fit(base);
    return new Fit(d, k, model, model.summary().trainingCost());
  }

  /**
   * Sets the silhouette of every fit with more than one cluster: MLlib's ClusteringEvaluator
   * (squared Euclidean) figure, computed for the whole sweep in two aggregations instead of two
   * Spark jobs per fit. Per cluster: points N, sum of x (Y) and of ||x||^2 (P); a point's mean
   * squared distance to cluster j is ||x||^2 + P/N - 2xY/N, to its own cluster that times N/(N-1).
   */
  static void silhouettes(Dataset<Row> base, List<Fit> fits) {
    List<Fit> scored = new ArrayList<>();
    Dataset<Row> pred = base;
    for (Fit f : fits) {
      if (f.model.clusterCenters().length > 1) {
        pred = ((KMeansModel) f.model.copy(new ParamMap())).setPredictionCol("_c" + scored.size()).transform(pred);
        scored.add(f);
      }
    }
    if (scored.isEmpty()) {
      return;
    }
    // One row per (fit, customer): the fit, its cluster, x and ||x||^2.
    List<Column> narrow = new ArrayList<>(List.of(col(CUSTOMER_ID)));
    for (Dimension d : Dimension.values()) {
      Column x = functions.vector_to_array(col(d.vectorColumn()), "float64").getItem(0);
      narrow.add(x.as("_x" + d.ordinal()));
      narrow.add(pow(sqrt(x.multiply(x)), 2.0).as("_q" + d.ordinal())); // as MLlib: the 2-norm squared
    }
    List<Column> points = new ArrayList<>();
    for (int i = 0; i < scored.size(); i++) {
      int d = scored.get(i).dim.ordinal();
      narrow.add(col("_c" + i));
      points.add(struct(lit(i).as("fit"), col(CUSTOMER_ID), col("_c" + i).as("c"), col("_x" + d).as("x"), col("_q" + d).as("q")));
    }
    Dataset<Row> longForm = pred.select(narrow.toArray(new Column[0]))
        .select(explode(array(points.toArray(new Column[0]))).as("p")).select("p.*")
        .persist(StorageLevel.MEMORY_AND_DISK());
    try {
      Map<Integer, List<double[]>> stats = new TreeMap<>(); // fit -> {cluster, N, Y, P} by cluster
      for (Row r : longForm.groupBy("fit", "c").agg(count(lit(1)), sum(col("x")), sum(col("q")))
          .orderBy("fit", "c").collectAsList()) {
        stats.computeIfAbsent(r.getInt(0), i -> new ArrayList<>())
            .add(new double[] {r.getInt(1), r.getLong(2), r.getDouble(3), r.getDouble(4)});
      }
      // Every point against every cluster of its fit (a broadcast join with the few cluster
      // rows), then per point: own = mean squared distance to its cluster (n its size), b = to
      // the nearest other one. Plain arithmetic: no expression grows with the sweep.
      List<Row> clusterRows = new ArrayList<>();
      stats.forEach((fit, cs) -> cs.forEach(k -> clusterRows.add(RowFactory.create(fit, (int) k[0], k[1], k[2], k[3]))));
      Dataset<Row> clusters = base.sparkSession().createDataFrame(clusterRows, CLUSTER_STATS);
      Column dist = col("q").plus(col("p").divide(col("n"))).minus(lit(2.0).multiply(col("x").multiply(col("y"))).divide(col("n")));
      Column here = col("j").equalTo(col("c"));
      Dataset<Row> perPoint = longForm.join(broadcast(clusters), "fit")
          .groupBy(col("fit"), col(CUSTOMER_ID))
          .agg(max(when(here, dist)).as("own"), max(when(here, col("n"))).as("n"), min(when(not(here), dist)).as("b"));
      Column a = col("own").multiply(col("n")).divide(col("n").minus(1.0)); // itself left out
      Column silhouette = when(col("n").equalTo(1.0), lit(0.0))
          .when(col("a").lt(col("b")), lit(1.0).minus(col("a").divide(col("b"))))
          .when(col("a").gt(col("b")), col("b").divide(col("a")).minus(1.0))
          .otherwise(lit(0.0));
      // Summed as decimals: exact, so the figure does not depend on the order the shuffle
      // delivers the points in (a double sum would, in its last bits).
      Column mean = sum(col("s").cast(DataTypes.createDecimalType(38, 18))).divide(count(lit(1)))
          .cast(DataTypes.DoubleType);
      for (Row r : perPoint.withColumn("a", a).withColumn("s", silhouette).groupBy("fit")
          .agg(mean).collectAsList()) {
        scored.get(r.getInt(0)).silhouette = r.getDouble(1);
      }
    } finally {
      longForm.unpersist();
    }
  }

  private static final StructType CLUSTER_STATS = new StructType()
      .add("fit", DataTypes.IntegerType, false)
      .add("j", DataTypes.IntegerType, false)
      .add("n", DataTypes.DoubleType, false)
      .add("y", DataTypes.DoubleType, false)
      .add("p", DataTypes.DoubleType, false);

  /**
   * Adds {@code name}: {@code value} as a one-element vector, its size in the column's ML
   * metadata so that each KMeans fit need not run a job to find it out.
   */
  public static Dataset<Row> withVector(Dataset<Row> data, String name, Column value) {
    return data.withColumn(name, functions.array_to_vector(array(value)),
        new AttributeGroup(name, 1).toMetadata());
  }

  /** Raw KMeans index -> index ordered by value (0 = least valuable customers). */
  public static int[] valueOrder(double[] centers, boolean lowerIsBetter) {
    Integer[] idx = new Integer[centers.length];
    for (int i = 0; i < idx.length; i++) {
      idx[i] = i;
    }
    Comparator<Integer> byCenter = Comparator.comparingDouble(i -> centers[i]);
    Arrays.sort(idx, lowerIsBetter ? byCenter.reversed() : byCenter);
    int[] rank = new int[centers.length];
    for (int r = 0; r < idx.length; r++) {
      rank[idx[r]] = r;
    }
    return rank;
  }

  private static double[] centers(KMeansModel model) {
    Vector[] c = model.clusterCenters();
    double[] out = new double[c.length];
    for (int i = 0; i < c.length; i++) {
      out[i] = c[i].apply(0);
    }
    return out;
  }

  private static Column relabel(Fit fit, Dimension d) {
    int[] rank = valueOrder(centers(fit.model), d.lowerIsBetter);
    Column pred = col(d.predictionColumn());
    Column out = null;
    for (int i = 0; i < rank.length; i++) {
      out = out == null ? when(pred.equalTo(i), lit(rank[i])) : out.when(pred.equalTo(i), lit(rank[i]));
    }
    return out;
  }

  /** 1-5 from quintile boundaries; 5 = best (lowest recency, highest frequency / spend). */
  public static Column quintileScore(Column value, double[] bounds, boolean lowerIsBetter) {
    Column above = lit(0);
    for (double b : bounds) {
      above = above.plus(when(value.gt(b), 1).otherwise(0));
    }
    return (lowerIsBetter ? lit(5).minus(above) : lit(1).plus(above)).cast(DataTypes.IntegerType);
  }

  /** The classic R x F segment map; every (r, f) in 1..5 x 1..5 gets exactly one name. */
  public static Column namedSegment(Column r, Column f) {
    return when(r.equalTo(5).and(f.geq(4)), lit("Champions"))
        .when(r.between(3, 4).and(f.geq(4)), lit("Loyal"))
        .when(r.geq(4).and(f.between(2, 3)), lit("Potential Loyalist"))
        .when(r.equalTo(5).and(f.equalTo(1)), lit("New"))
        .when(r.equalTo(4).and(f.equalTo(1)), lit("Promising"))
        .when(r.equalTo(3).and(f.equalTo(3)), lit("Need Attention"))
        .when(r.equalTo(3).and(f.leq(2)), lit("About to Sleep"))
        .when(r.leq(2).and(f.equalTo(5)), lit("Cannot Lose Them"))
        .when(r.leq(2).and(f.between(3, 4)), lit("At Risk"))
        .when(r.equalTo(2).and(f.leq(2)), lit("Hibernating"))
        .otherwise(lit("Lost"));
  }

  private static List<Row> profiles(Dataset<Row> segments, Map<Dimension, Fit> chosen,
      SegmentSettings s, LocalDate asOf) {
    List<Row> out = new ArrayList<>();
    for (Dimension d : Dimension.values()) {
      Fit fit = chosen.get(d);
      double[] centers = centers(fit.model);
      int[] rank = valueOrder(centers, d.lowerIsBetter);
      double[] centerByCluster = new double[centers.length];
      for (int i = 0; i < centers.length; i++) {
        boolean log = s.log1p.get(d.label);
        centerByCluster[rank[i]] = log ? Math.expm1(centers[i]) : centers[i]; // in the value's units
      }
      Column v = col(d.valueColumn).cast(DataTypes.DoubleType);
      for (Row r : segments.groupBy(col(d.clusterColumn)).agg(count(lit(1)), min(v), max(v), Money.avg(v))
          .orderBy(col(d.clusterColumn)).collectAsList()) {
        int cluster = r.getInt(0);
        out.add(RowFactory.create(Date.valueOf(asOf), d.label, cluster, r.getLong(1), r.getDouble(2),
            r.getDouble(3), r.getDouble(4), centerByCluster[cluster], s.log1p.get(d.label)));
      }
    }
    return out;
  }
}
