package com.customeranalytics.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigOrigin;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Typed reads of the resolved settings (keys relative to {@code customer-analytics}). A value
 * that does not fit fails with the key's name and where it was set (file and line, --set, or
 * environment variable).
 */
final class ConfigReader {
  private final Config config;

  ConfigReader(Config config) {
    this.config = config;
  }

  Config config() {
    return config;
  }

  /** An error naming {@code key} and where its value came from. */
  SettingsException error(String key, String problem) {
    String where = config.hasPath(key) ? describe(config.getValue(key).origin()) : "?";
    return new SettingsException("Invalid setting " + key + ": " + problem + " (" + where + ")");
  }

  static String describe(ConfigOrigin o) {
    return o == null ? "?" : o.description();
  }

  String string(String key) {
    return config.getString(key);
  }

  String nonEmpty(String key) {
    String v = config.getString(key);
    if (v.isEmpty()) {
      throw error(key, "must not be empty");
    }
    return v;
  }

  /** Empty (or blank) = not set. */
  Optional<String> optionalString(String key) {
    String v = config.getString(key).trim();
    return v.isEmpty() ? Optional.empty() : Optional.of(v);
  }

  boolean bool(String key) {
    return config.getBoolean(key);
  }

  int integer(String key) {
    return config.getInt(key);
  }

  long longValue(String key) {
    return config.getLong(key);
  }

  double number(String key) {
    return config.getDouble(key);
  }

  long positive(String key) {
    long v = config.getLong(key);
    if (v <= 0) {
      throw error(key, "must be positive, got " + v);
    }
    return v;
  }

  int positiveInt(String key) {
    return (int) positive(key);
  }

  List<String> strings(String key) {
    return Collections.unmodifiableList(config.getStringList(key));
  }

  List<Integer> ints(String key) {
    return Collections.unmodifiableList(config.getIntList(key));
  }

  List<Double> numbers(String key) {
    return Collections.unmodifiableList(config.getDoubleList(key));
  }

  List<Integer> nonEmptyInts(String key) {
    List<Integer> v = ints(key);
    if (v.isEmpty()) {
      throw error(key, "needs at least one value");
    }
    return v;
  }

  /** An enum constant by its name in lower case, '-' for '_' (when-older-than: WHEN_OLDER_THAN). */
  <E extends Enum<E>> E enumValue(String key, Class<E> type) {
    String v = config.getString(key).trim();
    try {
      return Enum.valueOf(type, v.toUpperCase(Locale.ROOT).replace('-', '_'));
    } catch (IllegalArgumentException e) {
      throw error(key, "'" + v + "' is not one of "
          + Arrays.toString(type.getEnumConstants()).toLowerCase(Locale.ROOT).replace('_', '-'));
    }
  }

  Optional<LocalDate> optionalDate(String key) {
    Optional<String> v = optionalString(key);
    if (v.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(LocalDate.parse(v.get()));
    } catch (DateTimeParseException e) {
      throw error(key, "'" + v.get() + "' is not a date (yyyy-MM-dd)");
    }
  }
}
