package com.customeranalytics.job;

import com.customeranalytics.table.TableStore;
import java.time.LocalDate;

/**
 * What a run takes from outside its stages, decided by the composition root and asked for when
 * first needed: the raw input, and the as-of date when none is configured.
 */
public interface RunInputs {
  /** The raw input path (asked for by ingest only). */
  String input();

  /** The as-of date of a run that configures none, from the warehouse as it is now. */
  LocalDate defaultAsOf(TableStore tables);

  /** A fixed input, and no default as-of date: the run must configure one. */
  static RunInputs of(String input) {
    return new RunInputs() {
      @Override
      public String input() {
        return input;
      }

      @Override
      public LocalDate defaultAsOf(TableStore tables) {
        throw new InputException("No as-of date configured: pass --as-of YYYY-MM-DD");
      }
    };
  }
}
