package com.customeranalytics.cli;

import com.customeranalytics.config.Settings;
import com.customeranalytics.config.SettingsException;
import com.customeranalytics.job.JobRunner;
import com.customeranalytics.job.Stage;
import com.customeranalytics.job.StageContext;
import com.customeranalytics.stage.clean.CleanStage;
import com.customeranalytics.stage.clv.ClvStage;
import com.customeranalytics.stage.ingest.IngestStage;
import com.customeranalytics.stage.ltv.LtvStage;
import com.customeranalytics.stage.nextpurchase.NextPurchaseStage;
import com.customeranalytics.stage.report.ReportStage;
import com.customeranalytics.stage.rfm.RfmStage;
import com.customeranalytics.stage.rollups.RollupsStage;
import com.customeranalytics.stage.segment.SegmentStage;
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

/** The composition root: which stages exist, in pipeline order, and how a run is wired. */
public final class Pipeline {
  private static final Map<String, Supplier<Stage>> STAGES = new LinkedHashMap<>();

  static {
    STAGES.put(IngestStage.NAME, IngestStage::new);
    STAGES.put(CleanStage.NAME, CleanStage::new);
    STAGES.put(RfmStage.NAME, RfmStage::new);
    STAGES.put(SegmentStage.NAME, SegmentStage::new);
    STAGES.put(LtvStage.NAME, LtvStage::new);
    STAGES.put(NextPurchaseStage.NAME, NextPurchaseStage::new);
    STAGES.put(ClvStage.NAME, ClvStage::new);
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
    new JobRunner(stages).run(new StageContext(spark, settings, runId, new RunDefaults(settings)));
    return runId;
  }

  static String newRunId() {
    return ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'"))
        + "-" + UUID.randomUUID().toString().substring(0, 8);
  }
}
