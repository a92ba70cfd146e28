package com.customeranalytics.clv;

import static com.customeranalytics.table.Columns.FREQUENCY;
import static com.customeranalytics.table.Columns.MONETARY_VALUE;
import static com.customeranalytics.table.Columns.RECENCY;
import static com.customeranalytics.table.Columns.T;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;

import com.customeranalytics.config.Settings.ClvSettings;
import com.customeranalytics.table.ClvTables;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.mllib.linalg.Vector;
import org.apache.spark.mllib.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Tuple2;

/**
 * Both models fitted on one customer summary ({@link CustomerSummary#summary}): BG/NBD on every
 * customer, Gamma-Gamma on the repeat customers, and the frequency / monetary correlation the
 * latter assumes is near 0. Logs each fit, and warns where a fit did not converge, ran a
 * parameter to its bound, or the correlation is far from 0.
 */
public final class ClvFits {
  private static final Logger LOG = LoggerFactory.getLogger(ClvFits.class);

  /** |correlation| from which Gamma-Gamma's independence assumption is called doubtful. */
  static final double CORRELATION_WARNING = 0.3;

  /**
   * Partitions of the fits' rows: two, each row placed by a hash of its values and each partition
   * sorted, so what a partition sums, and in which order, does not depend on how the input was
   * partitioned. Spark adds the partitions' partial sums in the order their tasks finish; with
   * more than two that order changes the last bits of the sums, then the optimizer's path; with
   * two (0 + a + b = 0 + b + a) the same data gives the same parameters to the bit.
   */
  static final int PARTITIONS = 2;

  private static final MaximumLikelihood.Likelihood BG_NBD =
      (params, f, grad, weight) -> BgNbd.logLikelihood(params, f[0], f[1], f[2], grad, weight);
  private static final MaximumLikelihood.Likelihood GAMMA_GAMMA =
      (params, f, grad, weight) -> GammaGamma.logLikelihood(params, f[0], f[1], grad, weight);

  /** calibration or full. */
  public final String fit;
  public final MaximumLikelihood.Fit bgNbd;
  /** Null when no customer has a repeat purchase. */
  public final MaximumLikelihood.Fit gammaGamma;
  /** Pearson correlation of frequency and monetary value over the repeat customers (NaN: none). */
  public final double correlation;
  /** Spark jobs' worth of optimizer steps: the two fits' iterations. */
  public final int iterations;

  private ClvFits(String fit, MaximumLikelihood.Fit bgNbd, MaximumLikelihood.Fit gammaGamma, double correlation) {
    this.fit = fit;
    this.bgNbd = bgNbd;
    this.gammaGamma = gammaGamma;
    this.correlation = correlation;
    this.iterations = bgNbd.iterations + (gammaGamma == null ? 0 : gammaGamma.iterations);
  }

  /**
   * Fits both models on {@code summary} (cached by the caller; {@code customers} rows). BG/NBD
   * runs over the distinct (frequency, recency, t) rows weighted by their customers, as lifetimes
   * does: the same likelihood, fewer rows per step.
   */
  public static ClvFits fit(String fit, Dataset<Row> summary, long customers, ClvSettings s) {
    JavaRDD<Tuple2<Object, Vector>> bgRows = summary.groupBy(col(FREQUENCY), col(RECENCY), col(T))
        .agg(count(lit(1)).as("_w")).repartition(PARTITIONS, col(FREQUENCY), col(RECENCY), col(T))
        .sortWithinPartitions(FREQUENCY, RECENCY, T).javaRDD()
        .map(r -> new Tuple2<Object, Vector>((double) r.getLong(3),
            Vectors.dense((double) r.getLong(0), r.getDouble(1), r.getDouble(2))))
        .persist(StorageLevel.MEMORY_AND_DISK());
    Dataset<Row> repeat = summary.filter(col(FREQUENCY).gt(0).and(col(MONETARY_VALUE).gt(0)));
    JavaRDD<Tuple2<Object, Vector>> ggRows = repeat.select(col(FREQUENCY), col(MONETARY_VALUE))
        .repartition(PARTITIONS, col(FREQUENCY), col(MONETARY_VALUE)).sortWithinPartitions(FREQUENCY, MONETARY_VALUE)
        .javaRDD()
        .map(r -> new Tuple2<Object, Vector>(1.0, Vectors.dense((double) r.getLong(0), r.getDouble(1))))
        .persist(StorageLevel.MEMORY_AND_DISK());
    try {
      MaximumLikelihood.Fit bg = MaximumLikelihood.fit(bgRows, bgRows.count(), customers, BG_NBD, BgNbd.LOWER, BgNbd.UPPER,
          s.penalizer, s.maxIterations, s.tolerance);
      report(fit, ClvTables.BG_NBD, BgNbd.PARAMETERS, bg, s);
      long repeatCustomers = ggRows.count();
      MaximumLikelihood.Fit gg = null;
      double correlation = Double.NaN;
      if (repeatCustomers == 0) {
        LOG.warn("clv {} fit: no customer has a repeat purchase day, so Gamma-Gamma is not fitted and"
            + " expected values and CLV are null", fit);
      } else {
        gg = MaximumLikelihood.fit(ggRows, repeatCustomers, repeatCustomers, GAMMA_GAMMA, GammaGamma.LOWER, GammaGamma.UPPER,
            s.penalizer, s.maxIterations, s.tolerance);
        report(fit, ClvTables.GAMMA_GAMMA, GammaGamma.PARAMETERS, gg, s);
        correlation = correlation(ggRows);
        if (Math.abs(correlation) >= CORRELATION_WARNING) {
          LOG.warn("clv {} fit: frequency and monetary value correlate at {} over {} repeat customers;"
              + " Gamma-Gamma assumes they do not, so its expected values lean that way", fit,
              String.format(Locale.ROOT, "%.3f", correlation), repeatCustomers);
        } else {
          LOG.info("clv {} fit: frequency / monetary value correlation {} (Gamma-Gamma assumes ~0)", fit,
              String.format(Locale.ROOT, "%.3f", correlation));
        }
        if (gg.params[1] <= 1) {
          LOG.warn("clv {} fit: Gamma-Gamma q = {} <= 1, so the population's mean value per purchase is"
              + " infinite: expected values of customers without repeat purchases are null", fit, gg.params[1]);
        }
      }
      return new ClvFits(fit, bg, gg, correlation);
    } finally {
      bgRows.unpersist(false);
      ggRows.unpersist(false);
    }
  }

