package com.customeranalytics.job;

import com.customeranalytics.table.CatalogConflictException;
import com.customeranalytics.table.ConcurrentWriteException;
import com.customeranalytics.table.MissingTableException;
import com.customeranalytics.table.TornTableSetException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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

  /**
   * One line for the log and job_runs: our own input and state errors as they are; a full disk
   * named with the path that was being written; otherwise the first line of the outermost
   * message (Spark's carry whole executor stack traces).
   */
  public static String rootMessage(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof InputException || c instanceof ConcurrentWriteException
          || c instanceof MissingTableException || c instanceof TornTableSetException
          || c instanceof CatalogConflictException) {
        return c.getMessage();
      }
    }
    String full = noSpaceLeft(t);
    if (full != null) {
      return full;
    }
    return t.getClass().getSimpleName() + ": " + firstLine(t.getMessage());
  }

  private static final Pattern WRITING_TO = Pattern.compile("writing rows to (\\S+?)\\.?(\\s|$)");

  /** "no space left on PATH: ..." when the disk being written is full; null otherwise. */
  static String noSpaceLeft(Throwable t) {
    boolean full = false;
    String path = null;
    for (Throwable c = t; c != null; c = c.getCause()) {
      String m = c.getMessage() == null ? "" : c.getMessage();
      full |= m.contains("No space left on device");
      Matcher w = WRITING_TO.matcher(m);
      if (path == null && w.find()) {
        path = w.group(1);
      }
    }
    if (!full) {
      return null;
    }
    return "no space left on " + (path == null ? "the disk being written (the warehouse's, or Spark's"
        + " local directory spark.local.dir for shuffle and spill files)" : path) + ". The write that"
        + " failed committed nothing: free space there (or set warehouse / spark.local.dir to a larger"
        + " disk) and run again.";
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
