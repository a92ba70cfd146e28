package com.customeranalytics.table;

/**
 * Tables meant to be read as one set come from different runs (a writer died between its
 * writes); the message names the tables, both runs and the stage to run again.
 */
public final class TornTableSetException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  public TornTableSetException(String message) {
    super(message);
  }
}
