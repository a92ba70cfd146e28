package com.customeranalytics.table;

/** A stage's input table does not exist yet; the message names the stage that writes it. */
public final class MissingTableException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  public MissingTableException(String message) {
    super(message);
  }
}
