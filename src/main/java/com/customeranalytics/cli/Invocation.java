package com.customeranalytics.cli;

import java.util.ArrayList;
import java.util.List;

/** A parsed command line. Exactly one of the subcommand kinds; fields unused by it stay null. */
public final class Invocation {
  public enum Command { RUN, GENERATE, QUERY, HELP }

  public Command command;
  /** For HELP: the text to print. */
  public String helpText;

  // run and query
  public String config;
  public String warehouse;
  public final List<String> sets = new ArrayList<>();

  // run
  public List<String> stages;
  public String asOf;
  public String input;
  public boolean fullRefresh;

  // generate
  public long rows;
  public long seed = 42L;
  public String out;
  public String format;

  // query
  public String sql;
  public int limit = 1000;

  /** --set entries for the settings, flags last so they win. */
  public List<String> settingOverrides() {
    List<String> all = new ArrayList<>(sets);
    if (warehouse != null) {
      all.add("warehouse=" + warehouse);
    }
    if (input != null) {
      all.add("input=" + input);
    }
    if (asOf != null) {
      all.add("as-of-date=" + asOf);
    }
    if (fullRefresh) {
      all.add("full-refresh=true");
    }
    if (stages != null) {
      all.add("stages=" + String.join(",", stages));
    }
    return all;
  }
}
