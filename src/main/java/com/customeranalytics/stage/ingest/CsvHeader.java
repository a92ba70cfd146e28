package com.customeranalytics.stage.ingest;

import com.customeranalytics.job.InputException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.compress.CompressionCodec;
import org.apache.hadoop.io.compress.CompressionCodecFactory;

/**
 * A CSV file's header line and how its columns map onto ours. Read per file, so folders mixing
 * UCI and Online Retail II files (or files with reordered columns) ingest correctly.
 */
final class CsvHeader {
  private static final int MAX_HEADER_BYTES = 1 << 16;

  /** The header line as read (BOM and line end removed); null for an empty file. */
  final String line;
  /** Header column names in file order. */
  final List<String> names;
  /** Our column -> header name, for every column found. */
  final Map<String, String> mapping;
  /** Our columns the header lacks. */
  final List<String> missing;

  private CsvHeader(String line, List<String> names, Map<String, String> mapping, List<String> missing) {
    this.line = line;
    this.names = names;
    this.mapping = mapping;
    this.missing = missing;
  }

  boolean isEmptyFile() {
    return line == null;
  }

  boolean isKnown() {
    return line != null && missing.isEmpty();
  }

  static CsvHeader read(String file, Configuration conf, String encoding, String delimiter,
      Map<String, List<String>> aliases) {
    Path path = new Path(file);
    String line;
    try {
      FileSystem fs = path.getFileSystem(conf);
      CompressionCodec codec = new CompressionCodecFactory(conf).getCodec(path);
      try (InputStream raw = fs.open(path);
           InputStream in = codec == null ? raw : codec.createInputStream(raw)) {
        line = firstLine(in, Charset.forName(encoding));
      }
    } catch (IOException e) {
      throw new InputException("Cannot read " + file + ": " + e.getMessage(), e);
    }
    return parse(line, delimiter, aliases);
  }

  static CsvHeader parse(String line, String delimiter, Map<String, List<String>> aliases) {
    if (line == null) {
      return new CsvHeader(null, List.of(), Map.of(), new ArrayList<>(aliases.keySet()));
    }
    List<String> names = split(line, delimiter.charAt(0));
    Map<String, String> mapping = new LinkedHashMap<>();
    List<String> missing = new ArrayList<>();
    for (Map.Entry<String, List<String>> e : aliases.entrySet()) {
      String found = null;
      for (String alias : e.getValue()) {
        for (String name : names) {
          if (name.trim().equalsIgnoreCase(alias.trim())) {
            found = name;
            break;
          }
        }
        if (found != null) {
          break;
        }
      }
      if (found == null) {
        missing.add(e.getKey());
      } else {
        mapping.put(e.getKey(), found);
      }
    }
    return new CsvHeader(line, names, mapping, missing);
  }

  /** First line of the stream; null when the stream is empty. */
  private static String firstLine(InputStream in, Charset cs) throws IOException {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    int b;
    boolean any = false;
    while ((b = in.read()) != -1 && b != '\n' && buf.size() < MAX_HEADER_BYTES) {
      any = true;
      buf.write(b);
    }
    if (!any && b == -1) {
      return null;
    }
    String s = new String(buf.toByteArray(), cs);
    if (s.startsWith("\uFEFF")) {
      s = s.substring(1); // byte-order mark
    }
    if (s.endsWith("\r")) {
      s = s.substring(0, s.length() - 1);
    }
    return s;
  }

  /** Splits a header line on the delimiter, honouring double quotes. */
  static List<String> split(String line, char delimiter) {
    List<String> out = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (c == '"') {
        if (quoted && i + 1 < line.length() && line.charAt(i + 1) == '"') {
          cur.append('"');
          i++;
        } else {
          quoted = !quoted;
        }
      } else if (c == delimiter && !quoted) {
        out.add(cur.toString());
        cur.setLength(0);
      } else {
        cur.append(c);
      }
    }
    out.add(cur.toString());
    return out;
  }

  /** Header names made unique (Spark needs distinct field names), in file order. */
  List<String> uniqueNames() {
    List<String> out = new ArrayList<>();
    for (String n : names) {
      String name = n.isEmpty() ? "_c" + out.size() : n;
      String candidate = name;
      int k = 1;
      while (containsIgnoreCase(out, candidate)) {
        candidate = name + "_" + k++;
      }
      out.add(candidate);
    }
    return out;
  }

  private static boolean containsIgnoreCase(List<String> list, String s) {
    for (String x : list) {
      if (x.toLowerCase(Locale.ROOT).equals(s.toLowerCase(Locale.ROOT))) {
        return true;
      }
    }
    return false;
  }
}