  /**
   * Pearson correlation of the rows' two features, in two passes (means, then centred sums: no
   * cancellation) over the same fixed partitions, so the same data gives the same figure.
   */
  static double correlation(JavaRDD<Tuple2<Object, Vector>> rows) {
    double[] sums = sum(rows, r -> new double[] {1, r.apply(0), r.apply(1)});
    double n = sums[0];
    if (n < 2) {
      return Double.NaN;
    }
    double mx = sums[1] / n;
    double my = sums[2] / n;
    double[] c = sum(rows, r -> new double[] {(r.apply(0) - mx) * (r.apply(0) - mx), (r.apply(1) - my) * (r.apply(1) - my),
        (r.apply(0) - mx) * (r.apply(1) - my)});
    return c[0] <= 0 || c[1] <= 0 ? Double.NaN : c[2] / Math.sqrt(c[0] * c[1]);
  }

  private static double[] sum(JavaRDD<Tuple2<Object, Vector>> rows,
      org.apache.spark.api.java.function.Function<Vector, double[]> terms) {
    return rows.map(r -> terms.call(r._2())).reduce((a, b) -> {
      double[] out = new double[a.length];
      for (int i = 0; i < a.length; i++) {
        out[i] = a[i] + b[i];
      }
      return out;
    });
  }

  private static void report(String fit, String model, List<String> names, MaximumLikelihood.Fit f, ClvSettings s) {
    StringBuilder p = new StringBuilder();
    for (int i = 0; i < names.size(); i++) {
      p.append(i == 0 ? "" : ", ").append(names.get(i)).append(' ')
          .append(String.format(Locale.ROOT, "%.6g", f.params[i]));
    }
    LOG.info("clv {} {}: {} (log-likelihood {}, {} iterations, {}, {} customers)", fit, model, p,
        String.format(Locale.ROOT, "%.3f", f.logLikelihood), f.iterations,
        f.converged ? "converged" : "not converged", (long) f.customers);
    for (int i = 0; i < names.size(); i++) {
      if (f.atBound[i]) {
        LOG.warn("clv {} {}: {} ran to its bound ({}): the likelihood keeps improving as {} goes further, so"
            + " the model degenerates on this data{}; the fit is the best within the bounds, and that"
            + " parameter is the bound's, not an estimate. A penalizer (clv.penalizer, e.g. 0.001) keeps"
            + " the parameters finite", fit, model, names.get(i), String.format(Locale.ROOT, "%.3g", f.params[i]),
            names.get(i), model.equals(ClvTables.BG_NBD) && (i == 2 || i == 3)
                ? " (a -> 0 or b -> infinity: almost no customer ever drops out)" : "");
      }
    }
    if (!f.converged && !f.anyAtBound()) {
      LOG.warn("clv {} {}: not converged after {} iterations (largest gradient entry {}); raise"
          + " clv.max-iterations or clv.tolerance", fit, model, f.iterations,
          String.format(Locale.ROOT, "%.2g", f.gradientNorm));
    }
  }

  /** clv_model_params rows of this fit (ClvTables.PARAMS_SCHEMA). */
  public List<Row> paramRows(LocalDate asOf) {
    List<Row> rows = new ArrayList<>();
    Date d = Date.valueOf(asOf);
    addRows(rows, d, ClvTables.BG_NBD, BgNbd.PARAMETERS, bgNbd);
    if (gammaGamma != null) {
      addRows(rows, d, ClvTables.GAMMA_GAMMA, GammaGamma.PARAMETERS, gammaGamma);
      rows.add(RowFactory.create(d, fit, ClvTables.GAMMA_GAMMA, ClvTables.FREQUENCY_MONETARY_CORRELATION,
          Double.isNaN(correlation) ? null : correlation, null, null, null, null, (long) gammaGamma.customers));
    }
    return rows;
  }

  private void addRows(List<Row> rows, Date d, String model, List<String> names, MaximumLikelihood.Fit f) {
    for (int i = 0; i < names.size(); i++) {
      rows.add(RowFactory.create(d, fit, model, names.get(i), f.params[i], f.logLikelihood, f.iterations,
          f.converged, f.atBound[i], (long) f.customers));
    }
  }
}
