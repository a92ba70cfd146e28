package com.customeranalytics.job;

import com.customeranalytics.table.ConcurrentWriteException;
import com.customeranalytics.table.MissingTableException;

/** A stage failed; the message names the stage and the cause. */
public class StageFailedException extends RuntimeException {
  private final String stage;

  public StageFailedException(String stage, Throwable cause) {
    super("Stage '" + stage + "' failed: " + rootMessage(cause), cause);
    this.stage = stage;
  }

  public String stage() {
    return stage;
  }

  /** The most specific message in the cause chain (Spark wraps the real cause several times). */
  public static String rootMessage(Throwable t) {
    String msg = null;
    for (Throwable c = t; c != null; c = c.getCause()) {
      boolean plain = c instanceof InputException || c instanceof ConcurrentWriteException
          || c instanceof MissingTableException;
      if (plain || msg == null) {
        msg = c.getClass().getSimpleName() + ": " + c.getMessage();
        if (plain) {
          return c.getMessage();
        }
      }
    }
    return msg;
  }
}
