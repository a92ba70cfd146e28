package com.customeranalytics.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Typed settings, built and validated once at startup, before Spark starts (the layering is in
 * {@link ConfigLayers}, the typed reads in {@link ConfigReader}). The run-level values are
 * accessors of this class; everything else is a section, an immutable value with public final
 * fields, one per block of {@code reference.conf}.
 */
public final class Settings {
  public static final String ROOT = "customer-analytics";

  /** Environment variables that override path settings. */
  public static final Map<String, String> ENV_OVERRIDES =
      Map.of("CA_WAREHOUSE", "warehouse", "CA_INPUT", "input", "CA_SAMPLE_DIR", "sample.dir");

  public enum InputFormat { AUTO, CSV, PARQUET, DELTA }

  /** What ingest does with an ingested file whose content has changed since. */
  public enum OnChangedFile { FAIL, REINGEST }

  /** What ingest does with a compressed file that does not decompress to its end. */
  public enum OnCorruptFile { FAIL, SKIP }

  /** clv.time-unit: the unit of recency, T, alpha and the horizon in the clv models. */
  public enum TimeUnit {
    DAYS(1), WEEKS(7);

    /** Days per unit. */
    public final int days;

    TimeUnit(int days) {
      this.days = days;
    }

    public String settingName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** catalog.metastore: where a catalog.database is registered. */
  public enum Metastore { LOCAL, SESSION }

  /** models.retrain: when ltv and next_purchase train instead of scoring with the saved model. */
  public enum Retrain { ALWAYS, WHEN_OLDER_THAN, NEVER }

  private final Config config;
  private final String warehouse;
  private final String input;
  private final Optional<LocalDate> asOfDate;
  private final boolean fullRefresh;
  private final List<String> stages;
  private final Map<String, String> spark;
  private final CatalogSettings catalog;
  private final IngestSettings ingest;
  private final SampleSettings sample;
  private final CleanSettings clean;
  private final SegmentSettings segment;
  private final LtvSettings ltv;
  private final NextPurchaseSettings nextPurchase;
  private final ModelSettings models;
  private final ClvSettings clv;
  private final RollupsSettings rollups;
  private final ReportSettings report;

  private Settings(ConfigReader c) {
    this.config = c.config();
    this.warehouse = c.nonEmpty("warehouse");
    this.input = c.string("input").trim();
    this.asOfDate = c.optionalDate("as-of-date");
    this.fullRefresh = c.bool("full-refresh");
    this.stages = c.strings("stages");
    this.spark = sparkSettings(c, ConfigLayers.SPARK);
    this.catalog = new CatalogSettings(c, warehouse);
    this.ingest = new IngestSettings(c);
    this.sample = new SampleSettings(c);
    this.clean = new CleanSettings(c);
    this.segment = new SegmentSettings(c);
    this.ltv = new LtvSettings(c);
    this.nextPurchase = new NextPurchaseSettings(c);
    this.models = new ModelSettings(c);
    this.clv = new ClvSettings(c);
    this.rollups = new RollupsSettings(c);
    this.report = new ReportSettings(c);
  }

  /** A flat object of Spark settings (quoted keys) at {@code key}. */
  static Map<String, String> sparkSettings(ConfigReader c, String key) {
    Map<String, String> sparkConf = new TreeMap<>();
    for (Map.Entry<String, ConfigValue> e : c.config().getObject(key).entrySet()) {
      ConfigValue v = e.getValue();
      if (v.valueType() == ConfigValueType.OBJECT || v.valueType() == ConfigValueType.LIST) {
        throw c.error(key, "key \"" + e.getKey() + "\" must be a plain value; quote Spark keys"
            + " (\"spark.sql.shuffle.partitions\" = 8) so they stay one flat object");
      }
      sparkConf.put(e.getKey(), String.valueOf(v.unwrapped()));
    }
    return Collections.unmodifiableMap(sparkConf);
  }

  /** reference.conf only: the defaults. */
  public static Settings defaults() {
    return load(null, Map.of(), List.of());
  }

  /**
   * Builds settings from the layers. {@code configFile} may be null. {@code sets} are
   * {@code key=value} strings, keys relative to {@code customer-analytics} (a key starting with
   * {@code spark.} is a Spark setting).
   */
  public static Settings load(String configFile, Map<String, String> env, List<String> sets) {
    Config resolved = ConfigLayers.load(configFile, env, sets);
    try {
      return new Settings(new ConfigReader(resolved));
    } catch (ConfigException e) {
      throw new SettingsException("Invalid setting: " + e.getMessage());
    }
  }

