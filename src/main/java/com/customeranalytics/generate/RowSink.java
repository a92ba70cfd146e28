package com.customeranalytics.generate;

import java.io.Closeable;
import java.io.IOException;

/** Where generated rows go: the eight raw fields as text (null = empty field). */
interface RowSink extends Closeable {
  void row(String[] fields) throws IOException;

  /** A line that is not a well-formed row (e.g. too few columns), written as is. */
  void malformed(String rawLine, String[] fieldsIfStructured) throws IOException;
}
