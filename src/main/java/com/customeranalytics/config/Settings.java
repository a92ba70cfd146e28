package com.customeranalytics.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigOrigin;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import com.typesafe.config.ConfigValueType;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Typed settings, built and validated once at startup, before Spark starts.
 *
 * <p>Layers, lowest first: {@code reference.conf} (every key and its default), the {@code --config}
 * file, environment variables for paths, then {@code --set key=value}. Any missing, unknown or
 * ill-typed key fails with the key's name and the file (or flag) it came from.
 */
public final class Settings {
  public static final String ROOT = "customer-analytics";
  /** Free-form object of Spark/Hadoop keys; its content is not checked against reference.conf. */
  private static final String SPARK = "spark";

  /** Environment variables that override path settings. */
  public static final Map<String, String> ENV_OVERRIDES =
      Map.of("CA_WAREHOUSE", "warehouse", "CA_INPUT", "input", "CA_SAMPLE_DIR", "sample.dir");

  public enum InputFormat { AUTO, CSV, PARQUET, DELTA }

  /** What ingest does with an ingested file whose content has changed since. */
  public enum OnChangedFile { FAIL, REINGEST }

  /** What ingest does with a compressed file that does not decompress to its end. */
  public enum OnCorruptFile { FAIL, SKIP }

  private final Config config;
  private final String warehouse;
  private final String input;
  private final InputFormat inputFormat;
  private final Optional<LocalDate> asOfDate;
  private final List<String> stages;
  private final Map<String, List<String>> columnAliases;
  private final List<String> timestampFormats;
  private final String csvDelimiter;
  private final String csvEncoding;
  private final boolean csvMultiLine;
  private final OnChangedFile onChangedFile;
  private final OnCorruptFile onCorruptFile;
  private final String sampleDir;
  private final long sampleRows;
  private final long sampleSeed;
  private final List<String> nonProductCodes;
  private final String cancellationPrefix;
  private final double maxInvalidShare;
  private final Map<String, String> spark;
  private final SegmentSettings segment;
  private final LtvSettings ltv;
  private final NextPurchaseSettings nextPurchase;
  private final ModelSettings models;
  private final RollupsSettings rollups;
  private final ReportSettings report;

  private Settings(Config c) {
    this.config = c;
    this.warehouse = nonEmpty(c, "warehouse");
    this.input = c.getString("input").trim();
    this.inputFormat = enumValue(c, "input-format", InputFormat.class);
    this.asOfDate = optionalDate(c, "as-of-date");
    this.stages = Collections.unmodifiableList(c.getStringList("stages"));
    Map<String, List<String>> aliases = new LinkedHashMap<>();
    Config cols = c.getConfig("ingest.columns");
    for (String key : new TreeMap<>(cols.root()).keySet()) {
      List<String> names = cols.getStringList(key);
      if (names.isEmpty()) {
        throw error(c, "ingest.columns." + key, "needs at least one header name");
      }
      aliases.put(key, names);
    }
    this.columnAliases = Collections.unmodifiableMap(aliases);
    this.timestampFormats = Collections.unmodifiableList(c.getStringList("ingest.timestamp-formats"));
    if (timestampFormats.isEmpty()) {
      throw error(c, "ingest.timestamp-formats", "needs at least one pattern");
    }
    this.csvDelimiter = nonEmpty(c, "ingest.csv.delimiter");
    this.csvEncoding = nonEmpty(c, "ingest.csv.encoding");
    this.csvMultiLine = c.getBoolean("ingest.csv.multi-line");
    this.onChangedFile = enumValue(c, "ingest.on-changed-file", OnChangedFile.class);
    this.onCorruptFile = enumValue(c, "ingest.on-corrupt-file", OnCorruptFile.class);
    this.sampleDir = nonEmpty(c, "sample.dir");
    this.sampleRows = positive(c, "sample.rows");
    this.sampleSeed = c.getLong("sample.seed");
    List<String> codes = new ArrayList<>();
    for (String code : c.getStringList("clean.non-product-codes")) {
      codes.add(code.trim().toUpperCase(Locale.ROOT));
    }
    this.nonProductCodes = Collections.unmodifiableList(codes);
    this.cancellationPrefix = nonEmpty(c, "clean.cancellation-prefix");
    this.maxInvalidShare = c.getDouble("clean.max-invalid-share");
    if (maxInvalidShare < 0 || maxInvalidShare > 1) {
      throw error(c, "clean.max-invalid-share", "must be between 0 and 1 (a share of rows), not " + maxInvalidShare);
    }
    Map<String, String> sparkConf = new TreeMap<>();
    for (Map.Entry<String, ConfigValue> e : c.getObject(SPARK).entrySet()) {
      ConfigValue v = e.getValue();
      if (v.valueType() == ConfigValueType.OBJECT || v.valueType() == ConfigValueType.LIST) {
        throw error(c, SPARK, "key \"" + e.getKey() + "\" must be a plain value; quote Spark keys"
            + " (\"spark.sql.shuffle.partitions\" = 8) so they stay one flat object");
      }
      sparkConf.put(e.getKey(), String.valueOf(v.unwrapped()));
    }
    this.spark = Collections.unmodifiableMap(sparkConf);
    this.segment = new SegmentSettings(c);
    this.ltv = new LtvSettings(c);
    this.nextPurchase = new NextPurchaseSettings(c);
    this.models = new ModelSettings(c);
    this.rollups = new RollupsSettings(c);
    this.report = new ReportSettings(c);
  }