  /** ingest.*: how input files are read. */
  public static final class IngestSettings {
    public final InputFormat inputFormat;
    /** Target column -> accepted input header names. */
    public final Map<String, List<String>> columnAliases;
    public final List<String> timestampFormats;
    public final String csvDelimiter;
    public final String csvEncoding;
    public final boolean csvMultiLine;
    public final OnChangedFile onChangedFile;
    public final OnCorruptFile onCorruptFile;

    IngestSettings(ConfigReader c) {
      this.inputFormat = c.enumValue("input-format", InputFormat.class);
      Map<String, List<String>> aliases = new LinkedHashMap<>();
      Config cols = c.config().getConfig("ingest.columns");
      for (String key : new TreeMap<>(cols.root()).keySet()) {
        List<String> names = cols.getStringList(key);
        if (names.isEmpty()) {
          throw c.error("ingest.columns." + key, "needs at least one header name");
        }
        aliases.put(key, Collections.unmodifiableList(names));
      }
      this.columnAliases = Collections.unmodifiableMap(aliases);
      this.timestampFormats = c.strings("ingest.timestamp-formats");
      if (timestampFormats.isEmpty()) {
        throw c.error("ingest.timestamp-formats", "needs at least one pattern");
      }
      this.csvDelimiter = c.nonEmpty("ingest.csv.delimiter");
      this.csvEncoding = c.nonEmpty("ingest.csv.encoding");
      this.csvMultiLine = c.bool("ingest.csv.multi-line");
      this.onChangedFile = c.enumValue("ingest.on-changed-file", OnChangedFile.class);
      this.onCorruptFile = c.enumValue("ingest.on-corrupt-file", OnCorruptFile.class);
    }
  }

  /** sample.*: the generated sample used when no input is configured. */
  public static final class SampleSettings {
    public final String dir;
    public final long rows;
    public final long seed;

    SampleSettings(ConfigReader c) {
      this.dir = c.nonEmpty("sample.dir");
      this.rows = c.positive("sample.rows");
      this.seed = c.longValue("sample.seed");
    }
  }

  /** clean.*: classification of bronze rows. */
  public static final class CleanSettings {
    /** Upper-cased, trimmed stock codes that are not products. */
    public final List<String> nonProductCodes;
    public final String cancellationPrefix;
    /** Fail clean when more than this share of the newest ingest's rows is invalid. */
    public final double maxInvalidShare;

    CleanSettings(ConfigReader c) {
      List<String> codes = new ArrayList<>();
      for (String code : c.strings("clean.non-product-codes")) {
        codes.add(code.trim().toUpperCase(Locale.ROOT));
      }
      this.nonProductCodes = Collections.unmodifiableList(codes);
      this.cancellationPrefix = c.nonEmpty("clean.cancellation-prefix");
      this.maxInvalidShare = c.number("clean.max-invalid-share");
      if (maxInvalidShare < 0 || maxInvalidShare > 1) {
        throw c.error("clean.max-invalid-share", "must be between 0 and 1 (a share of rows), not " + maxInvalidShare);
      }
    }
  }

  /** ltv.* */
  public static final class LtvSettings {
    public final int featureMonths;
    public final int labelMonths;
    public final double outlierQuantile;
    public final int classes;
    public final List<String> classNames;

    LtvSettings(ConfigReader c) {
      this.featureMonths = c.positiveInt("ltv.feature-months");
      this.labelMonths = c.positiveInt("ltv.label-months");
      this.outlierQuantile = c.number("ltv.outlier-quantile");
      if (outlierQuantile <= 0 || outlierQuantile > 1) {
        throw c.error("ltv.outlier-quantile", "must be in (0, 1]");
      }
      this.classes = c.positiveInt("ltv.classes");
      this.classNames = c.strings("ltv.class-names");
      if (classNames.size() != classes) {
        throw c.error("ltv.class-names", "needs one name per class (" + classes + ")");
      }
    }
  }

  /** next-purchase.* */
  public static final class NextPurchaseSettings {
    public final int featureMonths;
    public final int nextMonths;
    public final List<Integer> classBounds;
    public final List<String> classNames;

    NextPurchaseSettings(ConfigReader c) {
      this.featureMonths = c.positiveInt("next-purchase.feature-months");
      this.nextMonths = c.positiveInt("next-purchase.next-months");
      this.classBounds = c.ints("next-purchase.class-bounds");
      for (int i = 1; i < classBounds.size(); i++) {
        if (classBounds.get(i) <= classBounds.get(i - 1)) {
          throw c.error("next-purchase.class-bounds", "must increase");
        }
      }
      this.classNames = c.strings("next-purchase.class-names");
      if (classNames.size() != classBounds.size() + 1) {
        throw c.error("next-purchase.class-names", "needs class-bounds + 1 names");
      }
    }
  }

