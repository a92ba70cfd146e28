package com.customeranalytics.clv;

import java.io.Serializable;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.mllib.linalg.DenseVector;
import org.apache.spark.mllib.linalg.Vector;
import org.apache.spark.mllib.linalg.Vectors;
import org.apache.spark.mllib.optimization.Gradient;
import org.apache.spark.mllib.optimization.LBFGS;
import org.apache.spark.mllib.optimization.Updater;
import scala.Tuple2;

/**
 * Maximum-likelihood fits of the CLV models with MLlib's L-BFGS (Breeze's, behind MLlib's
 * Java-callable API): the optimizer runs on the driver, and each of its steps is one Spark
 * aggregation of the log-likelihood and its gradient over the cached customer summary, which
 * never leaves the executors. Parameters are fitted as logs (so they stay positive) within
 * bounds per parameter; beyond a bound the objective is flat, so a parameter the likelihood
 * drives without limit stops there and is reported ({@link Fit#atBound}): the model degenerates
 * on that data (in BG/NBD a -> 0 or b -> infinity: no customer ever drops out) and the fit is the
 * best one within the bounds. The objective is lifetimes': minus the mean log-likelihood per
 * customer plus penalizer times the sum of the squared parameters.
 */
public final class MaximumLikelihood {
  private MaximumLikelihood() {}

  /** Bounds of a shape parameter (r, a, b; p, q): beyond them the model has degenerated. */
  public static final double SHAPE_MIN = 1e-4;
  public static final double SHAPE_MAX = 1e4;
  /** Largest gradient entry (mean objective, by log-parameters) a converged fit may end with. */
  static final double GRADIENT_TOLERANCE = 1e-3;

  /** One customer's (or one weighted row's) log-likelihood, adding weight x its gradient to grad. */
  public interface Likelihood extends Serializable {
    double logLikelihood(double[] params, double[] features, double[] grad, double weight);
  }

  /** What a fit found. */
  public static final class Fit {
    public final double[] params;
    /** The sum of the customers' log-likelihoods at {@link #params} (no penalty). */
    public final double logLikelihood;
    public final int iterations;
    /** The optimizer stopped on its own tolerance, with a small gradient, not at its iteration cap. */
    public final boolean converged;
    public final boolean[] atBound;
    /** Customers the fit is over (the sum of the rows' weights). */
    public final double customers;
    /** The largest gradient entry at the end (mean objective, by log-parameters). */
    public final double gradientNorm;

    Fit(double[] params, double logLikelihood, int iterations, boolean converged, boolean[] atBound,
        double customers, double gradientNorm) {
      this.params = params;
      this.logLikelihood = logLikelihood;
      this.iterations = iterations;
      this.converged = converged;
      this.atBound = atBound;
      this.customers = customers;
      this.gradientNorm = gradientNorm;
    }

    public boolean anyAtBound() {
      for (boolean b : atBound) {
        if (b) {
          return true;
        }
      }
      return false;
    }
  }

