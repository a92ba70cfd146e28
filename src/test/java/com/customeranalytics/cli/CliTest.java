package com.customeranalytics.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.customeranalytics.testing.SparkExtension;
import com.customeranalytics.testing.SparkTest;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SparkExtension.class)
class CliTest {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int exec(String... args) {
    return Main.execute(args, Map.of(), new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), s -> SparkTest.spark());
  }

  @Test
  void parsesEveryRunOption() {
    Invocation inv = Cli.parse(new String[] {"run", "--stages", "ingest", "--as-of", "2011-12-09",
        "--input", "/data/in", "--warehouse", "s3a://b/wh", "--config", "conf/emr.conf",
        "--set", "sample.rows=5", "--set", "spark.sql.shuffle.partitions=4"});
    assertThat(inv.command).isEqualTo(Invocation.Command.RUN);
    assertThat(inv.stages).containsExactly("ingest");
    assertThat(inv.asOf).isEqualTo("2011-12-09");
    assertThat(inv.config).isEqualTo("conf/emr.conf");
    assertThat(inv.settingOverrides()).containsExactly("sample.rows=5",
        "spark.sql.shuffle.partitions=4", "warehouse=s3a://b/wh", "input=/data/in",
        "as-of-date=2011-12-09", "stages=ingest");
  }

  @Test
  void parsesGenerateAndQuery() {
    Invocation g = Cli.parse(new String[] {"generate", "--rows", "1000", "--seed", "7", "--out", "/tmp/x",
        "--format", "parquet"});
    assertThat(g.rows).isEqualTo(1000);
    assertThat(g.seed).isEqualTo(7);
    assertThat(g.format).isEqualTo("parquet");
    Invocation q = Cli.parse(new String[] {"query", "--warehouse", "/w", "--format", "json", "SELECT 1"});
    assertThat(q.sql).isEqualTo("SELECT 1");
    assertThat(q.format).isEqualTo("json");
    assertThat(q.warehouse).isEqualTo("/w");
  }

  @Test
  void wrongUsageIsAUsageError() {
    assertThatThrownBy(() -> Cli.parse(new String[] {"run", "--stages", "ingest,bogus"}))
        .isInstanceOf(UsageException.class).hasMessageContaining("Unknown stage 'bogus'");
    assertThatThrownBy(() -> Cli.parse(new String[] {"run", "--as-of", "09/12/2011"}))
        .isInstanceOf(UsageException.class).hasMessageContaining("--as-of");
    assertThatThrownBy(() -> Cli.parse(new String[] {"generate", "--out", "/x"}))
        .isInstanceOf(UsageException.class).hasMessageContaining("--rows");
    assertThatThrownBy(() -> Cli.parse(new String[] {"query", "--format", "xml", "SELECT 1"}))
        .isInstanceOf(UsageException.class).hasMessageContaining("--format");
    assertThatThrownBy(() -> Cli.parse(new String[] {"run", "--input"}))
        .isInstanceOf(UsageException.class).hasMessageContaining("needs a value");
  }

  @Test
  void exitCodes() {
    assertThat(exec("--help")).isZero();
    assertThat(out.toString()).contains("Usage: customer-analytics <command>");
    for (String cmd : new String[] {"run", "generate", "query"}) {
      out.reset();
      assertThat(exec(cmd, "--help")).isZero();
      assertThat(out.toString()).contains("Usage: customer-analytics " + cmd);
    }
    assertThat(exec()).isEqualTo(Main.USAGE);
    assertThat(exec("frobnicate")).isEqualTo(Main.USAGE);
    err.reset();
    assertThat(exec("run", "--stages", "nope")).isEqualTo(Main.USAGE);
    assertThat(err.toString()).contains("Unknown stage 'nope'").contains("Usage: customer-analytics run");
    err.reset();
    assertThat(exec("run", "--set", "sample.rowz=1")).isEqualTo(Main.BAD_SETTINGS);
    assertThat(err.toString()).contains("sample.rowz");
    err.reset();
    assertThat(exec("run", "--input", "/definitely/not/here/*.csv", "--warehouse",
        SparkTest.tempDir("wh").toString(), "--stages", "ingest")).isEqualTo(Main.FAILED);
    assertThat(err.toString()).contains("Stage 'ingest' failed").contains("/definitely/not/here/*.csv");
  }
}
