package com.customeranalytics.job;

/** Rows a stage read and wrote, for the log line and job_runs. */
public final class StageResult {
  private final long rowsIn;
  private final long rowsOut;
  private final String detail;

  public StageResult(long rowsIn, long rowsOut, String detail) {
    this.rowsIn = rowsIn;
    this.rowsOut = rowsOut;
    this.detail = detail;
  }

  public static StageResult of(long rowsIn, long rowsOut) {
    return new StageResult(rowsIn, rowsOut, "");
  }

  public long rowsIn() { return rowsIn; }
  public long rowsOut() { return rowsOut; }
  /** A short human summary (may be empty). */
  public String detail() { return detail; }
}