  /** models.*: the classifiers of ltv and next_purchase. */
  public static final class ModelSettings {
    /** The classifier names models.candidates accepts (ModelTables' model column values). */
    public static final List<String> CANDIDATES = List.of("random_forest", "gbt", "xgboost");
    public final long seed;
    public final double testFraction;
    public final int folds;
    public final int parallelism;
    public final boolean tuning;
    public final List<Integer> rfNumTrees;
    public final List<Integer> rfMaxDepth;
    public final List<Integer> gbtMaxIter;
    public final List<Integer> gbtMaxDepth;
    /** random_forest, gbt, xgboost: the classifiers compared, in this order. */
    public final List<String> candidates;
    public final List<Integer> xgbNumRound;
    public final List<Integer> xgbMaxDepth;
    public final int xgbNumWorkers;
    public final Retrain retrain;
    /** when-older-than: a saved model this many days older than the as-of date or more is replaced. */
    public final int retrainAfterDays;

    ModelSettings(ConfigReader c) {
      this.seed = c.longValue("models.seed");
      this.testFraction = c.number("models.test-fraction");
      if (testFraction <= 0 || testFraction >= 1) {
        throw c.error("models.test-fraction", "must be in (0, 1)");
      }
      this.folds = c.integer("models.folds");
      if (folds < 2) {
        throw c.error("models.folds", "must be at least 2");
      }
      this.parallelism = c.positiveInt("models.parallelism");
      this.tuning = c.bool("models.tuning");
      this.rfNumTrees = c.nonEmptyInts("models.grid.random-forest.num-trees");
      this.rfMaxDepth = c.nonEmptyInts("models.grid.random-forest.max-depth");
      this.gbtMaxIter = c.nonEmptyInts("models.grid.gbt.max-iter");
      this.gbtMaxDepth = c.nonEmptyInts("models.grid.gbt.max-depth");
      this.candidates = c.strings("models.candidates");
      if (candidates.isEmpty() || !CANDIDATES.containsAll(candidates)
          || candidates.stream().distinct().count() != candidates.size()) {
        throw c.error("models.candidates", "needs one or more of " + CANDIDATES + ", each once; got " + candidates);
      }
      this.xgbNumRound = c.nonEmptyInts("models.grid.xgboost.num-round");
      this.xgbMaxDepth = c.nonEmptyInts("models.grid.xgboost.max-depth");
      this.xgbNumWorkers = c.positiveInt("models.xgboost.num-workers");
      this.retrain = c.enumValue("models.retrain", Retrain.class);
      this.retrainAfterDays = c.positiveInt("models.retrain-after-days");
    }

    /**
     * Whether a run as of {@code asOf} trains again, the latest training on or before it being of
     * {@code trained} (null: none).
     */
    public boolean retrains(java.time.LocalDate trained, java.time.LocalDate asOf) {
      return retrain == Retrain.ALWAYS || trained == null
          || retrain == Retrain.WHEN_OLDER_THAN && java.time.temporal.ChronoUnit.DAYS.between(trained, asOf) > retrainAfterDays;
    }

    /** The setting's value as written in the configuration (when-older-than, ...). */
    public String retrainName() {
      return retrain.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
  }

  /** segment.*: KMeans per R/F/M dimension. */
  public static final class SegmentSettings {
    /** Empty = auto (best silhouette). */
    public final Optional<Integer> k;
    public final int kMin;
    public final int kMax;
    public final long seed;
    public final int maxIterations;
    public final String initMode;
    /** Dimension name (recency, frequency, monetary) -> cluster log1p(value). */
    public final Map<String, Boolean> log1p;
    public final int midScore;
    public final int highScore;
    public final int sweepParallelism;

