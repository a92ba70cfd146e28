package com.customeranalytics.clv;

/**
 * The Gaussian hypergeometric function 2F1(a, b; c; z) for 0 <= z < 1, as BG/NBD's expected
 * purchases need it. No well-kept implementation is on the classpath (commons-math3 has none,
 * Breeze none), so this is the power series with a convergence guard, and Euler's transformation
 * where the direct series would overflow (a customer with many purchases: a and b large).
 */
public final class Hypergeometric {
  private Hypergeometric() {}

  /** Terms summed at most before the series is declared not converging. */
  static final int MAX_TERMS = 200_000;
  private static final double TOLERANCE = 1e-15;

  /** 2F1(a, b; c; z) by its power series; fails when it does not converge within the guard. */
  public static double hyp2f1(double a, double b, double c, double z) {
    if (!(z >= 0 && z < 1)) {
      throw new IllegalArgumentException("2F1 is evaluated for 0 <= z < 1 only, not z = " + z);
    }
    double sum = 1;
    double term = 1;
    for (int n = 0; n < MAX_TERMS; n++) {
      term *= (a + n) * (b + n) / ((c + n) * (n + 1)) * z;
      sum += term;
      if (!Double.isFinite(sum)) {
        return sum; // overflowed: the caller takes Euler's form
      }
      // Past the largest terms (n > |a| + |b|: the ratio of terms is below 1 from there on).
      if (Math.abs(term) <= TOLERANCE * Math.abs(sum) && n > Math.abs(a) + Math.abs(b)) {
        return sum;
      }
    }
    throw new ArithmeticException("2F1(" + a + ", " + b + "; " + c + "; " + z + ") did not converge in "
        + MAX_TERMS + " terms");
  }

  /**
   * log 2F1(a, b; c; z): the direct series, or where it overflows Euler's transformation
   * 2F1(a, b; c; z) = (1 - z)^(c - a - b) 2F1(c - a, c - b; c; z), whose terms fall fast when c
   * is large next to c - a and c - b (lifetimes does the same with scipy's hyp2f1).
   */
  public static double logHyp2f1(double a, double b, double c, double z) {
    double direct = hyp2f1(a, b, c, z);
    if (Double.isFinite(direct) && direct > 0) {
      return Math.log(direct);
    }
    return Math.log(hyp2f1(c - a, c - b, c, z)) + (c - a - b) * Math.log1p(-z);
  }
}
