package com.customeranalytics.table;

/**
 * Another writer committed to a table while this one was preparing its write (two runs on one
 * warehouse at once): this write was not committed, so nothing is written twice.
 */
public final class ConcurrentWriteException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ConcurrentWriteException(String table, String path, Throwable cause) {
    super("Another run wrote " + table + " (" + path + ") while this one was preparing its write:"
        + " this run's write was not committed, so nothing is written twice. Run again when the"
        + " other run has finished; it picks up what is still to do.", cause);
  }
}
