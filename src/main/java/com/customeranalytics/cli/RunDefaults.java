package com.customeranalytics.cli;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.to_date;

import com.customeranalytics.config.Settings;
import com.customeranalytics.generate.TransactionGenerator;
import com.customeranalytics.job.InputException;
import com.customeranalytics.job.RunInputs;
import com.customeranalytics.table.Columns;
import com.customeranalytics.table.TableStore;
import com.customeranalytics.table.Tables;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.time.LocalDate;
import org.apache.spark.sql.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pipeline's answers to what a run leaves open: with no input configured, the built-in
 * sample (generated once into sample.dir, when ingest first asks for it); with no as-of date,
 * the date of the latest sale in silver_sales.
 */
final class RunDefaults implements RunInputs {
  private static final Logger LOG = LoggerFactory.getLogger(RunDefaults.class);

  private final Settings settings;
  private String input;

  RunDefaults(Settings settings) {
    this.settings = settings;
  }

  @Override
  public synchronized String input() {
    if (input == null) {
      input = resolveInput(settings);
    }
    return input;
  }

  @Override
  public LocalDate defaultAsOf(TableStore tables) {
    Row r = tables.read(Tables.SILVER_SALES).agg(max(to_date(col(Columns.INVOICE_TS)))).head();
    if (r.isNullAt(0)) {
      throw new InputException("No sales in " + Tables.SILVER_SALES + " to take an as-of date from;"
          + " pass --as-of YYYY-MM-DD");
    }
    return r.getDate(0).toLocalDate();
  }

  /** The configured input, or the built-in sample, generated once into sample.dir. */
  static String resolveInput(Settings s) {
    if (!s.input().isEmpty()) {
      return s.input();
    }
    Path dir = Paths.get(s.sample().dir);
    Path file = dir.resolve("transactions.csv");
    if (Files.isRegularFile(file)) {
      LOG.info("No input configured: using the generated sample {}", file.toAbsolutePath());
      return file.toAbsolutePath().toString();
    }
    LOG.info("No input configured: generating a sample of {} rows (seed {}) into {}", s.sample().rows,
        s.sample().seed, dir.toAbsolutePath());
    try {
      Path tmp = Files.createTempDirectory(Files.createDirectories(dir), ".generating-");
      Path made = new TransactionGenerator(s.sample().seed).generate(s.sample().rows, tmp,
          TransactionGenerator.Format.CSV);
      Files.move(made, file, StandardCopyOption.ATOMIC_MOVE); // never a half-written sample
      Files.delete(tmp);
    } catch (IOException e) {
      throw new InputException("Cannot generate the sample into " + dir + ": " + e.getMessage(), e);
    }
    return file.toAbsolutePath().toString();
  }
}
