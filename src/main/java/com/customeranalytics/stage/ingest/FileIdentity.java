package com.customeranalytics.stage.ingest;

import com.customeranalytics.job.InputException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.compress.CompressionCodec;
import org.apache.hadoop.io.compress.CompressionCodecFactory;

/**
 * A source file's identity by content: the SHA-256 of its bytes as stored, so a re-sent copy under
 * another name and an edited file are both told apart from what was ingested. Streamed: memory
 * does not grow with the file.
 */
final class FileIdentity {
  private FileIdentity() {}

  /** A compressed file that does not decompress to its end (truncated or damaged). */
  static final class CorruptFileException extends Exception {
    private static final long serialVersionUID = 1L;

    CorruptFileException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /**
   * The checksum of {@code file}'s bytes. A compressed file is also decompressed to its end in
   * the same pass, so a truncated one is caught here, by name, before Spark reads any of it.
   */
  static String sha256(String file, Configuration conf) throws CorruptFileException {
    return sha256(file, conf, null);
  }

  /**
   * As {@link #sha256(String, Configuration)}; the file's content (decompressed) is also written
   * to {@code content} when it is not null, so other checks need not read the file again.
   */
  static String sha256(String file, Configuration conf, OutputStream content) throws CorruptFileException {
    Path p = new Path(file);
    CompressionCodec codec = new CompressionCodecFactory(conf).getCodec(p);
    MessageDigest md = sha256();
    try (FSDataInputStream raw = p.getFileSystem(conf).open(p)) {
      DigestInputStream in = new DigestInputStream(raw, md);
      if (codec == null) {
        drain(in, content);
      } else {
        try { // not closed here: that would close the file before its last bytes are hashed
          drain(codec.createInputStream(in), content);
        } catch (IOException | RuntimeException e) {
          throw new CorruptFileException(String.format("%s does not decompress to its end (%s): it was"
              + " probably truncated or damaged in transfer", file, e.getMessage() == null
              ? e.getClass().getSimpleName() : e.getMessage()), e);
        }
        drain(in, null); // bytes after the compressed stream, so the checksum covers the whole file
      }
      StringBuilder hex = new StringBuilder("sha256:");
      for (byte b : md.digest()) {
        hex.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
      }
      return hex.toString();
    } catch (IOException e) {
      throw new InputException("Cannot read input file " + file + " to check its content: " + e.getMessage(), e);
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("This JVM has no SHA-256", e);
    }
  }

  private static void drain(InputStream in, OutputStream content) throws IOException {
    byte[] buf = new byte[1 << 20];
    int n;
    while ((n = in.read(buf)) >= 0) { // the digest stream sees every byte
      if (content != null) {
        content.write(buf, 0, n);
      }
    }
    if (content != null) {
      content.close();
    }
  }
}
