package com.customeranalytics.ingest;

import com.customeranalytics.job.InputException;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.Path;

/**
 * A source file's identity by content: the SHA-256 of its bytes as stored (compressed files are
 * not decompressed), so a re-sent copy under another name and an edited file are both told apart
 * from what was ingested. Streamed: memory does not grow with the file.
 */
final class FileIdentity {
  private FileIdentity() {}

  static String sha256(String file, Configuration conf) {
    Path p = new Path(file);
    try (FSDataInputStream in = p.getFileSystem(conf).open(p)) {
      StringBuilder hex = new StringBuilder("sha256:");
      for (byte b : digest(in)) {
        hex.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
      }
      return hex.toString();
    } catch (IOException e) {
      throw new InputException("Cannot read input file " + file + " to check its content: " + e.getMessage(), e);
    }
  }

  private static byte[] digest(InputStream in) throws IOException {
    MessageDigest md;
    try {
      md = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("This JVM has no SHA-256", e);
    }
    byte[] buf = new byte[1 << 20];
    for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
      md.update(buf, 0, n);
    }
    return md.digest();
  }
}
