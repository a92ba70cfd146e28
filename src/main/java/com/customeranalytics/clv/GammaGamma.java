package com.customeranalytics.clv;

import static java.lang.Math.log;
import static org.apache.commons.math3.special.Gamma.digamma;
import static org.apache.commons.math3.special.Gamma.logGamma;

import java.util.List;

/**
 * The Gamma-Gamma model of spend per purchase (Fader, Hardie and Lee 2005, "RFM and CLV"; Colombo
 * and Jiang 1999): a customer's purchase values are Gamma(p, nu), nu ~ Gamma(q, v). Fitted on
 * repeat customers, from x (repeat purchases) and m (their mean value), as lifetimes'
 * GammaGammaFitter. Parameters in the order {@link #PARAMETERS}. It assumes spend does not depend
 * on purchase frequency (see {@link #PARAMETERS} and the stage's correlation check).
 */
public final class GammaGamma {
  private GammaGamma() {}

  public static final List<String> PARAMETERS = List.of("p", "q", "v");
  /** Search bounds: shapes p, q within MaximumLikelihood's shape bounds; v, a scale of money, wider. */
  static final double[] LOWER = {MaximumLikelihood.SHAPE_MIN, MaximumLikelihood.SHAPE_MIN, 1e-6};
  static final double[] UPPER = {MaximumLikelihood.SHAPE_MAX, MaximumLikelihood.SHAPE_MAX, 1e10};

  /**
   * One customer's log-likelihood of mean value m over x purchases (x > 0, m > 0); when
   * {@code grad} is not null, adds {@code weight} times its derivatives by the log-parameters.
   */
  public static double logLikelihood(double[] params, double x, double m, double[] grad, double weight) {
    double p = params[0];
    double q = params[1];
    double v = params[2];
    double px = p * x;
    double ll = logGamma(px + q) - logGamma(px) - logGamma(q) + q * log(v) + (px - 1) * log(m) + px * log(x)
        - (px + q) * log(x * m + v);
    if (grad != null) {
      double dp = x * (digamma(px + q) - digamma(px) + log(m) + log(x) - log(x * m + v));
      double dq = digamma(px + q) - digamma(q) + log(v) - log(x * m + v);
      double dv = q / v - (px + q) / (x * m + v);
      grad[0] += weight * p * dp;
      grad[1] += weight * q * dq;
      grad[2] += weight * v * dv;
    }
    return ll;
  }

  /**
   * E[mean purchase value | x, m]: the population mean p v / (q - 1) weighted against the
   * customer's own mean by their purchases. NaN when q <= 1 (the population mean is infinite).
   */
  public static double expectedAverageValue(double[] params, double x, double m) {
    double p = params[0];
    double q = params[1];
    double v = params[2];
    if (q <= 1) {
      return Double.NaN;
    }
    return p * (v + x * m) / (p * x + q - 1);
  }
}
