package com.customeranalytics.cli;

import com.customeranalytics.clean.CleanStage;
import com.customeranalytics.config.Settings;
import com.customeranalytics.config.SettingsException;
import com.customeranalytics.generate.TransactionGenerator;
import com.customeranalytics.ingest.IngestStage;
import com.customeranalytics.job.InputException;
import com.customeranalytics.job.JobRunner;
import com.customeranalytics.job.Stage;
import com.customeranalytics.job.StageContext;
import com.customeranalytics.ltv.LtvStage;
import com.customeranalytics.nextpurchase.NextPurchaseStage;
import com.customeranalytics.report.ReportStage;
import com.customeranalytics.rfm.RfmStage;
import com.customeranalytics.rollups.RollupsStage;
import com.customeranalytics.segment.SegmentStage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The composition root: which stages exist, in pipeline order, and how a run is wired. */
public final class Pipeline {
  private static final Logger LOG = LoggerFactory.getLogger(Pipeline.class);

  private static final Map<String, Supplier<Stage>> STAGES = new LinkedHashMap<>();

  static {
    STAGES.put(IngestStage.NAME, IngestStage::new);
    STAGES.put(CleanStage.NAME, CleanStage::new);
    STAGES.put(RfmStage.NAME, RfmStage::new);
    STAGES.put(SegmentStage.NAME, SegmentStage::new);
    STAGES.put(LtvStage.NAME, LtvStage::new);
    STAGES.put(NextPurchaseStage.NAME, NextPurchaseStage::new);
    STAGES.put(RollupsStage.NAME, RollupsStage::new);
    STAGES.put(ReportStage.NAME, ReportStage::new);
  }

  /** Stage names in pipeline order. */
  public static final List<String> STAGE_NAMES = Collections.unmodifiableList(new ArrayList<>(STAGES.keySet()));

  private Pipeline() {}

  /** The named stages in pipeline order, whatever order they were given in. */
  public static List<Stage> select(List<String> names) {
    List<Stage> out = new ArrayList<>();
    for (String known : STAGE_NAMES) {
      if (names.contains(known)) {
        out.add(STAGES.get(known).get());
      }
    }
    for (String n : names) {
      if (!STAGES.containsKey(n)) {
        throw new SettingsException("Invalid setting stages: unknown stage '" + n + "'; stages are "
            + String.join(",", STAGE_NAMES));
      }
    }
    return out;
  }

  /** Runs the configured stages on a session; the testable core of {@code run}. */
  public static String runJob(SparkSession spark, Settings settings) {
    List<Stage> stages = select(settings.stages());
    String runId = newRunId();
    String input = stages.stream().anyMatch(s -> s.name().equals(IngestStage.NAME))
        ? resolveInput(settings) : settings.input();
    new JobRunner(stages).run(new StageContext(spark, settings, runId, input));
    return runId;
  }

  static String newRunId() {
    return ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'"))
        + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  /** The configured input, or the built-in sample, generated once into sample.dir. */
  static String resolveInput(Settings s) {
    if (!s.input().isEmpty()) {
      return s.input();
    }
    Path dir = Paths.get(s.sampleDir());
    Path file = dir.resolve("transactions.csv");
    if (Files.isRegularFile(file)) {
      LOG.info("No input configured: using the generated sample {}", file.toAbsolutePath());
      return file.toAbsolutePath().toString();
    }
    LOG.info("No input configured: generating a sample of {} rows (seed {}) into {}", s.sampleRows(),
        s.sampleSeed(), dir.toAbsolutePath());
    try {
      Path tmp = Files.createTempDirectory(Files.createDirectories(dir), ".generating-");
      Path made = new TransactionGenerator(s.sampleSeed()).generate(s.sampleRows(), tmp,
          TransactionGenerator.Format.CSV);
      Files.move(made, file, StandardCopyOption.ATOMIC_MOVE); // never a half-written sample
      Files.delete(tmp);
    } catch (IOException e) {
      throw new InputException("Cannot generate the sample into " + dir + ": " + e.getMessage(), e);
    }
    return file.toAbsolutePath().toString();
  }
}
