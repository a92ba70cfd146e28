package com.customeranalytics.cli;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** Parses the command line. Pure: no Spark, no I/O, so the DAG's arguments can be tested here. */
public final class Cli {
  private Cli() {}

  static final String MAIN_USAGE = String.join("\n",
      "Usage: customer-analytics <command> [options]",
      "",
      "Commands:",
      "  run       run pipeline stages (ingest, clean, ...) into the warehouse",
      "  generate  write a synthetic Online Retail-shaped input file",
      "  query     run Spark SQL over the warehouse tables",
      "",
      "Run 'customer-analytics <command> --help' for a command's options.");

  static final String RUN_USAGE = String.join("\n",
      "Usage: customer-analytics run [--stages a,b,...] [--as-of YYYY-MM-DD] [--input PATH]",
      "                              [--full-refresh] [--warehouse PATH] [--config FILE]",
      "                              [--set key=value ...]",
      "",
      "  --stages a,b,...    stages to run, in pipeline order (default: all): " ,
      "                      " + String.join(",", Pipeline.STAGE_NAMES),
      "  --as-of YYYY-MM-DD  as-of date for customer-level stages (default: latest sale date)",
      "  --input PATH        raw input: file, folder or glob; CSV(.gz), Parquet or Delta",
      "                      (default: a generated sample, created once)",
      "  --full-refresh      rebuild every table from all of bronze (default: clean only",
      "                      classifies the ingest runs it has not classified yet)",
      "  --warehouse PATH    root of the output tables (local, s3a://, gs://)",
      "  --config FILE       settings file overlaying reference.conf (default: $CA_CONFIG)",
      "  --set key=value     override any setting, e.g. --set sample.rows=100000",
      "                      or a Spark setting: --set spark.sql.shuffle.partitions=16",
      "",
      "Exit codes: 0 ok, 1 a stage failed, 2 wrong usage, 3 invalid settings.");

  static final String GENERATE_USAGE = String.join("\n",
      "Usage: customer-analytics generate --rows N [--seed S] --out DIR [--format csv|parquet]",
      "",
      "  --rows N          rows to write (exactly N lines after the header)",
      "  --seed S          random seed (default 42); the same seed gives the same bytes",
      "  --out DIR         output folder; writes DIR/transactions.csv (or .parquet)",
      "  --format F        csv (default) or parquet");

  static final String QUERY_USAGE = String.join("\n",
      "Usage: customer-analytics query [--warehouse PATH] [--format csv|json|table] [--limit N]",
      "                                [--config FILE] [--set key=value ...] \"SQL\"",
      "",
      "Every table under the warehouse is registered under its own name, e.g.",
      "  customer-analytics query \"SELECT count(*) AS n FROM bronze_transactions\"",
      "",
      "  --format F        csv (default, with a header row), json (one object per line), table",
      "  --limit N         rows shown by --format table (default 1000)");

  public static Invocation parse(String[] args) {
    if (args.length == 0) {
      throw new UsageException("No command given", MAIN_USAGE);
    }
    String cmd = args[0];
    List<String> rest = new ArrayList<>(Arrays.asList(args).subList(1, args.length));
    Invocation inv = new Invocation();
    switch (cmd) {
      case "-h":
      case "--help":
      case "help":
        return help(MAIN_USAGE);
      case "run":
        inv.command = Invocation.Command.RUN;
        return parseRun(rest, inv);
      case "generate":
        inv.command = Invocation.Command.GENERATE;
        return parseGenerate(rest, inv);
      case "query":
        inv.command = Invocation.Command.QUERY;
        return parseQuery(rest, inv);
      default:
        throw new UsageException("Unknown command '" + cmd + "'", MAIN_USAGE);
    }
  }

  private static Invocation help(String text) {
    Invocation inv = new Invocation();
    inv.command = Invocation.Command.HELP;
    inv.helpText = text;
    return inv;
  }

  private static Invocation parseRun(List<String> a, Invocation inv) {
    for (int i = 0; i < a.size(); i++) {
      String opt = a.get(i);
      switch (opt) {
        case "-h":
        case "--help":
          return help(RUN_USAGE);
        case "--stages":
          inv.stages = stages(value(a, ++i, opt, RUN_USAGE));
          break;
        case "--as-of":
          inv.asOf = date(value(a, ++i, opt, RUN_USAGE));
          break;
        case "--input":
          inv.input = value(a, ++i, opt, RUN_USAGE);
          break;
        case "--full-refresh":
          inv.fullRefresh = true;
          break;
        case "--warehouse":
          inv.warehouse = value(a, ++i, opt, RUN_USAGE);
          break;
        case "--config":
          inv.config = value(a, ++i, opt, RUN_USAGE);
          break;
        case "--set":
          inv.sets.add(set(value(a, ++i, opt, RUN_USAGE), RUN_USAGE));
          break;
        default:
          throw new UsageException("Unknown option '" + opt + "' for run", RUN_USAGE);
      }
    }
    return inv;
  }

