package com.customeranalytics.clv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.function.DoubleUnaryOperator;
import org.apache.commons.math3.special.Beta;
import org.apache.commons.math3.special.Gamma;
import org.junit.jupiter.api.Test;

/**
 * The closed forms against values computed another way: by numerical integration over the
 * models' mixing distributions (the individual-level BG/NBD and Gamma-Gamma likelihoods
 * integrated over Gamma(r, alpha) x Beta(a, b), or over Gamma(q, v), with Gauss-Legendre
 * quadrature), so an error in the algebra of the paper's formulas, or in their coding, shows.
 * Gradients are checked against central finite differences of the log-likelihood.
 */
class ClvFormulasTest {
  /** Parameters with a, b, r > 1, so the mixing densities are smooth for the quadrature. */
  private static final double[] BG = {2.1, 3.5, 1.6, 2.7};
  private static final double[] GG = {6.0, 3.7, 15.0};

  /** Composite 16-point Gauss-Legendre over [lo, hi] in {@code pieces} pieces. */
  static double integrate(DoubleUnaryOperator f, double lo, double hi, int pieces) {
    double[] x = new double[16];
    double[] w = new double[16];
    org.apache.commons.math3.analysis.integration.gauss.GaussIntegrator g =
        new org.apache.commons.math3.analysis.integration.gauss.GaussIntegratorFactory().legendre(16, -1, 1);
    for (int i = 0; i < 16; i++) {
      x[i] = g.getPoint(i);
      w[i] = g.getWeight(i);
    }
    double sum = 0;
    double h = (hi - lo) / pieces;
    for (int k = 0; k < pieces; k++) {
      double mid = lo + (k + 0.5) * h;
      for (int i = 0; i < 16; i++) {
        sum += w[i] * h / 2 * f.applyAsDouble(mid + x[i] * h / 2);
      }
    }
    return sum;
  }

  private static double gammaDensity(double lambda, double shape, double rate) {
    return Math.exp(shape * Math.log(rate) + (shape - 1) * Math.log(lambda) - rate * lambda - Gamma.logGamma(shape));
  }

  private static double betaDensity(double p, double a, double b) {
    return Math.exp((a - 1) * Math.log(p) + (b - 1) * Math.log1p(-p) - Beta.logBeta(a, b));
  }

  /**
   * The integral over lambda and p of g(lambda, p) times both mixing densities; lambda = u^2 and
   * p = s^2, so the densities' powers of lambda and p are smooth at 0 for the quadrature.
   */
  private static double overMixing(double[] bg, java.util.function.DoubleBinaryOperator g) {
    return integrate(s -> {
      double p = s * s;
      return 2 * s * betaDensity(p, bg[2], bg[3])
          * integrate(u -> 2 * u * g.applyAsDouble(u * u, p) * gammaDensity(u * u, bg[0], bg[1]), 0, 3.5, 60);
    }, 0, 1, 60);
  }

  /** P(data and alive at T | lambda, p) and P(data and gone | lambda, p), the paper's eq. (3). */
  private static double alive(double l, double p, double x, double t) {
    return Math.pow(1 - p, x) * Math.pow(l, x) * Math.exp(-l * t);
  }

  private static double gone(double l, double p, double x, double tx) {
    return x == 0 ? 0 : p * Math.pow(1 - p, x - 1) * Math.pow(l, x) * Math.exp(-l * tx);
  }

  @Test
  void bgNbdLikelihoodIsTheIndividualLikelihoodIntegratedOverTheMixing() {
    double[][] customers = {{0, 0, 12.5}, {1, 4, 9}, {3, 20, 30}, {7, 25.5, 27}};
    for (double[] c : customers) {
      double numeric = overMixing(BG, (l, p) -> alive(l, p, c[0], c[2]) + gone(l, p, c[0], c[1]));
      assertThat(BgNbd.logLikelihood(BG, c[0], c[1], c[2], null, 1)).as("x, t_x, T = %s, %s, %s", c[0], c[1], c[2])
          .isCloseTo(Math.log(numeric), within(1e-7));
    }
  }

