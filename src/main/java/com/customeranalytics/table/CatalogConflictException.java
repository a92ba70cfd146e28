package com.customeranalytics.table;

/** The catalog cannot take a table: a name registered elsewhere, or no persistent catalog. */
public final class CatalogConflictException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  public CatalogConflictException(String message) {
    super(message);
  }
}
