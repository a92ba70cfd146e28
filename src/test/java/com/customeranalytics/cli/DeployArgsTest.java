package com.customeranalytics.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.customeranalytics.config.Settings;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * What the deploy files under deploy/ hand to the job is accepted by the job's own parser, so a
 * nightly run can never fail on arguments the job rejects. The Airflow DAG's arguments live in
 * deploy/airflow/job_args.json only; this test reads that file.
 */
class DeployArgsTest {
  private static final Path REPO = Paths.get(System.getProperty("ca.repo.root", ".")).toAbsolutePath();
  private static final Path DEPLOY = REPO.resolve("deploy");
  private static final Path JOB_ARGS = DEPLOY.resolve("airflow/job_args.json");
  private static final Path DAG = DEPLOY.resolve("airflow/customer_analytics_nightly.py");
  /** What Airflow renders {{ ds }} to for the 2024-06-02 02:00 UTC run. */
  private static final String SAMPLE_DS = "2024-06-01";
  private static final String DS_TEMPLATE = "{{ ds }}";
  /** The DAG param full_refresh's template in job_args.json, as Airflow renders it by default. */
  private static final String FULL_REFRESH_TEMPLATE = "{{ 'true' if params.full_refresh else 'false' }}";
  private static final String CLUSTER_CONFIG = "customer-analytics.conf";
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void theDagsArgumentsAreAcceptedByTheJob() {
    JsonNode job = json(JOB_ARGS);
    assertThat(job.get("main_class").asText()).isEqualTo(Main.class.getName());
    assertThat(strings(job.get("stages")))
        .as("'stages' in %s must be the job's stages in pipeline order", JOB_ARGS)
        .isEqualTo(Pipeline.STAGE_NAMES);
    assertThat(job.get("spark_conf").get("spark.sql.extensions").asText())
        .isEqualTo("io.delta.sql.DeltaSparkSessionExtension");

    Map<String, List<String>> tasks = dagTasks(job);
    assertThat(tasks).containsKeys("pipeline", Pipeline.STAGE_NAMES.get(0));
    for (Map.Entry<String, List<String>> task : tasks.entrySet()) {
      Invocation inv = Cli.parse(render(task.getValue()));
      assertThat(inv.command).as(task.getKey()).isEqualTo(Invocation.Command.RUN);
      assertThat(inv.asOf).as(task.getKey()).isEqualTo(SAMPLE_DS);
      assertThat(inv.config).as(task.getKey()).isEqualTo(CLUSTER_CONFIG);
      // Nights are incremental unless the param asks for a full refresh.
      assertThat(inv.settingOverrides()).as(task.getKey()).contains("full-refresh=false");
      assertThat(inv.stages).as(task.getKey()).isEqualTo(task.getKey().equals("pipeline")
          ? Pipeline.STAGE_NAMES : List.of(task.getKey()));
    }
  }

  /** The DAG file compiles, and the arguments it builds are exactly those checked above. */
  @Test
  void theDagCompilesAndBuildsThoseArguments() {
    Assumptions.assumeTrue(hasCommand("python3"), "python3 not installed");
    Map<String, String> env = Map.of("PYTHONPYCACHEPREFIX", REPO.resolve("target/pycache").toString());
    run(env, "python3", "-m", "py_compile", DAG.toString());

    JsonNode printed = json(run(env, "python3", DAG.toString(), "--print-args"));
    Map<String, List<String>> built = new LinkedHashMap<>();
    for (String mode : List.of("per_stage", "one_task")) {
      printed.get(mode).fields().forEachRemaining(e -> built.put(e.getKey(), strings(e.getValue())));
    }
    assertThat(built).isEqualTo(dagTasks(json(JOB_ARGS)));
  }