  /** ltv.* */
  public static final class LtvSettings {
    public final int featureMonths;
    public final int labelMonths;
    public final double outlierQuantile;
    public final int classes;
    public final List<String> classNames;

    LtvSettings(Config c) {
      this.featureMonths = (int) positive(c, "ltv.feature-months");
      this.labelMonths = (int) positive(c, "ltv.label-months");
      this.outlierQuantile = c.getDouble("ltv.outlier-quantile");
      if (outlierQuantile <= 0 || outlierQuantile > 1) {
        throw error(c, "ltv.outlier-quantile", "must be in (0, 1]");
      }
      this.classes = (int) positive(c, "ltv.classes");
      this.classNames = Collections.unmodifiableList(c.getStringList("ltv.class-names"));
      if (classNames.size() != classes) {
        throw error(c, "ltv.class-names", "needs one name per class (" + classes + ")");
      }
    }
  }

  /** next-purchase.* */
  public static final class NextPurchaseSettings {
    public final int featureMonths;
    public final int nextMonths;
    public final List<Integer> classBounds;
    public final List<String> classNames;

    NextPurchaseSettings(Config c) {
      this.featureMonths = (int) positive(c, "next-purchase.feature-months");
      this.nextMonths = (int) positive(c, "next-purchase.next-months");
      this.classBounds = Collections.unmodifiableList(c.getIntList("next-purchase.class-bounds"));
      for (int i = 1; i < classBounds.size(); i++) {
        if (classBounds.get(i) <= classBounds.get(i - 1)) {
          throw error(c, "next-purchase.class-bounds", "must increase");
        }
      }
      this.classNames = Collections.unmodifiableList(c.getStringList("next-purchase.class-names"));
      if (classNames.size() != classBounds.size() + 1) {
        throw error(c, "next-purchase.class-names", "needs class-bounds + 1 names");
      }
    }
  }

  /** models.*: the classifiers of ltv and next_purchase. */
  public static final class ModelSettings {
    public final long seed;
    public final double testFraction;
    public final int folds;
    public final int parallelism;
    public final boolean tuning;
    public final List<Integer> rfNumTrees;
    public final List<Integer> rfMaxDepth;
    public final List<Integer> gbtMaxIter;
    public final List<Integer> gbtMaxDepth;

