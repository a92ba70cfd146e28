package com.customeranalytics.config;

/** A setting is missing, unknown or ill-typed; the message names the key and where it came from. */
public class SettingsException extends RuntimeException {
  public SettingsException(String message) {
    super(message);
  }
}
