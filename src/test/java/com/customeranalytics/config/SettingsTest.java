package com.customeranalytics.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SettingsTest {
  @TempDir Path dir;

  private String file(String name, String content) throws IOException {
    Path f = dir.resolve(name);
    Files.writeString(f, content);
    return f.toString();
  }

  @Test
  void defaultsComeFromReferenceConf() {
    Settings s = Settings.defaults();
    assertThat(s.warehouse()).isEqualTo("warehouse");
    assertThat(s.input()).isEmpty();
    assertThat(s.ingest().inputFormat).isEqualTo(Settings.InputFormat.AUTO);
    assertThat(s.asOfDate()).isEmpty();
    assertThat(s.ingest().columnAliases.get("customer_id")).containsExactly("CustomerID", "Customer ID");
    assertThat(s.ingest().columnAliases.get("unit_price")).containsExactly("UnitPrice", "Price");
    assertThat(s.ingest().columnAliases.get("invoice_no")).containsExactly("InvoiceNo", "Invoice");
    assertThat(s.clean().nonProductCodes).contains("POST", "BANK CHARGES", "TEST002").hasSize(15);
    assertThat(s.sample().rows).isEqualTo(541_909L);
    assertThat(s.spark()).containsEntry("spark.sql.session.timeZone", "UTC");
  }

  @Test
  void shippedConfFilesAreValid() {
    String root = System.getProperty("ca.repo.root", ".");
    for (String name : List.of("local", "emr", "dataproc", "bench")) {
      Settings s = Settings.load(root + "/conf/" + name + ".conf", Map.of(), List.of());
      assertThat(s.warehouse()).isNotEmpty();
    }
    assertThat(Settings.load(root + "/conf/bench.conf", Map.of(), List.of()).models().tuning).isFalse();
    Settings local = Settings.load(root + "/conf/local.conf", Map.of(), List.of());
    assertThat(local.spark()).containsEntry("spark.driver.host", "127.0.0.1");
  }

  @Test
  void theCatalogIsOptionalAndItsMetastoreSettingsApplyOnlyWithADatabase() {
    Settings none = Settings.defaults();
    assertThat(none.catalog().enabled()).isFalse();
    Settings local = Settings.load(null, Map.of(), List.of("warehouse=/data/wh/", "catalog.database=analytics"));
    assertThat(local.catalog().metastore).isEqualTo(Settings.Metastore.LOCAL);
    assertThat(local.catalog().metastoreDir).isEqualTo("/data/wh-metastore"); // next to the warehouse
    String root = System.getProperty("ca.repo.root", ".");
    Settings emr = Settings.load(root + "/conf/emr.conf", Map.of(), List.of("catalog.database=analytics",
        "catalog.spark.spark.hadoop.aws.region=eu-west-1"));
    assertThat(emr.catalog().metastore).isEqualTo(Settings.Metastore.SESSION);
    assertThat(emr.catalog().spark)
        .containsEntry("spark.sql.catalogImplementation", "hive")
        .containsEntry("spark.hadoop.hive.metastore.client.factory.class",
            "com.amazonaws.glue.catalog.metastore.AWSGlueDataCatalogHiveClientFactory")
        .containsEntry("spark.hadoop.aws.region", "eu-west-1");
    assertThat(emr.spark()).doesNotContainKey("spark.sql.catalogImplementation"); // path-only runs: no metastore
    assertThatThrownBy(() -> Settings.load(root + "/conf/emr.conf", Map.of(),
        List.of("catalog.database=analytics", "catalog.metastore=local")))
        .hasMessageContaining("catalog.metastore").hasMessageContaining("s3a://my-bucket/customer-analytics/warehouse-metastore")
        .hasMessageContaining("catalog.metastore = session");
    assertThatThrownBy(() -> Settings.load(null, Map.of(), List.of("catalog.database=my-db")))
        .hasMessageContaining("catalog.database").hasMessageContaining("'my-db' is not a database name");
  }

  @Test
  void retrainingFollowsModelsRetrain() {
    java.time.LocalDate night = java.time.LocalDate.of(2011, 12, 9);
    Settings.ModelSettings always = Settings.load(null, Map.of(), List.of()).models();
    Settings.ModelSettings older = Settings.load(null, Map.of(),
        List.of("models.retrain=when-older-than", "models.retrain-after-days=7")).models();
    Settings.ModelSettings never = Settings.load(null, Map.of(), List.of("models.retrain=never")).models();
    assertThat(always.retrains(night, night)).isTrue();
    assertThat(older.retrains(night.minusDays(7), night)).isFalse(); // 7 days old: not more than 7
    assertThat(older.retrains(night.minusDays(8), night)).isTrue();
    assertThat(older.retrains(null, night)).isTrue(); // nothing trained yet
    assertThat(never.retrains(night.minusDays(400), night)).isFalse();
    assertThat(never.retrains(null, night)).isTrue();
    assertThat(older.retrainName()).isEqualTo("when-older-than");
  }

  @Test
  void aSectionsDigestFollowsThatSectionOnly() {
    String base = Settings.load(null, Map.of(), List.of()).digestOf("segment", "ltv");
    assertThat(base).hasSize(16);
    // The date, the input and other sections leave it as it is...
    assertThat(Settings.load(null, Map.of(), List.of("as-of-date=2011-12-10", "input=/other.csv",
        "models.retrain=never")).digestOf("segment", "ltv")).isEqualTo(base);
    // ...the settings of the sections it covers change it.
    assertThat(Settings.load(null, Map.of(), List.of("segment.k=4")).digestOf("segment", "ltv")).isNotEqualTo(base);
    assertThat(Settings.load(null, Map.of(), List.of("ltv.feature-months=6")).digestOf("segment", "ltv"))
        .isNotEqualTo(base);
  }

  @Test
  void layersApplyInOrderFileThenEnvThenSet() throws IOException {
    String f = file("a.conf", "customer-analytics { warehouse = \"/from/file\", input = \"/in/file\","
        + " sample.rows = 10 }");
    Settings s = Settings.load(f, Map.of("CA_WAREHOUSE", "/from/env"),
        List.of("input=s3a://bucket/raw/2011-*.csv", "sample.rows=20", "as-of-date=2011-12-09",
            "stages=ingest", "spark.sql.shuffle.partitions=7"));
    assertThat(s.warehouse()).isEqualTo("/from/env");
    assertThat(s.input()).isEqualTo("s3a://bucket/raw/2011-*.csv");
    assertThat(s.sample().rows).isEqualTo(20);
    assertThat(s.asOfDate()).contains(LocalDate.of(2011, 12, 9));
    assertThat(s.stages()).containsExactly("ingest");
    assertThat(s.spark()).containsEntry("spark.sql.shuffle.partitions", "7");
    // --set beats the environment too
    assertThat(Settings.load(f, Map.of("CA_WAREHOUSE", "/env"), List.of("warehouse=/set")).warehouse())
        .isEqualTo("/set");
  }

  @Test
  void sparkKeysStayFlatEvenWhenOnePrefixesAnother() throws IOException {
    String f = file("s3.conf", "customer-analytics.spark {\n"
        + " \"spark.hadoop.fs.s3a.endpoint\" = \"http://127.0.0.1:9000\"\n"
        + " \"spark.hadoop.fs.s3a.endpoint.region\" = \"us-east-1\"\n}");
    Settings s = Settings.load(f, Map.of(), List.of());
    assertThat(s.spark()).containsEntry("spark.hadoop.fs.s3a.endpoint", "http://127.0.0.1:9000")
        .containsEntry("spark.hadoop.fs.s3a.endpoint.region", "us-east-1");
  }

  @Test
  void unknownKeyFailsNamingKeyAndFile() throws IOException {
    String f = file("typo.conf", "customer-analytics {\n  warehouse = \"/w\"\n  sample { rowz = 5 }\n}");
    assertThatThrownBy(() -> Settings.load(f, Map.of(), List.of()))
        .isInstanceOf(SettingsException.class)
        .hasMessageContaining("sample.rowz")
        .hasMessageContaining("unknown key")
        .hasMessageContaining("typo.conf: 3");
  }

  @Test
  void unknownKeyFromSetFailsNamingTheFlag() {
    assertThatThrownBy(() -> Settings.load(null, Map.of(), List.of("warehous=/x")))
        .isInstanceOf(SettingsException.class)
        .hasMessageContaining("warehous")
        .hasMessageContaining("--set warehous");
  }

  @Test
  void illTypedKeyFailsNamingKeyAndFile() throws IOException {
    String f = file("types.conf", "customer-analytics {\n  sample.rows = \"lots\"\n}");
    assertThatThrownBy(() -> Settings.load(f, Map.of(), List.of()))
        .isInstanceOf(SettingsException.class)
        .hasMessageContaining("sample.rows")
        .hasMessageContaining("types.conf: 2");
    String g = file("bool.conf", "customer-analytics.ingest.csv.multi-line = maybe");
    assertThatThrownBy(() -> Settings.load(g, Map.of(), List.of()))
        .isInstanceOf(SettingsException.class)
        .hasMessageContaining("ingest.csv.multi-line")
        .hasMessageContaining("bool.conf");
  }

  @Test
  void badValuesFailNamingKey() {
    assertThatThrownBy(() -> Settings.load(null, Map.of(), List.of("input-format=xml")))
        .hasMessageContaining("input-format").hasMessageContaining("'xml'");
    assertThatThrownBy(() -> Settings.load(null, Map.of(), List.of("as-of-date=2011-13-01")))
        .hasMessageContaining("as-of-date").hasMessageContaining("not a date");
    assertThatThrownBy(() -> Settings.load(null, Map.of(), List.of("sample.rows=0")))
        .hasMessageContaining("sample.rows").hasMessageContaining("positive");
  }

  @Test
  void rollupsThresholds() {
    Settings.RollupsSettings r = Settings.defaults().rollups();
    assertThat(r.homeCountry).isEmpty();
    assertThat(r.topCustomerShares).containsExactly(0.01, 0.10);
    assertThat(r.growingCountries).isEqualTo(3);
    assertThat(Settings.load(null, Map.of(), List.of("rollups.home-country=United Kingdom")).rollups().homeCountry)
        .contains("United Kingdom");
    assertThatThrownBy(() -> Settings.load(null, Map.of(), List.of("rollups.insights.top-customer-shares=[0.01, 1.5]")))
        .hasMessageContaining("rollups.insights.top-customer-shares").hasMessageContaining("(0, 1]");
    assertThatThrownBy(() -> Settings.load(null, Map.of(), List.of("rollups.insights.dip-months=0")))
        .hasMessageContaining("rollups.insights.dip-months").hasMessageContaining("positive");
  }

  @Test
  void missingKeyFailsNamingKeyAndFile() throws IOException {
    String f = file("null.conf", "customer-analytics {\n  warehouse = null\n}");
    assertThatThrownBy(() -> Settings.load(f, Map.of(), List.of()))
        .isInstanceOf(SettingsException.class)
        .hasMessageContaining("warehouse")
        .hasMessageContaining("null.conf");
  }

  @Test
  void missingConfigFileIsNamed() {
    assertThatThrownBy(() -> Settings.load(dir.resolve("nope.conf").toString(), Map.of(), List.of()))
        .isInstanceOf(SettingsException.class).hasMessageContaining("nope.conf");
  }

  @Test
  void digestIsStableAndChangesWithSettings() {
    assertThat(Settings.defaults().digest()).isEqualTo(Settings.defaults().digest()).hasSize(16);
    assertThat(Settings.load(null, Map.of(), List.of("sample.seed=7")).digest())
        .isNotEqualTo(Settings.defaults().digest());
  }
}
