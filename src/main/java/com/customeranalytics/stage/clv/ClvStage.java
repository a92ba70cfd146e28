package com.customeranalytics.stage.clv;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;

import com.customeranalytics.clv.BgNbd;
import com.customeranalytics.clv.ClvFits;
import com.customeranalytics.clv.ClvScores;
import com.customeranalytics.clv.CustomerSummary;
import com.customeranalytics.clv.GammaGamma;
import com.customeranalytics.concurrent.Parallel;
import com.customeranalytics.config.Settings.ClvSettings;
import com.customeranalytics.config.Settings.ModelSettings;
import com.customeranalytics.job.InputException;
import com.customeranalytics.job.Stage;
import com.customeranalytics.job.StageContext;
import com.customeranalytics.job.StageResult;
import com.customeranalytics.table.ClvTables;
import com.customeranalytics.table.Columns;
import com.customeranalytics.table.StatePlan;
import com.customeranalytics.table.TableStore;
import com.customeranalytics.table.Tables;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Probabilistic lifetime value as of one date: the customer summary (purchase days, from rfm's
 * customer state), BG/NBD and Gamma-Gamma fitted twice (on the calibration period, scored on the
 * holdout; on everything, for the predictions) and three gold tables: clv_model_params,
 * clv_predictions, clv_holdout_metrics, each replaced for the date. It fits on the schedule of
 * the other models ({@code models.retrain}); between fits it scores the customers of the date
 * with the latest full fit's parameters (clv_predictions only).
 */
public final class ClvStage implements Stage {
  public static final String NAME = "clv";
  private static final Logger LOG = LoggerFactory.getLogger(ClvStage.class);

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public StageResult run(StageContext ctx) {
    LocalDate asOf = ctx.asOf();
    ClvSettings s = ctx.settings().clv();
    TableStore tables = ctx.tables();
    LocalDate calibrationEnd = s.calibrationEnd(asOf);
    if (!calibrationEnd.isBefore(asOf)) {
      throw new InputException("clv.calibration-end " + calibrationEnd + " is not before the as-of date " + asOf
          + ": the holdout period would be empty. Set clv.calibration-end earlier, or leave it empty for the"
          + " as-of date minus clv.holdout-days (" + s.holdoutDays + ")");
    }
    Dataset<Row> invoices = customerState(tables);
    Dataset<Row> days = CustomerSummary.purchaseDays(invoices, asOf).persist(StorageLevel.MEMORY_AND_DISK());
    List<Dataset<Row>> cached = new ArrayList<>(List.of(days));
    try {
      Dataset<Row> full = cache(cached, CustomerSummary.summary(days, asOf, s.timeUnit));
      long customers = full.count();
      if (customers == 0) {
        throw new InputException("No customer purchase on or before the as-of date " + asOf + " in "
            + Tables.RFM_STATE_INVOICES + ": nothing to fit the clv models on (run rfm for that date first)");
      }
      ModelSettings models = ctx.settings().models();
      LocalDate trained = latestFit(tables, asOf);
      if (!models.retrains(trained, asOf)) {
        double[][] saved = savedParams(tables, trained);
        if (saved != null) {
          Dataset<Row> scored = cache(cached, ClvScores.predictions(full, saved[0], saved[1], s, asOf));
          long rows = tables.replaceAsOf(Tables.CLV_PREDICTIONS, asOf,
              ClvScores.withDecile(scored, ClvScores.decileBounds(scored)));
          return new StageResult(tables.count(Tables.RFM_STATE_INVOICES), rows, String.format(Locale.ROOT,
              "as of %s, %s: %d customers scored with the clv fit of %s (models.retrain = %s; no fit, no holdout"
                  + " metrics this run)", asOf, s.timeUnit.settingName(), customers, trained, models.retrainName()));
        }
        LOG.warn("clv: the fit of {} in {} is incomplete (a BG/NBD parameter is missing): fitting again", trained,
            tables.path(Tables.CLV_MODEL_PARAMS));
      }
      ClvFits fullFit = ClvFits.fit(ClvTables.FULL, full, customers, s);
      Dataset<Row> calibration = cache(cached, CustomerSummary.summary(days, calibrationEnd, s.timeUnit));
      long calibrationCustomers = calibration.count();
      List<Row> params = new ArrayList<>();
      Dataset<Row> holdout;
      String calibrationNote;
      ClvFits calibrationFit = null;
      if (calibrationCustomers == 0) {
        LOG.warn("clv: no customer bought on or before the calibration end {}, so there is no calibration fit"
            + " and no clv_holdout_metrics for {}: set clv.calibration-end (or clv.holdout-days) within the"
            + " data", calibrationEnd, asOf);
        holdout = ctx.spark().createDataFrame(List.of(), ClvTables.HOLDOUT_SCHEMA);
        calibrationNote = "no calibration fit (no purchase by " + calibrationEnd + ")";
      } else {
        calibrationFit = ClvFits.fit(ClvTables.CALIBRATION, calibration, calibrationCustomers, s);
        params.addAll(calibrationFit.paramRows(asOf));
        holdout = ClvScores.holdoutMetrics(calibration, CustomerSummary.after(days, calibrationEnd), calibrationFit,
            s, asOf, calibrationEnd);
        calibrationNote = "calibration to " + calibrationEnd + ": " + calibrationCustomers + " customers";
      }
      params.addAll(fullFit.paramRows(asOf));
      Dataset<Row> scored = cache(cached, ClvScores.predictions(full, fullFit, s, asOf));
      Dataset<Row> predictions = ClvScores.withDecile(scored, ClvScores.decileBounds(scored));
      Dataset<Row> paramTable = ctx.spark().createDataFrame(params, ClvTables.PARAMS_SCHEMA);
      Dataset<Row> holdoutTable = holdout;
      Map<String, Callable<Long>> writes = new LinkedHashMap<>();
      writes.put(Tables.CLV_MODEL_PARAMS, () -> tables.replaceAsOf(Tables.CLV_MODEL_PARAMS, asOf, paramTable.coalesce(1)));
      writes.put(Tables.CLV_PREDICTIONS, () -> tables.replaceAsOf(Tables.CLV_PREDICTIONS, asOf, predictions));
      writes.put(Tables.CLV_HOLDOUT_METRICS,
          () -> tables.replaceAsOf(Tables.CLV_HOLDOUT_METRICS, asOf, holdoutTable.coalesce(1)));
      Map<String, Long> written = Parallel.each(writes);
      double[] bg = fullFit.bgNbd.params;
      String detail = String.format(Locale.ROOT, "as of %s, %s: %d customers; BG/NBD r %.4g, alpha %.4g, a %.4g, b %.4g"
          + " (%s); %s; %d optimizer steps; %s", asOf, s.timeUnit.settingName(), customers, bg[0], bg[1], bg[2], bg[3],
          fullFit.bgNbd.converged ? "converged" : fullFit.bgNbd.anyAtBound() ? "a parameter at its bound" : "not converged",
          fullFit.gammaGamma == null ? "no Gamma-Gamma (no repeat customer)" : String.format(Locale.ROOT,
              "Gamma-Gamma p %.4g, q %.4g, v %.4g", fullFit.gammaGamma.params[0], fullFit.gammaGamma.params[1],
              fullFit.gammaGamma.params[2]),
          fullFit.iterations + (calibrationFit == null ? 0 : calibrationFit.iterations), calibrationNote);
      return new StageResult(tables.count(Tables.RFM_STATE_INVOICES), written.get(Tables.CLV_PREDICTIONS), detail);
    } finally {
      cached.forEach(Dataset::unpersist);
    }
  }