    ModelSettings(Config c) {
      this.seed = c.getLong("models.seed");
      this.testFraction = c.getDouble("models.test-fraction");
      if (testFraction <= 0 || testFraction >= 1) {
        throw error(c, "models.test-fraction", "must be in (0, 1)");
      }
      this.folds = c.getInt("models.folds");
      if (folds < 2) {
        throw error(c, "models.folds", "must be at least 2");
      }
      this.parallelism = (int) positive(c, "models.parallelism");
      this.tuning = c.getBoolean("models.tuning");
      this.rfNumTrees = nonEmptyInts(c, "models.grid.random-forest.num-trees");
      this.rfMaxDepth = nonEmptyInts(c, "models.grid.random-forest.max-depth");
      this.gbtMaxIter = nonEmptyInts(c, "models.grid.gbt.max-iter");
      this.gbtMaxDepth = nonEmptyInts(c, "models.grid.gbt.max-depth");
    }
  }

  private static List<Integer> nonEmptyInts(Config c, String key) {
    List<Integer> v = c.getIntList(key);
    if (v.isEmpty()) {
      throw error(c, key, "needs at least one value");
    }
    return Collections.unmodifiableList(v);
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

    SegmentSettings(Config c) {
      String k = c.getString("segment.k").trim();
      if (k.equalsIgnoreCase("auto")) {
        this.k = Optional.empty();
      } else {
        try {
          this.k = Optional.of(Integer.parseInt(k));
        } catch (NumberFormatException e) {
          throw error(c, "segment.k", "'" + k + "' is neither a number nor auto");
        }
        if (this.k.get() < 2) {
          throw error(c, "segment.k", "must be at least 2");
        }
      }
      this.kMin = c.getInt("segment.k-min");
      this.kMax = c.getInt("segment.k-max");
      if (kMin < 2 || kMax < kMin) {
        throw error(c, "segment.k-max", "need 2 <= k-min <= k-max, got " + kMin + ".." + kMax);
      }
      this.seed = c.getLong("segment.seed");
      this.maxIterations = (int) positive(c, "segment.max-iterations");
      this.initMode = c.getString("segment.init-mode");
      if (!initMode.equals("k-means||") && !initMode.equals("random")) {
        throw error(c, "segment.init-mode", "'" + initMode + "' is not k-means|| or random");
      }
      Map<String, Boolean> l = new TreeMap<>();
      for (String dim : List.of("recency", "frequency", "monetary")) {
        l.put(dim, c.getBoolean("segment.log1p." + dim));
      }
      this.log1p = Collections.unmodifiableMap(l);
      this.midScore = c.getInt("segment.mid-score");
      this.highScore = c.getInt("segment.high-score");
      if (midScore < 1 || highScore <= midScore) {
        throw error(c, "segment.high-score", "need 1 <= mid-score < high-score");
      }
      this.sweepParallelism = (int) positive(c, "segment.sweep-parallelism");
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

    RollupsSettings(Config c) {
      String home = c.getString("rollups.home-country").trim();
      this.homeCountry = home.isEmpty() ? Optional.empty() : Optional.of(home);
      List<Double> shares = new ArrayList<>();
      for (Double d : c.getDoubleList("rollups.insights.top-customer-shares")) {
        if (!(d > 0 && d <= 1)) {
          throw error(c, "rollups.insights.top-customer-shares", "each share must be in (0, 1], got " + d);
        }
        shares.add(d);
      }
      this.topCustomerShares = Collections.unmodifiableList(shares);
      this.growingCountries = (int) positive(c, "rollups.insights.growing-countries");
      this.growthWindowMonths = (int) positive(c, "rollups.insights.growth-window-months");
      this.growthMinRevenue = c.getDouble("rollups.insights.growth-min-revenue");
      if (growthMinRevenue < 0) {
        throw error(c, "rollups.insights.growth-min-revenue", "must not be negative");
      }
      this.dipMonths = (int) positive(c, "rollups.insights.dip-months");
      this.repeatSegments = (int) positive(c, "rollups.insights.repeat-segments");
      this.repeatMinRScore = c.getDouble("rollups.insights.repeat-min-r-score");
      this.repeatMaxFScore = c.getDouble("rollups.insights.repeat-max-f-score");
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

    ReportSettings(Config c) {
      this.sampleRows = (int) positive(c, "report.sample-rows");
      this.seed = c.getLong("report.seed");
      this.topCountries = (int) positive(c, "report.top-countries");
    }
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
    Config reference = ConfigFactory.parseResources(Settings.class, "/reference.conf");
    if (reference.isEmpty()) {
      throw new SettingsException("reference.conf is missing from the classpath");
    }
    Config merged = reference;
    if (configFile != null) {
      File f = new File(configFile);
      if (!f.isFile()) {
        throw new SettingsException("Config file not found: " + configFile);
      }
      Config file;
      try {
        file = ConfigFactory.parseFile(f, ConfigParseOptions.defaults().setAllowMissing(false));
      } catch (ConfigException e) {
        throw new SettingsException("Cannot parse config file " + configFile + ": " + e.getMessage());
      }
      merged = file.withFallback(merged);
    }
    for (Map.Entry<String, String> e : new TreeMap<>(ENV_OVERRIDES).entrySet()) {
      String value = env.get(e.getKey());
      if (value != null && !value.isBlank()) {
        merged = merged.withValue(ROOT + "." + e.getValue(),
            ConfigValueFactory.fromAnyRef(value, "environment variable " + e.getKey()));
      }
    }
    for (String set : sets) {
      merged = applySet(merged, reference, set);
    }
    Config resolved;
    try {
      resolved = merged.resolve();
    } catch (ConfigException e) {
      throw new SettingsException("Cannot resolve settings: " + e.getMessage());
    }
    rejectUnknownKeys(resolved, reference);
    try {
      resolved.checkValid(reference, ROOT);
      return new Settings(resolved.getConfig(ROOT));
    } catch (ConfigException.ValidationFailed e) {
      StringBuilder sb = new StringBuilder("Invalid settings:");
      e.problems().forEach(p -> sb.append("\n  ").append(p.path()).append(": ").append(p.problem())
          .append(" (").append(p.origin() == null ? "?" : p.origin().description()).append(')'));
      throw new SettingsException(sb.toString());
    } catch (ConfigException e) {
      throw new SettingsException("Invalid setting: " + e.getMessage());
    }
  }

  private static Config applySet(Config merged, Config reference, String set) {
    int eq = set.indexOf('=');
    if (eq <= 0) {
      throw new SettingsException("--set expects key=value, got '" + set + "'");
    }
    String key = set.substring(0, eq).trim();
    String value = set.substring(eq + 1).trim();
    if (key.startsWith(ROOT + ".")) {
      key = key.substring(ROOT.length() + 1);
    }
    String origin = "--set " + key;
    if (key.startsWith("spark.")) {
      // Spark keys contain dots: address them as one quoted key inside the spark object.
      return merged.withValue(ROOT + "." + SPARK + ".\"" + key + "\"",
          ConfigValueFactory.fromAnyRef(value, origin));
    }
    String path = ROOT + "." + key;
    ConfigValue v;
    if (reference.hasPath(path) && reference.getValue(path).valueType() == ConfigValueType.LIST
        && !value.startsWith("[")) {
      List<String> items = new ArrayList<>();
      for (String s : value.split(",")) {
        if (!s.isBlank()) {
          items.add(s.trim());
        }
      }
      v = ConfigValueFactory.fromIterable(items, origin);
    } else if (value.startsWith("[") || value.startsWith("{")) {
      try {
        v = ConfigFactory.parseString("v = " + value).getValue("v");
      } catch (ConfigException e) {
        throw new SettingsException("Cannot parse " + origin + "=" + value + ": " + e.getMessage());
      }
    } else {
      v = ConfigValueFactory.fromAnyRef(value, origin);
    }
    try {
      return merged.withValue(path, v.withOrigin(v.origin().withComments(null)));
    } catch (ConfigException e) {
      throw new SettingsException("Bad --set key '" + key + "': " + e.getMessage());
    }
  }

  /** Any key not in reference.conf is a typo or a stale option: fail rather than ignore it. */
  private static void rejectUnknownKeys(Config resolved, Config reference) {
    if (!resolved.hasPath(ROOT)) {
      return;
    }
    List<String> problems = new ArrayList<>();
    for (Map.Entry<String, ConfigValue> e : resolved.getConfig(ROOT).entrySet()) {
      String key = e.getKey();
      if (key.equals(SPARK) || key.startsWith(SPARK + ".")) {
        continue;
      }
      if (!reference.hasPath(ROOT + "." + key)) {
        problems.add(key + ": unknown key (" + describe(e.getValue().origin()) + ")");
      }
    }
    for (String top : resolved.root().keySet()) {
      if (!top.equals(ROOT) && reference.root().containsKey(ROOT)
          && resolved.getValue(top).origin().filename() != null) {
        problems.add(top + ": unknown top-level key, settings live under '" + ROOT + "' ("
            + describe(resolved.getValue(top).origin()) + ")");
      }
    }
    if (!problems.isEmpty()) {
      Collections.sort(problems);
      throw new SettingsException("Invalid settings:\n  " + String.join("\n  ", problems));
    }
  }

  private static String describe(ConfigOrigin o) {
    return o == null ? "?" : o.description();
  }

  private static SettingsException error(Config c, String key, String problem) {
    String where = c.hasPath(key) ? describe(c.getValue(key).origin()) : "?";
    return new SettingsException("Invalid setting " + key + ": " + problem + " (" + where + ")");
  }

  private static String nonEmpty(Config c, String key) {
    String v = c.getString(key);
    if (v.isEmpty()) {
      throw error(c, key, "must not be empty");
    }
    return v;
  }

  private static long positive(Config c, String key) {
    long v = c.getLong(key);
    if (v <= 0) {
      throw error(c, key, "must be positive, got " + v);
    }
    return v;
  }

  private static <E extends Enum<E>> E enumValue(Config c, String key, Class<E> type) {
    String v = c.getString(key).trim();
    try {
      return Enum.valueOf(type, v.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw error(c, key, "'" + v + "' is not one of "
          + Arrays.toString(type.getEnumConstants()).toLowerCase(Locale.ROOT));
    }
  }

  private static Optional<LocalDate> optionalDate(Config c, String key) {
    String v = c.getString(key).trim();
    if (v.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(LocalDate.parse(v));
    } catch (DateTimeParseException e) {
      throw error(c, key, "'" + v + "' is not a date (yyyy-MM-dd)");
    }
  }

  /** A stable digest of the effective settings, recorded with every run. */
  public String digest() {
    String rendered = config.root().render(ConfigRenderOptions.concise().setJson(true));
    try {
      byte[] h = MessageDigest.getInstance("SHA-256").digest(rendered.getBytes(StandardCharsets.UTF_8));
      StringBuilder sb = new StringBuilder();
      for (int i = 0; i < 8; i++) {
        sb.append(String.format("%02x", h[i]));
      }
      return sb.toString();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  public String warehouse() { return warehouse; }
  public String input() { return input; }
  public InputFormat inputFormat() { return inputFormat; }
  public Optional<LocalDate> asOfDate() { return asOfDate; }
  public List<String> stages() { return stages; }
  /** Target column -> accepted input header names. */
  public Map<String, List<String>> columnAliases() { return columnAliases; }
  public List<String> timestampFormats() { return timestampFormats; }
  public String csvDelimiter() { return csvDelimiter; }
  public String csvEncoding() { return csvEncoding; }
  public boolean csvMultiLine() { return csvMultiLine; }
  public OnChangedFile onChangedFile() { return onChangedFile; }
  public OnCorruptFile onCorruptFile() { return onCorruptFile; }
  public String sampleDir() { return sampleDir; }
  public long sampleRows() { return sampleRows; }
  public long sampleSeed() { return sampleSeed; }
  public List<String> nonProductCodes() { return nonProductCodes; }
  public String cancellationPrefix() { return cancellationPrefix; }
  /** Fail clean when more than this share of the newest ingest's rows is invalid. */
  public double maxInvalidShare() { return maxInvalidShare; }
  /** Spark and Hadoop settings for the session (flat, quoted keys). */
  public Map<String, String> spark() { return spark; }
  public SegmentSettings segment() { return segment; }
  public LtvSettings ltv() { return ltv; }
  public NextPurchaseSettings nextPurchase() { return nextPurchase; }
  public ModelSettings models() { return models; }
  public RollupsSettings rollups() { return rollups; }
  public ReportSettings report() { return report; }
}
