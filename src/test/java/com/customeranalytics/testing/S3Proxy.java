package com.customeranalytics.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;

/**
 * An S3 endpoint for tests: S3Proxy with its filesystem store, as a child JVM on 127.0.0.1
 * (in-process its Jetty clashes with Spark's servlet jars). The jar comes from Maven
 * (maven-dependency-plugin copies it to target/, surefire passes its path as {@value #JAR_PROPERTY}).
 */
public final class S3Proxy implements AutoCloseable {
  /** System property holding the path of the s3proxy jar-with-dependencies. */
  public static final String JAR_PROPERTY = "ca.s3proxy.jar";
  /** Dummy keys, for tests only: S3Proxy checks request signatures against them. */
  public static final String ACCESS_KEY = "test-access-key";
  public static final String SECRET_KEY = "test-secret-key";
  /** Any region: S3Proxy ignores it, but S3A's signer needs one. */
  public static final String REGION = "us-east-1";
  private static final String HOST = "127.0.0.1";
  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

  private final Process process;
  private final int port;
  private final Path store;
  private final Path log;
  private final Thread killOnExit;

  private S3Proxy(Process process, int port, Path store, Path log) {
    this.process = process;
    this.port = port;
    this.store = store;
    this.log = log;
    // If the test JVM dies before @AfterAll, do not leave a server behind.
    this.killOnExit = new Thread(process::destroyForcibly, "s3proxy-kill");
    Runtime.getRuntime().addShutdownHook(killOnExit);
  }

  /** Starts S3Proxy on a free port with the given buckets (empty) and waits until it listens. */
  public static S3Proxy start(String... buckets) {
    String jar = System.getProperty(JAR_PROPERTY);
    if (jar == null || !Files.isRegularFile(Paths.get(jar))) {
      throw new IllegalStateException("S3Proxy jar not found (system property " + JAR_PROPERTY + " = "
          + jar + "): run the tests through Maven, which copies it to target/");
    }
    Path dir = SparkTest.tempDir("s3proxy");
    Path store = dir.resolve("store");
    Path props = dir.resolve("s3proxy.properties");
    Path log = dir.resolve("s3proxy.log");
    int port = freePort();
    try {
      for (String b : buckets) {
        Files.createDirectories(store.resolve(b)); // the filesystem store: a bucket is a folder
      }
      Files.write(props, String.join("\n",
          "s3proxy.endpoint=http://" + HOST + ":" + port,
          "s3proxy.authorization=aws-v2-or-v4",
          "s3proxy.identity=" + ACCESS_KEY,
          "s3proxy.credential=" + SECRET_KEY,
          "jclouds.provider=filesystem",
          "jclouds.filesystem.basedir=" + store, "").getBytes(StandardCharsets.UTF_8));
      List<String> cmd = new ArrayList<>();
      cmd.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
      cmd.add("-Xmx256m");
      cmd.add("-jar");
      cmd.add(jar);
      cmd.add("--properties");
      cmd.add(props.toString());
      ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
          .redirectOutput(log.toFile());
      pb.environment().put("LOG_LEVEL", "warn"); // S3Proxy's logback: one line per request otherwise
      S3Proxy proxy = new S3Proxy(pb.start(), port, store, log);
      proxy.awaitListening();
      return proxy;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot start S3Proxy", e);
    }
  }

  private void awaitListening() {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        close();
        throw new IllegalStateException("S3Proxy exited with code " + process.exitValue() + ":\n" + logText());
      }
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(HOST, port), 200);
        return;
      } catch (IOException notYet) {
        sleep(100);
      }
    }
    close();
    throw new IllegalStateException("S3Proxy did not listen on " + endpoint() + " within "
        + START_TIMEOUT.getSeconds() + " s:\n" + logText());
  }

  public String endpoint() {
    return "http://" + HOST + ":" + port;
  }

  /** Where the store keeps an object (bucket/key), to check that data really went through S3. */
  public Path storedObject(String bucket, String key) {
    return store.resolve(bucket).resolve(key);
  }

  /** S3Proxy's own output (startup problems, request errors). */
  public String logText() {
    try {
      return Files.isRegularFile(log) ? new String(Files.readAllBytes(log), StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      return "(cannot read " + log + ": " + e.getMessage() + ")";
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    try {
      Runtime.getRuntime().removeShutdownHook(killOnExit);
    } catch (IllegalStateException shuttingDown) {
      // the hook runs anyway; nothing to undo
    }
  }

  /**
   * Points {@code s3a://bucket} at {@code endpoint}. Per-bucket keys (fs.s3a.bucket.NAME.*), so
   * the shared session's other tests and buckets are unaffected. Retries and timeouts are capped
   * so that a wrong endpoint fails in seconds instead of S3A's default minutes of retrying.
   */
  public static void configureBucket(Configuration conf, String bucket, String endpoint) {
    String p = "fs.s3a.bucket." + bucket + ".";
    conf.set(p + "endpoint", endpoint);
    conf.set(p + "endpoint.region", REGION);
    conf.set(p + "path.style.access", "true");
    conf.set(p + "connection.ssl.enabled", "false");
    conf.set(p + "aws.credentials.provider", "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider");
    conf.set(p + "access.key", ACCESS_KEY);
    conf.set(p + "secret.key", SECRET_KEY);
    // S3Proxy leaves a bulk DeleteObjects request unanswered until its idle timeout (gaul/s3proxy
    // issue 297): delete one key at a time, and keep directory markers so that each write does not
    // delete its parents' markers at all.
    conf.set(p + "multiobjectdelete.enable", "false");
    conf.set(p + "directory.marker.retention", "keep");
    conf.set(p + "attempts.maximum", "1");               // AWS SDK retries per request
    conf.set(p + "retry.limit", "1");                    // S3A retries on top of the SDK's
    conf.set(p + "retry.interval", "100ms");
    conf.set(p + "retry.throttle.limit", "1");
    conf.set(p + "connection.establish.timeout", "2000"); // ms
    conf.set(p + "connection.timeout", "10000");          // ms, socket read
  }

  /** A port nothing listens on right now (the OS picks it; tiny race, fine for tests). */
  public static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName(HOST))) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while waiting for S3Proxy", e);
    }
  }
}