  @Test
  void probabilityAliveIsThePosteriorShareOfAlive() {
    double[][] customers = {{1, 4, 9}, {3, 20, 30}, {3, 5, 30}, {7, 25.5, 27}};
    for (double[] c : customers) {
      double aliveMass = overMixing(BG, (l, p) -> alive(l, p, c[0], c[2]));
      double all = overMixing(BG, (l, p) -> alive(l, p, c[0], c[2]) + gone(l, p, c[0], c[1]));
      assertThat(BgNbd.probabilityAlive(BG, c[0], c[1], c[2])).isCloseTo(aliveMass / all, within(1e-8));
    }
    assertThat(BgNbd.probabilityAlive(BG, 0, 0, 40)).isEqualTo(1.0);
    // Long silence after a busy start: very likely gone.
    assertThat(BgNbd.probabilityAlive(BG, 3, 5, 30)).isLessThan(BgNbd.probabilityAlive(BG, 3, 29, 30));
  }

  @Test
  void expectedPurchasesArePosteriorMeansOfTheIndividualExpectation() {
    // E[X(t) | lambda, p, alive] = (1 - exp(-lambda p t)) / p (the paper's eq. 7), weighted by
    // the posterior of (lambda, p) and of being alive at T.
    double[][] customers = {{0, 0, 12.5}, {1, 4, 9}, {3, 20, 30}, {7, 25.5, 27}};
    for (double horizon : new double[] {1, 10, 52}) {
      for (double[] c : customers) {
        double numerator = overMixing(BG, (l, p) -> alive(l, p, c[0], c[2]) * (-Math.expm1(-l * p * horizon)) / p);
        double all = overMixing(BG, (l, p) -> alive(l, p, c[0], c[2]) + gone(l, p, c[0], c[1]));
        assertThat(BgNbd.expectedPurchases(BG, horizon, c[0], c[1], c[2]))
            .as("t %s, x, t_x, T = %s, %s, %s", horizon, c[0], c[1], c[2])
            .isCloseTo(numerator / all, within(1e-7));
      }
    }
    assertThat(BgNbd.expectedPurchases(BG, 0, 3, 20, 30)).isZero();
  }

  @Test
  void aHeavyBuyerStaysFinite() {
    // 3,000 repeat purchase days: the direct 2F1 series overflows, Euler's form takes over.
    double[] cdnowDaily = {0.243, 4.414 * 7, 0.793, 2.426};
    double e = BgNbd.expectedPurchases(cdnowDaily, 180, 3000, 3649, 3650);
    assertThat(e).isFinite().isBetween(100.0, 180.0);
    assertThat(BgNbd.logLikelihood(cdnowDaily, 3000, 3649, 3650, null, 1)).isFinite();
    // The same customer silent for the last 50 days of buying every 1.2 days: very likely gone.
    assertThat(BgNbd.expectedPurchases(cdnowDaily, 180, 3000, 3600, 3650)).isLessThan(1e-6);
  }

  @Test
  void gradientsAreTheLikelihoodsDerivativesByLogParameters() {
    double[][] bgCustomers = {{0, 0, 12.5}, {3, 20, 30}, {12, 200, 365}};
    for (double[] c : bgCustomers) {
      double[] grad = new double[4];
      BgNbd.logLikelihood(BG, c[0], c[1], c[2], grad, 2.0);
      for (int i = 0; i < 4; i++) {
        int k = i;
        double fd = finiteDifference(w -> BgNbd.logLikelihood(w, c[0], c[1], c[2], null, 1), BG, k);
        assertThat(grad[i]).as("d/d log %s at %s", BgNbd.PARAMETERS.get(i), java.util.Arrays.toString(c))
            .isCloseTo(2.0 * fd, within(1e-6 * Math.max(1, Math.abs(fd))));
      }
    }
    double[][] ggCustomers = {{1, 35.2}, {4, 12.0}, {20, 410.5}};
    for (double[] c : ggCustomers) {
      double[] grad = new double[3];
      GammaGamma.logLikelihood(GG, c[0], c[1], grad, 1.0);
      for (int i = 0; i < 3; i++) {
        double fd = finiteDifference(w -> GammaGamma.logLikelihood(w, c[0], c[1], null, 1), GG, i);
        assertThat(grad[i]).isCloseTo(fd, within(1e-6 * Math.max(1, Math.abs(fd))));
      }
    }
  }

