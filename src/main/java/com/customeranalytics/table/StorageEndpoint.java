package com.customeranalytics.table;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/** Names the storage endpoint behind a path, so that errors about unreachable storage say which. */
public final class StorageEndpoint {
  private StorageEndpoint() {}

  /**
   * For s3a:// paths, " (S3 endpoint X)": the endpoint in use (the bucket's own setting first, as
   * S3A does), so a wrong or unreachable endpoint is named in the error; empty for other file systems.
   */
  public static String describe(Path path, Configuration conf) {
    String bucket = path.toUri().getHost();
    if (!"s3a".equals(path.toUri().getScheme()) || bucket == null) {
      return "";
    }
    String endpoint = conf.getTrimmed("fs.s3a.bucket." + bucket + ".endpoint",
        conf.getTrimmed("fs.s3a.endpoint", ""));
    return " (S3 endpoint " + (endpoint.isEmpty() ? "not set: the AWS default" : endpoint) + ")";
  }
}
