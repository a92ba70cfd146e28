package com.customeranalytics.cli;

/** Wrong command-line usage: exit code 2, the message and the usage text. */
public class UsageException extends RuntimeException {
  private final String usage;

  public UsageException(String message, String usage) {
    super(message);
    this.usage = usage;
  }

  public String usage() {
    return usage;
  }
}
