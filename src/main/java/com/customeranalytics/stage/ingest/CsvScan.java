package com.customeranalytics.stage.ingest;

import java.io.OutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * What the ingest stage needs to know of a CSV file before Spark reads it, found while its bytes
 * stream past (fed by the checksum pass, so the file is not read twice): the distinct invoice
 * timestamp texts, from which one format is chosen for the file (see {@link TimestampFormats}),
 * and whether the bytes are valid UTF-8 (a file with bytes that are not is read so that those
 * bytes are kept, see IngestStage). Works on the bytes: the delimiter, quote and line breaks are
 * ASCII in every encoding it is used with (UTF-8, ISO-8859-x, windows-125x).
 */
final class CsvScan extends OutputStream {
  /** Distinct values kept per file: bounds driver memory; the rest of a file is not checked. */
  static final int MAX_DISTINCT = 50_000;
  private static final int MAX_FIELD = 256;

  private final byte delimiter;
  private final boolean multiLine;
  private final int column;
  private final Set<String> values = new LinkedHashSet<>();
  private final byte[] field = new byte[MAX_FIELD];
  private int fieldLength;
  private int index; // field index within the current record
  private boolean quoted;
  private boolean header = true; // the first record is the header, already read
  private boolean full;
  private long records;
  private final boolean utf8;
  private boolean utf8Valid = true;
  private int continuation; // UTF-8 continuation bytes still expected

  /** {@code column}: 0-based position of the timestamp column in the file's header. */
  CsvScan(char delimiter, boolean multiLine, int column, boolean utf8) {
    this.utf8 = utf8;
    this.delimiter = (byte) delimiter;
    this.multiLine = multiLine;
    this.column = column;
  }

  /** Whether files in {@code encoding} with {@code delimiter} can be sampled byte-wise. */
  static boolean supports(String encoding, String delimiter) {
    if (delimiter.length() != 1 || delimiter.charAt(0) > 0x7f) {
      return false;
    }
    Charset cs = Charset.forName(encoding);
    return cs.equals(StandardCharsets.UTF_8) || cs.equals(StandardCharsets.US_ASCII)
        || cs.name().startsWith("ISO-8859") || cs.name().startsWith("windows-125");
  }

  /** The distinct non-blank timestamp texts seen, in file order, at most {@link #MAX_DISTINCT}. */
  Set<String> values() {
    return values;
  }

  /** True when the file had more distinct values than were kept. */
  boolean truncated() {
    return full;
  }

  long records() {
    return records;
  }

  @Override
  public void write(int b) {
    accept((byte) b);
  }

  @Override
  public void write(byte[] buf, int off, int len) {
    for (int i = off; i < off + len; i++) {
      accept(buf[i]);
    }
  }

  /** False when the file is meant to be UTF-8 and holds a byte sequence that is not. */
  boolean validUtf8() {
    return !utf8 || (utf8Valid && continuation == 0);
  }

  private void checkUtf8(int u) {
    if (continuation > 0) {
      if ((u & 0xC0) == 0x80) {
        continuation--;
        return;
      }
      utf8Valid = false; // a lead byte without its continuation
    }
    if (u < 0x80) {
      return;
    }
    if (u >= 0xC2 && u <= 0xDF) {
      continuation = 1;
    } else if (u >= 0xE0 && u <= 0xEF) {
      continuation = 2;
    } else if (u >= 0xF0 && u <= 0xF4) {
      continuation = 3;
    } else {
      utf8Valid = false;
    }
  }

  private void accept(byte b) {
    if (utf8 && utf8Valid) {
      checkUtf8(b & 0xff);
    }
    if (b == '"') {
      quoted = !quoted; // a doubled quote inside a quoted field toggles twice: no net change
      return;
    }
    if (b == '\n' && (!quoted || !multiLine)) {
      endRecord();
      return;
    }
    if (quoted && b == '\n') {
      return;
    }
    if (b == delimiter && !quoted) {
      endField();
      index++;
      return;
    }
    if (!header && index == column && b != '\r' && fieldLength < MAX_FIELD) {
      field[fieldLength++] = b;
    }
  }

  private void endField() {
    if (!header && index == column && !full) {
      String v = new String(field, 0, fieldLength, StandardCharsets.ISO_8859_1).trim();
      if (!v.isEmpty() && !values.contains(v)) {
        if (values.size() < MAX_DISTINCT) {
          values.add(v);
        } else {
          full = true;
        }
      }
    }
    fieldLength = 0;
  }

  private void endRecord() {
    endField();
    if (!header) {
      records++;
    }
    header = false;
    index = 0;
    quoted = false;
  }

  @Override
  public void close() {
    if (fieldLength > 0 || index > 0) {
      endRecord(); // a last line without a line break
    }
  }
}
