package com.customeranalytics.stage.ingest;

/** One input to ingest: a raw file, or a Delta table. */
final class Source {
  enum Kind { CSV, PARQUET, DELTA }

  final String path;
  final Kind kind;
  final long size;
  /** Modification time, epoch milliseconds. */
  final long modifiedAt;

  Source(String path, Kind kind, long size, long modifiedAt) {
    this.path = path;
    this.kind = kind;
    this.size = size;
    this.modifiedAt = modifiedAt;
  }

  @Override
  public String toString() {
    return kind + " " + path;
  }
}
