package com.customeranalytics.cli;

import com.customeranalytics.config.Settings;
import com.customeranalytics.config.SettingsException;
import com.customeranalytics.generate.TransactionGenerator;
import com.customeranalytics.job.InputException;
import com.customeranalytics.job.SparkSessions;
import com.customeranalytics.job.StageFailedException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.apache.spark.sql.SparkSession;

/** Entry point for spark-submit and bin/customer-analytics: args -> settings -> session -> runner. */
public final class Main {
  public static final int OK = 0;
  public static final int FAILED = 1;
  public static final int USAGE = 2;
  public static final int BAD_SETTINGS = 3;
  /** Default --config when none is given (bin/customer-analytics sets it to conf/local.conf). */
  static final String CONFIG_ENV = "CA_CONFIG";

  private Main() {}

  public static void main(String[] args) {
    SparkSession[] made = new SparkSession[1];
    int code = execute(args, System.getenv(), System.out, System.err, settings -> {
      made[0] = SparkSessions.create(settings);
      return made[0];
    });
    if (made[0] != null) {
      made[0].stop();
    }
    if (code != OK) {
      System.exit(code);
    }
  }

  /** Runs one command line; returns the exit code. {@code sessions} builds the SparkSession. */
  public static int execute(String[] args, Map<String, String> env, PrintStream out, PrintStream err,
      Function<Settings, SparkSession> sessions) {
    Invocation inv;
    try {
      inv = Cli.parse(args);
    } catch (UsageException e) {
      err.println("error: " + e.getMessage());
      err.println();
      err.println(e.usage());
      return USAGE;
    }
    try {
      switch (inv.command) {
        case HELP:
          out.println(inv.helpText);
          return OK;
        case GENERATE:
          return generate(inv, out);
        case QUERY:
          Settings qs = settings(inv, env);
          QueryCommand.run(sessions.apply(qs), qs, inv.sql, inv.format, inv.limit, out);
          return OK;
        default:
          Settings rs = settings(inv, env);
          Pipeline.select(rs.stages()); // unknown stage names fail before Spark starts
          String runId = Pipeline.runJob(sessions.apply(rs), rs);
          err.println("Run " + runId + " succeeded; tables under " + rs.warehouse());
          return OK;
      }
    } catch (SettingsException e) {
      err.println("error: " + e.getMessage());
      return BAD_SETTINGS;
    } catch (StageFailedException e) {
      err.println("error: " + e.getMessage());
      return FAILED;
    } catch (InputException e) {
      err.println("error: " + e.getMessage());
      return FAILED;
    } catch (Exception e) { // also checked exceptions that Scala code throws undeclared
      err.println("error: " + StageFailedException.rootMessage(e));
      e.printStackTrace(err);
      return FAILED;
    }
  }

  static Settings settings(Invocation inv, Map<String, String> env) {
    String config = inv.config != null ? inv.config : env.get(CONFIG_ENV);
    if (config != null && config.isBlank()) {
      config = null;
    }
    return Settings.load(config, env, inv.settingOverrides());
  }

  private static int generate(Invocation inv, PrintStream out) {
    Path dir = Paths.get(inv.out);
    long start = System.nanoTime();
    try {
      Path file = new TransactionGenerator(inv.seed).generate(inv.rows, dir,
          TransactionGenerator.Format.valueOf(inv.format.toUpperCase(Locale.ROOT)));
      out.printf(Locale.ROOT, "Wrote %,d rows (seed %d) to %s in %.1f s%n", inv.rows, inv.seed, file,
          (System.nanoTime() - start) / 1e9);
      return OK;
    } catch (java.io.IOException e) {
      throw new InputException("Cannot write " + dir + ": " + e.getMessage(), e);
    }
  }
}
