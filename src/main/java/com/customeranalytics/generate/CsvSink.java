package com.customeranalytics.generate;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;

/** RFC 4180 CSV with the UCI header; streams, so memory does not grow with rows. */
final class CsvSink implements RowSink {
  static final String HEADER =
      "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country";
  private final Writer out;

  CsvSink(OutputStream os) throws IOException {
    this.out = new BufferedWriter(new OutputStreamWriter(os, StandardCharsets.UTF_8), 1 << 20);
    out.write(HEADER);
    out.write('\n');
  }

  @Override
  public void row(String[] f) throws IOException {
    for (int i = 0; i < f.length; i++) {
      if (i > 0) {
        out.write(',');
      }
      if (f[i] != null) {
        writeField(f[i]);
      }
    }
    out.write('\n');
  }

  @Override
  public void malformed(String rawLine, String[] fields) throws IOException {
    out.write(rawLine);
    out.write('\n');
  }

  private void writeField(String v) throws IOException {
    boolean quote = v.indexOf(',') >= 0 || v.indexOf('"') >= 0 || v.indexOf('\n') >= 0;
    if (!quote) {
      out.write(v);
      return;
    }
    out.write('"');
    out.write(v.replace("\"", "\"\""));
    out.write('"');
  }

  @Override
  public void close() throws IOException {
    out.close();
  }
}