  /** d f / d log(params[i]) by central differences. */
  private static double finiteDifference(java.util.function.ToDoubleFunction<double[]> f, double[] params, int i) {
    double h = 1e-5;
    double[] up = params.clone();
    double[] down = params.clone();
    up[i] = params[i] * Math.exp(h);
    down[i] = params[i] * Math.exp(-h);
    return (f.applyAsDouble(up) - f.applyAsDouble(down)) / (2 * h);
  }

  @Test
  void gammaGammaLikelihoodAndExpectedValueIntegrateOverNu() {
    double p = GG[0];
    double q = GG[1];
    double v = GG[2];
    double[][] customers = {{1, 35.2}, {4, 12.0}, {20, 41.5}};
    for (double[] c : customers) {
      double x = c[0];
      double m = c[1];
      // The mean of x Gamma(p, nu) values is Gamma(p x, nu x).
      DoubleUnaryOperator given = nu -> gammaDensity(m, p * x, nu * x) * gammaDensity(nu, q, v);
      double density = integrate(given, 0, 4, 400);
      assertThat(GammaGamma.logLikelihood(GG, x, m, null, 1)).isCloseTo(Math.log(density), within(1e-7));
      double meanSpend = integrate(nu -> p / nu * given.applyAsDouble(nu), 1e-9, 4, 400) / density;
      assertThat(GammaGamma.expectedAverageValue(GG, x, m)).isCloseTo(meanSpend, within(1e-6 * meanSpend));
    }
    assertThat(GammaGamma.expectedAverageValue(GG, 0, 0)).isCloseTo(p * v / (q - 1), within(1e-12));
    assertThat(GammaGamma.expectedAverageValue(new double[] {6, 0.9, 15}, 2, 10)).isNaN();
  }

  @Test
  void hypergeometricMatchesClosedFormsAndEulersIntegral() {
    for (double z : new double[] {0.0, 0.1, 0.5, 0.9, 0.99}) {
      double closed = z == 0 ? 1 : -Math.log1p(-z) / z; // 2F1(1, 1; 2; z)
      assertThat(Hypergeometric.hyp2f1(1, 1, 2, z)).isCloseTo(closed, within(1e-12 * closed));
      assertThat(Hypergeometric.hyp2f1(0.7, 3.3, 3.3, z)).isCloseTo(Math.pow(1 - z, -0.7), within(1e-12 * Math.pow(1 - z, -0.7)));
    }
    // Euler's integral, c > b > 0: Gamma(c) / (Gamma(b) Gamma(c - b)) int s^(b-1) (1-s)^(c-b-1) (1 - z s)^-a.
    double a = 1.3;
    double b = 2.5;
    double c = 5.5;
    for (double z : new double[] {0.2, 0.6, 0.85}) {
      double integral = Math.exp(Gamma.logGamma(c) - Gamma.logGamma(b) - Gamma.logGamma(c - b))
          * integrate(s -> Math.pow(s, b - 1) * Math.pow(1 - s, c - b - 1) * Math.pow(1 - z * s, -a), 0, 1, 50);
      assertThat(Hypergeometric.hyp2f1(a, b, c, z)).isCloseTo(integral, within(1e-10 * integral));
      // Euler's transformation gives the same value.
      assertThat(Hypergeometric.logHyp2f1(c - a, c - b, c, z) + (c - a - b) * Math.log1p(-z))
          .isCloseTo(Math.log(integral), within(1e-10));
    }
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> Hypergeometric.hyp2f1(1, 1, 2, 1.0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void clvDiscountsEachMonthsExpectedPurchases() {
    double value = 20;
    double rate = 0.01;
    double e30 = BgNbd.expectedPurchases(BG, 30, 3, 20, 30);
    double e45 = BgNbd.expectedPurchases(BG, 45, 3, 20, 30);
    assertThat(ClvScores.clv(BG, value, 30, 1, rate, 3, 20, 30)).isCloseTo(value * e30 / 1.01, within(1e-12));
    assertThat(ClvScores.clv(BG, value, 45, 1, rate, 3, 20, 30))
        .isCloseTo(value * e30 / 1.01 + value * (e45 - e30) / Math.pow(1.01, 1.5), within(1e-12));
    // Weeks: the same horizon in days, the model's time in weeks.
    assertThat(ClvScores.clv(BG, value, 28, 7, 0, 3, 20, 30))
        .isCloseTo(value * BgNbd.expectedPurchases(BG, 4, 3, 20, 30), within(1e-12));
  }
}
