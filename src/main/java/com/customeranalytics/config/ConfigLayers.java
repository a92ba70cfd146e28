package com.customeranalytics.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import com.typesafe.config.ConfigValueType;
import java.io.File;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * How the settings are layered, lowest first: {@code reference.conf} (every key and its
 * default), the {@code --config} file, environment variables for paths, then
 * {@code --set key=value}; then checked against reference.conf, so a missing, unknown or
 * ill-typed key fails with the key's name and the file (or flag) it came from.
 */
final class ConfigLayers {
  static final String ROOT = Settings.ROOT;
  /** Free-form object of Spark/Hadoop keys; its content is not checked against reference.conf. */
  static final String SPARK = "spark";
  /** Spark settings applied only with a catalog database (catalog.spark). */
  static final String CATALOG_SPARK = "catalog.spark";

  private ConfigLayers() {}

  /**
   * The resolved, checked settings under {@code customer-analytics}. {@code configFile} may be null. {@code sets} are
   * {@code key=value} strings, keys relative to {@code customer-analytics} (a key starting with
   * {@code spark.} is a Spark setting).
   */
  static Config load(String configFile, Map<String, String> env, List<String> sets) {
    Config reference = ConfigFactory.parseResources(ConfigLayers.class, "/reference.conf");
    if (reference.isEmpty()) {
      throw new SettingsException("reference.conf is missing from the classpath");
    }
    Config merged = reference;
    if (configFile != null) {
      File f = new File(configFile);
      if (!f.isFile()) {
        throw new SettingsException("Config file not found: " + configFile);
      }
      Config file;
      try {
        file = ConfigFactory.parseFile(f, ConfigParseOptions.defaults().setAllowMissing(false));
      } catch (ConfigException e) {
        throw new SettingsException("Cannot parse config file " + configFile + ": " + e.getMessage());
      }
      merged = file.withFallback(merged);
    }
    for (Map.Entry<String, String> e : new TreeMap<>(Settings.ENV_OVERRIDES).entrySet()) {
      String value = env.get(e.getKey());
      if (value != null && !value.isBlank()) {
        merged = merged.withValue(ROOT + "." + e.getValue(),
            ConfigValueFactory.fromAnyRef(value, "environment variable " + e.getKey()));
      }
    }
    for (String set : sets) {
      merged = applySet(merged, reference, set);
    }
    Config resolved;
    try {
      resolved = merged.resolve();
    } catch (ConfigException e) {
      throw new SettingsException("Cannot resolve settings: " + e.getMessage());
    }
    rejectUnknownKeys(resolved, reference);
    try {
      resolved.checkValid(reference, ROOT);
      return resolved.getConfig(ROOT);
    } catch (ConfigException.ValidationFailed e) {
      StringBuilder sb = new StringBuilder("Invalid settings:");
      e.problems().forEach(p -> sb.append("\n  ").append(p.path()).append(": ").append(p.problem())
          .append(" (").append(p.origin() == null ? "?" : p.origin().description()).append(')'));
      throw new SettingsException(sb.toString());
    } catch (ConfigException e) {
      throw new SettingsException("Invalid setting: " + e.getMessage());
    }
  }

  private static Config applySet(Config merged, Config reference, String set) {
    int eq = set.indexOf('=');
    if (eq <= 0) {
      throw new SettingsException("--set expects key=value, got '" + set + "'");
    }
    String key = set.substring(0, eq).trim();
    String value = set.substring(eq + 1).trim();
    if (key.startsWith(ROOT + ".")) {
      key = key.substring(ROOT.length() + 1);
    }
    String origin = "--set " + key;
    if (key.startsWith("spark.")) {
      // Spark keys contain dots: address them as one quoted key inside the spark object.
      return merged.withValue(ROOT + "." + SPARK + ".\"" + key + "\"",
          ConfigValueFactory.fromAnyRef(value, origin));
    }
    if (key.startsWith(CATALOG_SPARK + ".spark.")) {
      return merged.withValue(ROOT + "." + CATALOG_SPARK + ".\"" + key.substring(CATALOG_SPARK.length() + 1)
          + "\"", ConfigValueFactory.fromAnyRef(value, origin));
    }
    String path = ROOT + "." + key;
    ConfigValue v;
    if (reference.hasPath(path) && reference.getValue(path).valueType() == ConfigValueType.LIST
        && !value.startsWith("[")) {
      List<String> items = new ArrayList<>();
      for (String s : value.split(",")) {
        if (!s.isBlank()) {
          items.add(s.trim());
        }
      }
      v = ConfigValueFactory.fromIterable(items, origin);
    } else if (value.startsWith("[") || value.startsWith("{")) {
      try {
        v = ConfigFactory.parseString("v = " + value).getValue("v");
      } catch (ConfigException e) {
        throw new SettingsException("Cannot parse " + origin + "=" + value + ": " + e.getMessage());
      }
    } else {
      v = ConfigValueFactory.fromAnyRef(value, origin);
    }
    try {
      return merged.withValue(path, v.withOrigin(v.origin().withComments(null)));
    } catch (ConfigException e) {
      throw new SettingsException("Bad --set key '" + key + "': " + e.getMessage());
    }
  }

  /** Any key not in reference.conf is a typo or a stale option: fail rather than ignore it. */
  private static void rejectUnknownKeys(Config resolved, Config reference) {
    if (!resolved.hasPath(ROOT)) {
      return;
    }
    List<String> problems = new ArrayList<>();
    for (Map.Entry<String, ConfigValue> e : resolved.getConfig(ROOT).entrySet()) {
      String key = e.getKey();
      if (key.equals(SPARK) || key.startsWith(SPARK + ".") || key.startsWith(CATALOG_SPARK + ".")) {
        continue;
      }
      if (!reference.hasPath(ROOT + "." + key)) {
        problems.add(key + ": unknown key (" + ConfigReader.describe(e.getValue().origin()) + ")");
      }
    }
    for (String top : resolved.root().keySet()) {
      if (!top.equals(ROOT) && reference.root().containsKey(ROOT)
          && resolved.getValue(top).origin().filename() != null) {
        problems.add(top + ": unknown top-level key, settings live under '" + ROOT + "' ("
            + ConfigReader.describe(resolved.getValue(top).origin()) + ")");
      }
    }
    if (!problems.isEmpty()) {
      Collections.sort(problems);
      throw new SettingsException("Invalid settings:\n  " + String.join("\n  ", problems));
    }
  }
}