  /**
   * The model stages' xgboost candidate trains in barrier mode, which Spark refuses under dynamic
   * allocation: every task or definition that runs ltv or next_purchase turns it off, and only those.
   */
  @Test
  void theModelStagesRunWithoutDynamicAllocation() {
    Assumptions.assumeTrue(hasCommand("python3"), "python3 not installed");
    Map<String, String> env = Map.of("PYTHONPYCACHEPREFIX", REPO.resolve("target/pycache").toString());
    List<String> lines = run(env, "python3", DAG.toString(), "--print-args", "--with-conf");
    JsonNode conf = json(lines.subList(lines.size() - 1, lines.size()));
    for (String task : List.of("ltv", "next_purchase", "pipeline")) {
      assertThat(conf.get(task).path("spark.dynamicAllocation.enabled").asText()).as(task).isEqualTo("false");
    }
    for (String task : List.of("ingest", "clean", "rfm", "segment", "clv", "rollups", "report")) {
      assertThat(conf.get(task).has("spark.dynamicAllocation.enabled")).as(task).isFalse();
      assertThat(conf.get(task).get("spark.sql.extensions").asText()).isEqualTo("io.delta.sql.DeltaSparkSessionExtension");
    }
    assertThat(strings(json(DEPLOY.resolve("emr/add-steps.json")).get(0).get("Args")))
        .containsSequence("--conf", "spark.dynamicAllocation.enabled=false");
    assertThat(json(DEPLOY.resolve("emr/serverless-start-job-run.json")).get("jobDriver").get("sparkSubmit")
        .get("sparkSubmitParameters").asText()).contains("--conf spark.dynamicAllocation.enabled=false");

    Assumptions.assumeTrue(hasCommand("bash"), "bash not installed");
    Path fake = fakeLauncher();
    for (String stages : List.of("", "ltv", "ingest,clean")) {
      List<String> cmd = new ArrayList<>(List.of("bash", DEPLOY.resolve("spark-submit/submit.sh").toString(),
          "--jar", "j.jar", "--config", CLUSTER_CONFIG, "--as-of", SAMPLE_DS));
      if (!stages.isEmpty()) {
        cmd.addAll(List.of("--stages", stages));
      }
      List<String> submit = run(Map.of("SPARK_SUBMIT", fake.toString()), cmd.toArray(new String[0]));
      assertThat(submit.contains("spark.dynamicAllocation.enabled=false")).as(stages).isEqualTo(!stages.startsWith("ingest"));
      List<String> batch = new ArrayList<>(List.of("bash", DEPLOY.resolve("dataproc/submit-batch.sh").toString(),
          "--region", "r", "--jar", "gs://b/j.jar", "--config", "gs://b/" + CLUSTER_CONFIG, "--as-of", SAMPLE_DS));
      if (!stages.isEmpty()) {
        batch.addAll(List.of("--stages", stages));
      }
      List<String> gcloud = run(Map.of("GCLOUD", fake.toString()), batch.toArray(new String[0]));
      assertThat(gcloud.stream().anyMatch(a -> a.startsWith("--properties=") && a.contains("spark.dynamicAllocation.enabled=false")))
          .as(stages).isEqualTo(!stages.startsWith("ingest"));
    }
  }

  @Test
  void theSubmitScriptsPassArgumentsTheJobAccepts() {
    Assumptions.assumeTrue(hasCommand("bash"), "bash not installed");
    Path fake = fakeLauncher();
    String jar = "s3://bucket/jars/customer-analytics-0.1.0.jar";
    String conf = "s3://bucket/conf/" + CLUSTER_CONFIG;

    List<String> submit = run(Map.of("SPARK_SUBMIT", fake.toString()), "bash",
        DEPLOY.resolve("spark-submit/submit.sh").toString(), "--jar", jar, "--config", conf,
        "--as-of", SAMPLE_DS, "--stages", "ingest", "--", "--set", "spark.sql.shuffle.partitions=64");
    assertThat(submit).containsSequence("--deploy-mode", "cluster").containsSequence("--files", conf)
        .containsSequence("--class", Main.class.getName())
        .contains("spark.sql.extensions=io.delta.sql.DeltaSparkSessionExtension");
    assertAccepted(after(submit, jar), List.of("ingest"));

    String gsJar = "gs://bucket/jars/customer-analytics-0.1.0.jar";
    String gsConf = "gs://bucket/conf/" + CLUSTER_CONFIG;
    for (String script : List.of("submit-job.sh", "submit-batch.sh")) {
      List<String> cmd = new ArrayList<>(List.of("bash", DEPLOY.resolve("dataproc/" + script).toString(),
          "--region", "europe-west1", "--jar", gsJar, "--config", gsConf, "--as-of", SAMPLE_DS,
          "--stages", "ingest,clean"));
      if (script.equals("submit-job.sh")) {
        cmd.addAll(List.of("--cluster", "analytics"));
      }
      List<String> gcloud = run(Map.of("GCLOUD", fake.toString()), cmd.toArray(new String[0]));
      assertThat(gcloud).as(script).contains("--jars=" + gsJar, "--files=" + gsConf,
          "--class=" + Main.class.getName());
      assertAccepted(after(gcloud, "--"), List.of("ingest", "clean"));
    }
  }

  @Test
  void theEmrDefinitionsPassArgumentsTheJobAccepts() {
    List<String> step = strings(json(DEPLOY.resolve("emr/add-steps.json")).get(0).get("Args"));
    assertThat(step).containsSequence("--deploy-mode", "cluster")
        .containsSequence("--class", Main.class.getName());
    String jar = step.stream().filter(a -> a.endsWith(".jar")).findFirst().orElseThrow();
    assertAccepted(after(step, jar), Pipeline.STAGE_NAMES);

    JsonNode serverless = json(DEPLOY.resolve("emr/serverless-start-job-run.json")).get("jobDriver")
        .get("sparkSubmit");
    assertThat(serverless.get("sparkSubmitParameters").asText()).contains("--class " + Main.class.getName());
    assertAccepted(strings(serverless.get("entryPointArguments")), Pipeline.STAGE_NAMES);

    JsonNode classifications = json(DEPLOY.resolve("emr/configurations.json"));
    assertThat(classifications.findValuesAsText("spark.sql.catalog.spark_catalog"))
        .containsExactly("org.apache.spark.sql.delta.catalog.DeltaCatalog");
    assertThat(classifications.findValuesAsText("delta.enabled")).as("the jar's Delta, not EMR's")
        .containsExactly("false");
  }