  /**
   * Fits {@code likelihood} over {@code rows} (label = the row's weight in customers, features =
   * the model's summary figures), which the caller has cached and counted ({@code n} rows).
   * {@code customers} = the sum of the weights.
   */
  public static Fit fit(JavaRDD<Tuple2<Object, Vector>> rows, long n, double customers, Likelihood likelihood,
      double[] lower, double[] upper, double penalizer, int maxIterations, double tolerance) {
    int parameters = lower.length;
    Bounds bounds = new Bounds(lower, upper);
    // MLlib's cost is the sum of the rows' losses / rows: scaled so it is the mean per customer.
    double scale = n / customers;
    Tuple2<Vector, double[]> result = LBFGS.runLBFGS(rows.rdd(), new Loss(likelihood, scale, bounds),
        new Penalty(penalizer, bounds), 10, tolerance, maxIterations, penalizer, Vectors.zeros(parameters));
    double[] w = bounds.clamp(result._1().toArray());
    int iterations = result._2().length - 1;
    double[] params = new double[parameters];
    boolean[] atBound = new boolean[parameters];
    for (int i = 0; i < parameters; i++) {
      params[i] = Math.exp(w[i]);
      atBound[i] = w[i] <= bounds.lo[i] + 1e-6 || w[i] >= bounds.hi[i] - 1e-6;
    }
    // One more pass: the log-likelihood itself (a sum, as published) and the final gradient.
    double[] total = rows.treeAggregate(new double[parameters + 1], (acc, row) -> {
      double[] g = new double[parameters];
      double weight = (Double) row._1();
      acc[parameters] += weight * likelihood.logLikelihood(params, row._2().toArray(), g, weight);
      for (int i = 0; i < parameters; i++) {
        acc[i] += g[i];
      }
      return acc;
    }, (x, y) -> {
      for (int i = 0; i < x.length; i++) {
        x[i] += y[i];
      }
      return x;
    }, 2);
    double gradientNorm = 0;
    for (int i = 0; i < parameters; i++) {
      double g = -total[i] / customers + 2 * penalizer * params[i] * params[i];
      gradientNorm = Math.max(gradientNorm, atBound[i] ? 0 : Math.abs(g));
    }
    boolean converged = iterations < maxIterations && gradientNorm <= GRADIENT_TOLERANCE;
    return new Fit(params, total[parameters], iterations, converged, atBound, customers, gradientNorm);
  }

  /** The bounds of the log-parameters. */
  static final class Bounds implements Serializable {
    final double[] lo;
    final double[] hi;

    Bounds(double[] lower, double[] upper) {
      lo = new double[lower.length];
      hi = new double[upper.length];
      for (int i = 0; i < lower.length; i++) {
        lo[i] = Math.log(lower[i]);
        hi[i] = Math.log(upper[i]);
      }
    }

    double[] clamp(double[] w) {
      double[] out = w.clone();
      for (int i = 0; i < out.length; i++) {
        out[i] = Math.max(lo[i], Math.min(hi[i], out[i]));
      }
      return out;
    }
  }

  /** Minus the weighted log-likelihood of one row, at the clamped log-parameters. */
  static final class Loss extends Gradient {
    private final Likelihood likelihood;
    private final double scale;
    private final Bounds bounds;

    Loss(Likelihood likelihood, double scale, Bounds bounds) {
      this.likelihood = likelihood;
      this.scale = scale;
      this.bounds = bounds;
    }

    @Override
    public double compute(Vector features, double label, Vector weights, Vector cumGradient) {
      double[] raw = weights.toArray();
      double[] w = bounds.clamp(raw);
      double[] params = new double[w.length];
      for (int i = 0; i < w.length; i++) {
        params[i] = Math.exp(w[i]);
      }
      double[] g = new double[w.length];
      double ll = likelihood.logLikelihood(params, features.toArray(), g, label);
      double[] cum = ((DenseVector) cumGradient).values();
      for (int i = 0; i < w.length; i++) {
        if (raw[i] == w[i]) { // beyond the bound the objective is flat
          cum[i] -= scale * g[i];
        }
      }
      return -scale * label * ll;
    }
  }

  /** lifetimes' L2 penalty on the parameters (not their logs): penalizer x sum(exp(2 w)). */
  static final class Penalty extends Updater {
    private final double penalizer;
    private final Bounds bounds;

    Penalty(double penalizer, Bounds bounds) {
      this.penalizer = penalizer;
      this.bounds = bounds;
    }

    @Override
    public Tuple2<Vector, Object> compute(Vector weightsOld, Vector gradient, double stepSize, int iter,
        double regParam) {
      double[] w = weightsOld.toArray().clone();
      double[] g = gradient.toArray();
      double[] c = bounds.clamp(w);
      for (int i = 0; i < w.length; i++) {
        w[i] -= stepSize * (g[i] + 2 * penalizer * Math.exp(2 * c[i]));
      }
      double reg = 0;
      for (double v : bounds.clamp(stepSize == 0 ? weightsOld.toArray() : w)) {
        reg += penalizer * Math.exp(2 * v);
      }
      return new Tuple2<>(Vectors.dense(w), reg);
    }
  }

}
