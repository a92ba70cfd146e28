package com.customeranalytics.job;

/** Bad or missing input: the message names the path, file, row or key; no stack trace needed. */
public class InputException extends RuntimeException {
  public InputException(String message) {
    super(message);
  }

  public InputException(String message, Throwable cause) {
    super(message, cause);
  }
}
