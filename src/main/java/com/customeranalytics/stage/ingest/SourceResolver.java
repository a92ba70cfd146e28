package com.customeranalytics.stage.ingest;

import com.customeranalytics.config.Settings.InputFormat;
import com.customeranalytics.job.InputException;
import com.customeranalytics.table.StorageEndpoint;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;

/** Expands the configured input (a file, a folder or a glob) into sources, sorted by path. */
final class SourceResolver {
  private SourceResolver() {}

  static List<Source> resolve(String input, InputFormat format, Configuration conf) {
    Path pattern = new Path(input);
    List<Source> sources = new ArrayList<>();
    try {
      FileSystem fs = pattern.getFileSystem(conf);
      FileStatus[] matches = fs.globStatus(pattern);
      if (matches == null || matches.length == 0) {
        throw new InputException("Input not found: " + input);
      }
      for (FileStatus m : matches) {
        if (m.isDirectory()) {
          if (format == InputFormat.DELTA || fs.exists(new Path(m.getPath(), "_delta_log"))) {
            sources.add(new Source(m.getPath().toString(), Source.Kind.DELTA, 0L, m.getModificationTime()));
            continue;
          }
          RemoteIterator<LocatedFileStatus> it = fs.listFiles(m.getPath(), true);
          while (it.hasNext()) {
            LocatedFileStatus f = it.next();
            if (!hidden(m.getPath(), f.getPath())) {
              add(sources, f, format, input);
            }
          }
        } else {
          add(sources, m, format, input);
        }
      }
    } catch (IOException e) {
      throw new InputException("Cannot read input " + input + StorageEndpoint.describe(pattern, conf) + ": "
          + e.getMessage(), e);
    }
    if (sources.isEmpty()) {
      throw new InputException("Input " + input + " holds no data files");
    }
    sources.sort((a, b) -> a.path.compareTo(b.path));
    return sources;
  }

  /** Files and folders starting with '_' or '.' (e.g. _SUCCESS, .crc) are not data. */
  private static boolean hidden(Path root, Path file) {
    String rel = file.toUri().getPath().substring(root.toUri().getPath().length());
    for (String part : rel.split("/")) {
      if (part.startsWith("_") || part.startsWith(".")) {
        return true;
      }
    }
    return false;
  }

  private static void add(List<Source> sources, FileStatus f, InputFormat format, String input) {
    Source.Kind kind = kindOf(f.getPath().getName(), format);
    if (kind == null) {
      throw new InputException("Cannot tell the format of " + f.getPath() + " (input " + input
          + "): name it .csv, .csv.gz or .parquet, or set input-format");
    }
    sources.add(new Source(f.getPath().toString(), kind, f.getLen(), f.getModificationTime()));
  }

  static Source.Kind kindOf(String name, InputFormat format) {
    switch (format) {
      case CSV:
        return Source.Kind.CSV;
      case PARQUET:
        return Source.Kind.PARQUET;
      case DELTA:
        return Source.Kind.DELTA;
      default:
        String n = name.toLowerCase(Locale.ROOT);
        if (n.endsWith(".parquet")) {
          return Source.Kind.PARQUET;
        }
        if (n.endsWith(".csv") || n.endsWith(".csv.gz") || n.endsWith(".txt") || n.endsWith(".tsv")
            || n.endsWith(".gz") || n.endsWith(".csv.bz2")) {
          return Source.Kind.CSV;
        }
        return null;
    }
  }
}