  /** The settings files for clusters point at cloud storage and hold no credentials. */
  @Test
  void theClusterConfigsHoldNoCredentials() throws IOException {
    Map<String, String> schemes = Map.of("conf/emr.conf", "s3a://", "conf/dataproc.conf", "gs://");
    for (Map.Entry<String, String> c : schemes.entrySet()) {
      Path file = REPO.resolve(c.getKey());
      Settings s = Settings.load(file.toString(), Map.of(), List.of());
      assertThat(s.warehouse()).as(c.getKey()).startsWith(c.getValue());
      assertThat(s.input()).as(c.getKey()).startsWith(c.getValue());
      String text = new String(Files.readAllBytes(file), StandardCharsets.UTF_8).toLowerCase(Locale.ROOT);
      assertThat(text).as(c.getKey()).doesNotContain("access.key", "secret.key", "session.token",
          "keyfile", "private_key");
    }
  }

  /** What the DAG passes per task: job_args.json's args plus --stages (see task_arguments()). */
  private static Map<String, List<String>> dagTasks(JsonNode job) {
    List<String> args = strings(job.get("args"));
    List<String> stages = strings(job.get("stages"));
    Map<String, List<String>> tasks = new LinkedHashMap<>();
    for (String stage : stages) {
      tasks.put(stage, concat(args, "--stages", stage));
    }
    tasks.put("pipeline", concat(args, "--stages", String.join(",", stages)));
    return tasks;
  }

  private static void assertAccepted(List<String> args, List<String> stages) {
    Invocation inv = Cli.parse(args.toArray(new String[0]));
    assertThat(inv.command).as("%s", args).isEqualTo(Invocation.Command.RUN);
    assertThat(inv.config).as("%s", args).isEqualTo(CLUSTER_CONFIG);
    assertThat(inv.asOf).as("%s", args).matches("\\d{4}-\\d{2}-\\d{2}");
    if (inv.stages != null) {
      assertThat(inv.stages).as("%s", args).isEqualTo(stages);
    }
  }

  private static String[] render(List<String> args) {
    return args.stream().map(a -> a.replace(DS_TEMPLATE, SAMPLE_DS).replace(FULL_REFRESH_TEMPLATE, "false"))
        .toArray(String[]::new);
  }

  private static List<String> after(List<String> all, String marker) {
    int i = all.indexOf(marker);
    assertThat(i).as("%s in %s", marker, all).isNotNegative();
    return all.subList(i + 1, all.size());
  }

  private static List<String> concat(List<String> head, String... tail) {
    List<String> out = new ArrayList<>(head);
    out.addAll(Arrays.asList(tail));
    return out;
  }

  private static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }

  private static JsonNode json(Path file) {
    try {
      return JSON.readTree(file.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + file, e);
    }
  }

  private static JsonNode json(List<String> lines) {
    try {
      return JSON.readTree(String.join("\n", lines));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A stand-in for spark-submit / gcloud that prints its arguments, one per line. */
  private static Path fakeLauncher() {
    try {
      Path f = Files.createTempFile("ca-fake-launcher-", ".sh");
      Files.write(f, "#!/bin/sh\nfor a in \"$@\"; do printf '%s\\n' \"$a\"; done\n"
          .getBytes(StandardCharsets.UTF_8));
      f.toFile().setExecutable(true);
      f.toFile().deleteOnExit();
      return f;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static boolean hasCommand(String cmd) {
    try {
      Process p = new ProcessBuilder(cmd, "--version").redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Runs a command in the repo; asserts it succeeds and returns its output lines. */
  private static List<String> run(Map<String, String> env, String... cmd) {
    try {
      ProcessBuilder pb = new ProcessBuilder(cmd).directory(REPO.toFile());
      pb.environment().putAll(env);
      Process p = pb.start();
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      Thread drain = new Thread(() -> copy(p.getErrorStream(), err));
      drain.start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("%s finished", Arrays.toString(cmd)).isTrue();
      drain.join();
      assertThat(p.exitValue()).as("%s: %s", Arrays.toString(cmd), err.toString(StandardCharsets.UTF_8))
          .isZero();
      return out.isEmpty() ? List.of() : Arrays.asList(out.split("\n"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static void copy(InputStream in, ByteArrayOutputStream out) {
    try {
      in.transferTo(out);
    } catch (IOException ignored) {
      // the process ended; what was read is enough for the message
    }
  }
}