  /** The latest as-of date on or before {@code asOf} with a full fit in clv_model_params (null: none). */
  static LocalDate latestFit(TableStore tables, LocalDate asOf) {
    if (!tables.exists(Tables.CLV_MODEL_PARAMS)) {
      return null;
    }
    Row r = tables.read(Tables.CLV_MODEL_PARAMS).filter(col(Columns.FIT).equalTo(ClvTables.FULL)
        .and(col(Columns.AS_OF_DATE).leq(lit(java.sql.Date.valueOf(asOf))))).agg(max(col(Columns.AS_OF_DATE))).head();
    return r.isNullAt(0) ? null : r.getDate(0).toLocalDate();
  }

  /**
   * The full fit's parameters of {@code date}: BG/NBD's, and Gamma-Gamma's or null when it was
   * not fitted; null when a BG/NBD parameter is missing.
   */
  static double[][] savedParams(TableStore tables, LocalDate date) {
    Map<String, Double> values = new java.util.HashMap<>();
    for (Row r : tables.read(Tables.CLV_MODEL_PARAMS).filter(col(Columns.FIT).equalTo(ClvTables.FULL)
        .and(col(Columns.AS_OF_DATE).equalTo(lit(java.sql.Date.valueOf(date))))).collectAsList()) {
      if (!r.isNullAt(r.fieldIndex(Columns.VALUE))) {
        values.put(r.getAs(Columns.MODEL) + "." + r.getAs(Columns.PARAMETER), r.getAs(Columns.VALUE));
      }
    }
    double[] bg = pick(values, ClvTables.BG_NBD, BgNbd.PARAMETERS);
    return bg == null ? null : new double[][] {bg, pick(values, ClvTables.GAMMA_GAMMA, GammaGamma.PARAMETERS)};
  }

  private static double[] pick(Map<String, Double> values, String model, List<String> names) {
    double[] out = new double[names.size()];
    for (int i = 0; i < out.length; i++) {
      Double v = values.get(model + "." + names.get(i));
      if (v == null) {
        return null;
      }
      out[i] = v;
    }
    return out;
  }

  /**
   * rfm's customer state (its invoice rows: per customer, invoice and day, exact sums of the
   * silver lines), which rfm brings up to silver before this stage runs. Read, never written
   * here; one that lags silver (clean ran since rfm last did) is refused, naming the fix.
   */
  static Dataset<Row> customerState(TableStore tables) {
    if (!tables.exists(Tables.RFM_STATE_INVOICES)) {
      tables.read(Tables.RFM_STATE_INVOICES); // fails naming the rfm stage
    }
    StatePlan plan = StatePlan.of(tables, Tables.RFM_STATE_LOG,
        List.of(Tables.RFM_STATE_INVOICES, Tables.RFM_STATE_PRODUCTS), false);
    if (plan.rebuild != null || !plan.runs.isEmpty()) {
      throw new InputException("rfm's customer state (" + Tables.RFM_STATE_INVOICES + ") does not hold what silver"
          + " holds yet (" + (plan.rebuild != null ? plan.rebuild : plan.runs.size() + " ingest run(s) cleaned since")
          + "): run the rfm stage first (--stages rfm,clv), which brings it up to date");
    }
    return tables.read(Tables.RFM_STATE_INVOICES);
  }

  private static Dataset<Row> cache(List<Dataset<Row>> cached, Dataset<Row> d) {
    Dataset<Row> c = d.persist(StorageLevel.MEMORY_AND_DISK());
    cached.add(c);
    return c;
  }
}