  private static Invocation parseGenerate(List<String> a, Invocation inv) {
    inv.format = "csv";
    boolean rowsGiven = false;
    for (int i = 0; i < a.size(); i++) {
      String opt = a.get(i);
      switch (opt) {
        case "-h":
        case "--help":
          return help(GENERATE_USAGE);
        case "--rows":
          inv.rows = positiveLong(value(a, ++i, opt, GENERATE_USAGE), opt, GENERATE_USAGE);
          rowsGiven = true;
          break;
        case "--seed":
          inv.seed = longValue(value(a, ++i, opt, GENERATE_USAGE), opt, GENERATE_USAGE);
          break;
        case "--out":
          inv.out = value(a, ++i, opt, GENERATE_USAGE);
          break;
        case "--format":
          inv.format = oneOf(value(a, ++i, opt, GENERATE_USAGE), opt, GENERATE_USAGE, "csv", "parquet");
          break;
        default:
          throw new UsageException("Unknown option '" + opt + "' for generate", GENERATE_USAGE);
      }
    }
    if (!rowsGiven) {
      throw new UsageException("generate needs --rows N", GENERATE_USAGE);
    }
    if (inv.out == null) {
      throw new UsageException("generate needs --out DIR", GENERATE_USAGE);
    }
    return inv;
  }

  private static Invocation parseQuery(List<String> a, Invocation inv) {
    inv.format = "csv";
    for (int i = 0; i < a.size(); i++) {
      String opt = a.get(i);
      switch (opt) {
        case "-h":
        case "--help":
          return help(QUERY_USAGE);
        case "--warehouse":
          inv.warehouse = value(a, ++i, opt, QUERY_USAGE);
          break;
        case "--format":
          inv.format = oneOf(value(a, ++i, opt, QUERY_USAGE), opt, QUERY_USAGE, "csv", "json", "table");
          break;
        case "--limit":
          inv.limit = (int) positiveLong(value(a, ++i, opt, QUERY_USAGE), opt, QUERY_USAGE);
          break;
        case "--config":
          inv.config = value(a, ++i, opt, QUERY_USAGE);
          break;
        case "--set":
          inv.sets.add(set(value(a, ++i, opt, QUERY_USAGE), QUERY_USAGE));
          break;
        default:
          if (opt.startsWith("--")) {
            throw new UsageException("Unknown option '" + opt + "' for query", QUERY_USAGE);
          }
          if (inv.sql != null) {
            throw new UsageException("query takes one SQL string (quote it)", QUERY_USAGE);
          }
          inv.sql = opt;
      }
    }
    if (inv.sql == null || inv.sql.isBlank()) {
      throw new UsageException("query needs a SQL string", QUERY_USAGE);
    }
    return inv;
  }

  private static String value(List<String> a, int i, String opt, String usage) {
    if (i >= a.size() || a.get(i).startsWith("--")) {
      throw new UsageException("Option " + opt + " needs a value", usage);
    }
    return a.get(i);
  }

  private static List<String> stages(String v) {
    List<String> out = new ArrayList<>();
    for (String s : v.split(",")) {
      String name = s.trim().toLowerCase(Locale.ROOT).replace('-', '_');
      if (name.isEmpty()) {
        continue;
      }
      if (!Pipeline.STAGE_NAMES.contains(name)) {
        throw new UsageException("Unknown stage '" + s.trim() + "'; stages are "
            + String.join(",", Pipeline.STAGE_NAMES), RUN_USAGE);
      }
      out.add(name);
    }
    if (out.isEmpty()) {
      throw new UsageException("--stages needs at least one stage", RUN_USAGE);
    }
    return out;
  }

  private static String date(String v) {
    try {
      return LocalDate.parse(v).toString();
    } catch (DateTimeParseException e) {
      throw new UsageException("--as-of expects YYYY-MM-DD, got '" + v + "'", RUN_USAGE);
    }
  }

  private static String set(String v, String usage) {
    if (v.indexOf('=') <= 0) {
      throw new UsageException("--set expects key=value, got '" + v + "'", usage);
    }
    return v;
  }

  private static long longValue(String v, String opt, String usage) {
    try {
      return Long.parseLong(v.replace("_", ""));
    } catch (NumberFormatException e) {
      throw new UsageException(opt + " expects a number, got '" + v + "'", usage);
    }
  }

  private static long positiveLong(String v, String opt, String usage) {
    long n = longValue(v, opt, usage);
    if (n <= 0) {
      throw new UsageException(opt + " must be positive, got " + n, usage);
    }
    return n;
  }

  private static String oneOf(String v, String opt, String usage, String... allowed) {
    String lower = v.toLowerCase(Locale.ROOT);
    if (!Arrays.asList(allowed).contains(lower)) {
      throw new UsageException(opt + " must be one of " + String.join("|", allowed) + ", got '" + v
          + "'", usage);
    }
    return lower;
  }
}
