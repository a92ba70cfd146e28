package com.customeranalytics.testing;

import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The job in a process of its own, as a user starts it: for kills and concurrent runs. */
public final class ChildJob {
  private ChildJob() {}

  /** Starts {@code Main} with {@code args} (e.g. run --stages ...), its output to {@code log}. */
  public static Process start(Path log, String... args) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java");
    cmd.add("-Xmx1g");
    for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (a.startsWith("--add-opens") || a.startsWith("-XX:+IgnoreUnrecognized") || a.startsWith("-Djdk.reflect")) {
        cmd.add(a);
      }
    }
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "com.customeranalytics.cli.Main"));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().put("CA_CONFIG", Path.of(System.getProperty("ca.repo.root"), "conf", "local.conf").toString());
    pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    return pb.start();
  }

  /** Runs {@code Main} with {@code args} to its end (at most 10 minutes); returns its exit code. */
  public static int run(Path log, String... args) throws IOException, InterruptedException {
    Process p = start(log, args);
    if (!p.waitFor(10, java.util.concurrent.TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new IllegalStateException("The child job did not end in 10 minutes; its log: " + log);
    }
    return p.exitValue();
  }
}
