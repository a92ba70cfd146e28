package com.customeranalytics.features;

import java.time.LocalDate;

/**
 * The windows of a model stage, aligned to calendar months from the as-of date T. label_end is
 * the first day of T's month (exclusive); the target window (what is predicted: LTV revenue, the
 * next purchase) is the target-months before it; features cover the feature-months before the
 * target window; current customers are scored on the feature-months before label_end. All
 * bounds are inclusive dates.
 */
public final class ModelWindows {
  public final LocalDate featureStart;
  public final LocalDate featureEnd;
  public final LocalDate targetStart;
  public final LocalDate targetEnd;
  public final LocalDate scoreStart;
  public final LocalDate scoreEnd;

  public ModelWindows(LocalDate asOf, int featureMonths, int targetMonths) {
    LocalDate labelEnd = asOf.withDayOfMonth(1);
    targetStart = labelEnd.minusMonths(targetMonths);
    targetEnd = labelEnd.minusDays(1);
    featureStart = targetStart.minusMonths(featureMonths);
    featureEnd = targetStart.minusDays(1);
    scoreStart = labelEnd.minusMonths(featureMonths);
    scoreEnd = targetEnd;
  }

  @Override
  public String toString() {
    return "features " + featureStart + ".." + featureEnd + ", target " + targetStart + ".." + targetEnd
        + ", scoring features " + scoreStart + ".." + scoreEnd;
  }
}