    SegmentSettings(ConfigReader c) {
      String k = c.string("segment.k").trim();
      if (k.equalsIgnoreCase("auto")) {
        this.k = Optional.empty();
      } else {
        try {
          this.k = Optional.of(Integer.parseInt(k));
        } catch (NumberFormatException e) {
          throw c.error("segment.k", "'" + k + "' is neither a number nor auto");
        }
        if (this.k.get() < 2) {
          throw c.error("segment.k", "must be at least 2");
        }
      }
      this.kMin = c.integer("segment.k-min");
      this.kMax = c.integer("segment.k-max");
      if (kMin < 2 || kMax < kMin) {
        throw c.error("segment.k-max", "need 2 <= k-min <= k-max, got " + kMin + ".." + kMax);
      }
      this.seed = c.longValue("segment.seed");
      this.maxIterations = c.positiveInt("segment.max-iterations");
      this.initMode = c.string("segment.init-mode");
      if (!initMode.equals("k-means||") && !initMode.equals("random")) {
        throw c.error("segment.init-mode", "'" + initMode + "' is not k-means|| or random");
      }
      Map<String, Boolean> l = new TreeMap<>();
      for (String dim : List.of("recency", "frequency", "monetary")) {
        l.put(dim, c.bool("segment.log1p." + dim));
      }
      this.log1p = Collections.unmodifiableMap(l);
      this.midScore = c.integer("segment.mid-score");
      this.highScore = c.integer("segment.high-score");
      if (midScore < 1 || highScore <= midScore) {
        throw c.error("segment.high-score", "need 1 <= mid-score < high-score");
      }
      this.sweepParallelism = c.positiveInt("segment.sweep-parallelism");
    }
  }

  /** clv.*: the probabilistic lifetime-value models (BG/NBD, Gamma-Gamma). */
  public static final class ClvSettings {
    public final TimeUnit timeUnit;
    /** Empty: the as-of date minus {@link #holdoutDays}. */
    public final Optional<LocalDate> calibrationEnd;
    public final int holdoutDays;
    /** L2 penalty on the parameters, as lifetimes' penalizer_coef. */
    public final double penalizer;
    public final int horizonDays;
    public final double monthlyDiscountRate;
    public final int maxIterations;
    public final double tolerance;

    ClvSettings(ConfigReader c) {
      this.timeUnit = c.enumValue("clv.time-unit", TimeUnit.class);
      this.calibrationEnd = c.optionalDate("clv.calibration-end");
      this.holdoutDays = c.positiveInt("clv.holdout-days");
      this.penalizer = c.number("clv.penalizer");
      if (penalizer < 0) {
        throw c.error("clv.penalizer", "must not be negative, got " + penalizer);
      }
      this.horizonDays = c.positiveInt("clv.horizon-days");
      this.monthlyDiscountRate = c.number("clv.monthly-discount-rate");
      if (monthlyDiscountRate < 0 || monthlyDiscountRate >= 1) {
        throw c.error("clv.monthly-discount-rate", "must be in [0, 1) (0.01 = 1% a month), got " + monthlyDiscountRate);
      }
      this.maxIterations = c.positiveInt("clv.max-iterations");
      this.tolerance = c.number("clv.tolerance");
      if (!(tolerance > 0 && tolerance < 1)) {
        throw c.error("clv.tolerance", "must be in (0, 1), got " + tolerance);
      }
    }

    /** The calibration period's end for a run as of {@code asOf}. */
    public LocalDate calibrationEnd(LocalDate asOf) {
      return calibrationEnd.orElse(asOf.minusDays(holdoutDays));
    }
  }

  /** rollups.*: the home country and the insights' thresholds. */
  public static final class RollupsSettings {
    /** Empty = the country with the most revenue. */
    public final Optional<String> homeCountry;
    /** Fractions of customers, each in (0, 1]. */
    public final List<Double> topCustomerShares;
    public final int growingCountries;
    public final int growthWindowMonths;
    public final double growthMinRevenue;
    public final int dipMonths;
    public final int repeatSegments;
    public final double repeatMinRScore;
    public final double repeatMaxFScore;

    RollupsSettings(ConfigReader c) {
      this.homeCountry = c.optionalString("rollups.home-country");
      List<Double> shares = new ArrayList<>();
      for (Double d : c.numbers("rollups.insights.top-customer-shares")) {
        if (!(d > 0 && d <= 1)) {
          throw c.error("rollups.insights.top-customer-shares", "each share must be in (0, 1], got " + d);
        }
        shares.add(d);
      }
      this.topCustomerShares = Collections.unmodifiableList(shares);
      this.growingCountries = c.positiveInt("rollups.insights.growing-countries");
      this.growthWindowMonths = c.positiveInt("rollups.insights.growth-window-months");
      this.growthMinRevenue = c.number("rollups.insights.growth-min-revenue");
      if (growthMinRevenue < 0) {
        throw c.error("rollups.insights.growth-min-revenue", "must not be negative");
      }
      this.dipMonths = c.positiveInt("rollups.insights.dip-months");
      this.repeatSegments = c.positiveInt("rollups.insights.repeat-segments");
      this.repeatMinRScore = c.number("rollups.insights.repeat-min-r-score");
      this.repeatMaxFScore = c.number("rollups.insights.repeat-max-f-score");
    }
  }

