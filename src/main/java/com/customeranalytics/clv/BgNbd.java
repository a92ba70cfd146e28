package com.customeranalytics.clv;

import static java.lang.Math.exp;
import static java.lang.Math.log;
import static org.apache.commons.math3.special.Gamma.digamma;
import static org.apache.commons.math3.special.Gamma.logGamma;

import java.util.List;

/**
 * The BG/NBD model (Fader, Hardie and Lee 2005, "Counting your customers the easy way"): while
 * alive a customer buys at rate lambda ~ Gamma(r, alpha) and after each purchase drops out with
 * probability p ~ Beta(a, b). A customer is summarised by x (repeat purchases), t_x (first to
 * last purchase) and T (first purchase to the end of the period), all in one time unit. The
 * formulas are those of the paper and of lifetimes' BetaGeoFitter, so fitted parameters compare.
 * Parameters are passed in the order {@link #PARAMETERS}.
 */
public final class BgNbd {
  private BgNbd() {}

  public static final List<String> PARAMETERS = List.of("r", "alpha", "a", "b");
  /**
   * Search bounds: shapes r, a, b within MaximumLikelihood's shape bounds; alpha, a scale of the
   * time unit, wider.
   */
  static final double[] LOWER = {MaximumLikelihood.SHAPE_MIN, 1e-6, MaximumLikelihood.SHAPE_MIN, MaximumLikelihood.SHAPE_MIN};
  static final double[] UPPER = {MaximumLikelihood.SHAPE_MAX, 1e8, MaximumLikelihood.SHAPE_MAX, MaximumLikelihood.SHAPE_MAX};

  /**
   * One customer's log-likelihood; when {@code grad} is not null, adds {@code weight} times its
   * derivatives with respect to the log of each parameter (the optimizer works on log-parameters).
   */
  public static double logLikelihood(double[] params, double x, double tx, double t, double[] grad, double weight) {
    double r = params[0];
    double alpha = params[1];
    double a = params[2];
    double b = params[3];
    double a1 = logGamma(r + x) - logGamma(r) + r * log(alpha);
    double a2 = logGamma(a + b) + logGamma(b + x) - logGamma(b) - logGamma(a + b + x);
    double a3 = -(r + x) * log(alpha + t);
    double ll;
    double w3 = 1; // the shares of the two terms (alive at T / dropped out after the last purchase)
    double w4 = 0;
    if (x > 0) {
      double a4 = log(a) - log(b + x - 1) - (r + x) * log(alpha + tx);
      double m = Math.max(a3, a4);
      double e3 = exp(a3 - m);
      double e4 = exp(a4 - m);
      ll = a1 + a2 + m + log(e3 + e4);
      w3 = e3 / (e3 + e4);
      w4 = e4 / (e3 + e4);
    } else {
      ll = a1 + a2 + a3;
    }
    if (grad != null) {
      double dr = digamma(r + x) - digamma(r) + log(alpha) - w3 * log(alpha + t) - (x > 0 ? w4 * log(alpha + tx) : 0);
      double dalpha = r / alpha - w3 * (r + x) / (alpha + t) - (x > 0 ? w4 * (r + x) / (alpha + tx) : 0);
      double da = digamma(a + b) - digamma(a + b + x) + (x > 0 ? w4 / a : 0);
      double db = digamma(a + b) + digamma(b + x) - digamma(b) - digamma(a + b + x)
          - (x > 0 ? w4 / (b + x - 1) : 0);
      grad[0] += weight * r * dr;
      grad[1] += weight * alpha * dalpha;
      grad[2] += weight * a * da;
      grad[3] += weight * b * db;
    }
    return ll;
  }

  /** P(alive at T | x, t_x, T): 1 for a customer with no repeat purchase. */
  public static double probabilityAlive(double[] params, double x, double tx, double t) {
    if (x == 0) {
      return 1.0;
    }
    return 1.0 / (1.0 + exp(logOddsDropped(params, x, tx, t)));
  }

  /** log of (a / (b + x - 1)) ((alpha + T) / (alpha + t_x))^(r + x): dropped out vs alive. */
  private static double logOddsDropped(double[] p, double x, double tx, double t) {
    return (p[0] + x) * log((p[1] + t) / (p[1] + tx)) + log(p[2] / (p[3] + x - 1));
  }

  /**
   * Expected purchases in (T, T + horizon] of a customer with (x, t_x, T): the paper's
   * equation (10), as lifetimes' conditional_expected_number_of_purchases_up_to_time.
   */
  public static double expectedPurchases(double[] params, double horizon, double x, double tx, double t) {
    if (horizon <= 0) {
      return 0.0;
    }
    double r = params[0];
    double alpha = params[1];
    double a = Math.abs(params[2] - 1) < 1e-9 ? 1 + 1e-9 : params[2]; // (a - 1) divides: its limit
    double b = params[3];
    double z = horizon / (alpha + t + horizon);
    double lnHyp = Hypergeometric.logHyp2f1(r + x, b + x, a + b + x - 1, z);
    double first = (a + b + x - 1) / (a - 1);
    double second = 1 - exp(lnHyp + (r + x) * log((alpha + t) / (alpha + t + horizon)));
    double numerator = first * second;
    if (x == 0) {
      return numerator;
    }
    double lo = logOddsDropped(params, x, tx, t);
    // numerator / (1 + e^lo), without overflow for a customer very likely gone.
    return lo > 0 ? numerator * exp(-lo) / (1 + exp(-lo)) : numerator / (1 + exp(lo));
  }
}