  /** report.*: the per-run report bundle. */
  public static final class ReportSettings {
    /** Rows of customer_sample.csv. */
    public final int sampleRows;
    /** Mixed into the hash that orders the sample. */
    public final long seed;
    /** Countries in the country revenue chart. */
    public final int topCountries;

    ReportSettings(ConfigReader c) {
      this.sampleRows = c.positiveInt("report.sample-rows");
      this.seed = c.longValue("report.seed");
      this.topCountries = c.positiveInt("report.top-countries");
    }
  }

  /** catalog.*: optional registration of the tables by name in a metastore. */
  public static final class CatalogSettings {
    /** Empty: path-only, no catalog. */
    public final String database;
    public final Metastore metastore;
    /** metastore = local: the embedded metastore's folder (a local path). */
    public final String metastoreDir;
    /** Spark settings the session gets only when a database is set (the platform's metastore client). */
    public final Map<String, String> spark;

    CatalogSettings(ConfigReader c, String warehouse) {
      this.database = c.string("catalog.database").trim();
      if (!database.isEmpty() && !database.matches("[A-Za-z_][A-Za-z0-9_]*")) {
        throw c.error("catalog.database", "'" + database + "' is not a database name (letters, digits, _;"
            + " not starting with a digit)");
      }
      this.metastore = c.enumValue("catalog.metastore", Metastore.class);
      this.spark = sparkSettings(c, "catalog.spark");
      String dir = c.string("catalog.metastore-dir").trim();
      String stripped = warehouse.replaceAll("/+$", "");
      this.metastoreDir = dir.isEmpty() ? stripped + "-metastore" : dir;
      if (enabled() && metastore == Metastore.LOCAL && metastoreDir.matches("^[A-Za-z][A-Za-z0-9+.-]*://.*")
          && !metastoreDir.startsWith("file:")) {
        throw c.error(dir.isEmpty() ? "catalog.metastore" : "catalog.metastore-dir", "the embedded metastore"
            + " needs a local folder, and " + metastoreDir + " is not one (the warehouse is remote): on a cluster"
            + " set catalog.metastore = session (the platform's catalog: Glue, Hive metastore), or"
            + " catalog.metastore-dir to a local folder");
      }
    }

    public boolean enabled() {
      return !database.isEmpty();
    }
  }

  /** A stable digest of the effective settings, recorded with every run. */
  public String digest() {
    return sha256Hex(config.root().render(ConfigRenderOptions.concise().setJson(true)));
  }

  /** The first 8 bytes of the SHA-256 of {@code text}, in hex: the digests of settings and inputs. */
  public static String sha256Hex(String text) {
    try {
      byte[] h = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      StringBuilder sb = new StringBuilder();
      for (int i = 0; i < 8; i++) {
        sb.append(String.format("%02x", h[i]));
      }
      return sb.toString();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * A stable digest of the settings under {@code paths} only (e.g. "segment"): what a result
   * depends on, where the whole {@link #digest()} would also change with the date or the input.
   */
  public String digestOf(String... paths) {
    StringBuilder rendered = new StringBuilder();
    for (String p : paths) {
      rendered.append(p).append('=').append(config.hasPath(p)
          ? config.getValue(p).render(ConfigRenderOptions.concise().setJson(true)) : "null").append('\n');
    }
    return sha256Hex(rendered.toString());
  }

  public String warehouse() { return warehouse; }
  /** The raw input path; empty = the generated sample. */
  public String input() { return input; }
  public Optional<LocalDate> asOfDate() { return asOfDate; }
  /** Rebuild from all of bronze instead of classifying only what is new (run --full-refresh). */
  public boolean fullRefresh() { return fullRefresh; }
  public List<String> stages() { return stages; }
  /** Spark and Hadoop settings for the session (flat, quoted keys). */
  public Map<String, String> spark() { return spark; }
  public CatalogSettings catalog() { return catalog; }
  public IngestSettings ingest() { return ingest; }
  public SampleSettings sample() { return sample; }
  public CleanSettings clean() { return clean; }
  public SegmentSettings segment() { return segment; }
  public LtvSettings ltv() { return ltv; }
  public NextPurchaseSettings nextPurchase() { return nextPurchase; }
  public ModelSettings models() { return models; }
  public ClvSettings clv() { return clv; }
  public RollupsSettings rollups() { return rollups; }
  public ReportSettings report() { return report; }
}
