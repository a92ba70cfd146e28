package com.customeranalytics.ingest;

import static com.customeranalytics.table.Columns.COUNTRY;
import static com.customeranalytics.table.Columns.CUSTOMER_ID;
import static com.customeranalytics.table.Columns.DESCRIPTION;
import static com.customeranalytics.table.Columns.INGESTED_AT;
import static com.customeranalytics.table.Columns.INVOICE_MONTH;
import static com.customeranalytics.table.Columns.INVOICE_NO;
import static com.customeranalytics.table.Columns.INVOICE_TS;
import static com.customeranalytics.table.Columns.PARSE_ERROR;
import static com.customeranalytics.table.Columns.QUANTITY;
import static com.customeranalytics.table.Columns.RAW_RECORD;
import static com.customeranalytics.table.Columns.RUN_ID;
import static com.customeranalytics.table.Columns.SOURCE_FILE;
import static com.customeranalytics.table.Columns.SOURCE_ROW;
import static com.customeranalytics.table.Columns.STOCK_CODE;
import static com.customeranalytics.table.Columns.UNIT_PRICE;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.date_format;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.input_file_name;
import static org.apache.spark.sql.functions.isnan;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.monotonically_increasing_id;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.try_to_timestamp;
import static org.apache.spark.sql.functions.when;

import com.customeranalytics.config.Settings;
import com.customeranalytics.job.InputException;
import com.customeranalytics.job.Stage;
import com.customeranalytics.job.StageContext;
import com.customeranalytics.job.StageResult;
import com.customeranalytics.table.TableStore;
import com.customeranalytics.table.Tables;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.compress.CompressionCodec;
import org.apache.hadoop.io.compress.CompressionCodecFactory;
import org.apache.hadoop.io.compress.SplittableCompressionCodec;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Raw files -> {@code bronze_transactions}: typed columns, lineage, and every row kept. Rows whose
 * fields do not parse keep their raw text and a {@code parse_error} for the clean stage to judge.
 * Sources already in bronze are skipped, so re-ingesting adds nothing and nightly drops append.
 */
public final class IngestStage implements Stage {
  private static final Logger LOG = LoggerFactory.getLogger(IngestStage.class);
  public static final String NAME = "ingest";

  /** The eight input fields, in the UCI file's order. */
  public static final List<String> FIELDS = List.of(INVOICE_NO, STOCK_CODE, DESCRIPTION, QUANTITY,
      INVOICE_TS, UNIT_PRICE, CUSTOMER_ID, COUNTRY);
  /** Fields whose absence makes a row invalid (DESIGN.md, clean rule 1). */
  public static final List<String> REQUIRED = List.of(INVOICE_NO, STOCK_CODE, QUANTITY, INVOICE_TS,
      UNIT_PRICE);
  /** Spark's column for a line it could not split into the header's columns. */
  static final String CORRUPT = "_corrupt_record";
  /** A problem with the whole source (e.g. unknown_header), set on each of its rows. */
  static final String SOURCE_PROBLEM = "_source_problem";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public StageResult run(StageContext ctx) {
    SparkSession spark = ctx.spark();
    Settings s = ctx.settings();
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    TableStore tables = ctx.tables();

    List<Source> sources = SourceResolver.resolve(ctx.input(), s.inputFormat(), conf);
    Set<String> already = ingestedSources(tables);
    Set<String> alreadyNormalized = new HashSet<>();
    already.forEach(p -> alreadyNormalized.add(normalize(p)));

    List<Dataset<Row>> parts = new ArrayList<>();
    Map<String, List<String>> csvByHeader = new LinkedHashMap<>();
    Map<String, CsvHeader> headers = new LinkedHashMap<>();
    List<String> parquet = new ArrayList<>();
    int skipped = 0;
    int empty = 0;
    for (Source src : sources) {
      if (src.kind != Source.Kind.DELTA && alreadyNormalized.contains(normalize(src.path))) {
        skipped++;
        continue;
      }
      switch (src.kind) {
        case CSV:
          CsvHeader h = CsvHeader.read(src.path, conf, s.csvEncoding(), s.csvDelimiter(),
              s.columnAliases());
          if (h.isEmptyFile()) {
            LOG.warn("Input file {} is empty: no header, no rows", src.path);
            empty++;
            continue;
          }
          if (!h.isKnown()) {
            LOG.warn("Input file {} has an unknown header (no column for {}): its rows are kept as"
                + " invalid with reason unknown_header. Header: {}", src.path, h.missing, h.line);
          }
          csvByHeader.computeIfAbsent(h.line, k -> new ArrayList<>()).add(src.path);
          headers.putIfAbsent(h.line, h);
          break;
        case PARQUET:
          parquet.add(src.path);
          break;
        default:
          parts.add(readDelta(spark, src.path, already, s));
      }
    }
    for (Map.Entry<String, List<String>> g : csvByHeader.entrySet()) {
      CsvHeader h = headers.get(g.getKey());
      parts.add(h.isKnown() ? readCsv(spark, g.getValue(), h, s, conf) : readUnknown(spark, g.getValue(), h));
    }
    if (!parquet.isEmpty()) {
      parts.add(readNamed(spark.read().parquet(parquet.toArray(new String[0])), s, "parquet "
          + parquet));
    }
    int newSources = csvByHeader.values().stream().mapToInt(List::size).sum() + parquet.size();
    String detail = String.format("%d sources: %d new, %d already ingested, %d empty",
        sources.size(), newSources, skipped, empty);
    if (parts.isEmpty()) {
      if (!tables.exists(Tables.BRONZE_TRANSACTIONS)) {
        tables.append(Tables.BRONZE_TRANSACTIONS, spark.createDataFrame(List.of(), BRONZE_SCHEMA),
            INVOICE_MONTH);
      }
      return new StageResult(0, 0, detail);
    }
    Dataset<Row> raw = parts.get(0);
    for (int i = 1; i < parts.size(); i++) {
      raw = raw.unionByName(parts.get(i));
    }
    Dataset<Row> bronze = toBronze(raw, s, ctx.runId(), Timestamp.from(ctx.startedAt()));
    long rows = tables.append(Tables.BRONZE_TRANSACTIONS, bronze, INVOICE_MONTH);
    return new StageResult(rows, rows, detail);
  }

  /** Sources already in bronze (distinct source_file: one small dictionary-encoded column). */
  private static Set<String> ingestedSources(TableStore tables) {
    Set<String> out = new HashSet<>();
    if (tables.exists(Tables.BRONZE_TRANSACTIONS)) {
      for (Row r : tables.read(Tables.BRONZE_TRANSACTIONS).select(SOURCE_FILE).distinct()
          .collectAsList()) {
        out.add(r.getString(0));
      }
    }
    return out;
  }

  /** One spelling per path: Spark writes file:///x where Hadoop lists file:/x. */
  static String normalize(String path) {
    return new Path(new Path(path).toUri()).toUri().normalize().toString()
        .replaceFirst("^file:///", "file:/");
  }

  /** CSV files sharing one header: every column read as text, mapped by header name. */
  private static Dataset<Row> readCsv(SparkSession spark, List<String> files, CsvHeader h, Settings s,
      Configuration conf) {
    StructType schema = new StructType();
    for (String n : h.uniqueNames()) {
      schema = schema.add(n, DataTypes.StringType, true);
    }
    schema = schema.add(CORRUPT, DataTypes.StringType, true);
    Dataset<Row> df = spark.read().schema(schema)
        .option("header", "true")
        .option("enforceSchema", "true")
        .option("mode", "PERMISSIVE")
        .option("columnNameOfCorruptRecord", CORRUPT)
        .option("sep", s.csvDelimiter())
        .option("encoding", s.csvEncoding())
        .option("quote", "\"")
        .option("escape", "\"") // RFC 4180: a quote inside a quoted field is doubled
        .option("multiLine", String.valueOf(s.csvMultiLine()))
        .option("nullValue", "")
        .csv(files.toArray(new String[0]));
    List<Column> cols = new ArrayList<>();
    for (String f : FIELDS) {
      cols.add(col("`" + h.mapping.get(f) + "`").as(f));
    }
    cols.add(col(CORRUPT));
    cols.add(lit(null).cast(DataTypes.StringType).as(SOURCE_PROBLEM));
    cols.add(input_file_name().as(SOURCE_FILE));
    cols.add(monotonically_increasing_id().as(SOURCE_ROW));
    Dataset<Row> rows = df.select(cols.toArray(new Column[0]));
    if (files.stream().anyMatch(f -> !splittable(f, conf))) {
      // A .gz file is read by one task. Spreading its parsed rows over all cores lets the typing
      // and the Delta write run in parallel; hashing the row id keeps the spread deterministic.
      rows = rows.repartition(spark.sparkContext().defaultParallelism(), col(SOURCE_ROW));
    }
    return rows;
  }

  /** False for files compressed with a codec Hadoop cannot split (gzip, deflate, ...). */
  static boolean splittable(String file, Configuration conf) {
    CompressionCodec codec = new CompressionCodecFactory(conf).getCodec(new Path(file));
    return codec == null || codec instanceof SplittableCompressionCodec;
  }

  /** Files whose header we cannot map: each non-blank line is kept whole, as unknown_header. */
  private static Dataset<Row> readUnknown(SparkSession spark, List<String> files, CsvHeader h) {
    Dataset<Row> lines = spark.read().text(files.toArray(new String[0]));
    Column value = col("value");
    List<Column> cols = new ArrayList<>();
    for (String f : FIELDS) {
      cols.add(lit(null).cast(DataTypes.StringType).as(f));
    }
    cols.add(value.as(CORRUPT));
    cols.add(lit("unknown_header").as(SOURCE_PROBLEM));
    cols.add(input_file_name().as(SOURCE_FILE));
    cols.add(monotonically_increasing_id().as(SOURCE_ROW));
    return lines
        .filter(not(value.equalTo(h.line).or(value.equalTo("\uFEFF" + h.line)))
            .and(trim(value).notEqual("")))
        .select(cols.toArray(new Column[0]));
  }

  /** A Delta table as input: only its data files not yet in bronze (append-only sources). */
  private static Dataset<Row> readDelta(SparkSession spark, String path, Set<String> already,
      Settings s) {
    Dataset<Row> df = readNamed(spark.read().format("delta").load(path), s, "Delta table " + path);
    if (!already.isEmpty()) {
      df = df.filter(not(col(SOURCE_FILE).isin(already.toArray())));
    }
    return df;
  }

  /** Typed sources (Parquet, Delta): columns mapped by name, read as text, typed like CSV. */
  private static Dataset<Row> readNamed(Dataset<Row> df, Settings s, String what) {
    CsvHeader h = CsvHeader.parse(String.join(",", df.columns()), ",", s.columnAliases());
    List<Column> cols = new ArrayList<>();
    if (h.isKnown()) {
      for (String f : FIELDS) {
        cols.add(col("`" + h.mapping.get(f) + "`").cast(DataTypes.StringType).as(f));
      }
      cols.add(lit(null).cast(DataTypes.StringType).as(CORRUPT));
      cols.add(lit(null).cast(DataTypes.StringType).as(SOURCE_PROBLEM));
    } else {
      LOG.warn("{} has unknown columns (no column for {}): its rows are kept as invalid with"
          + " reason unknown_header. Columns: {}", what, h.missing, h.line);
      for (String f : FIELDS) {
        cols.add(lit(null).cast(DataTypes.StringType).as(f));
      }
      cols.add(expr("to_json(struct(*))").as(CORRUPT));
      cols.add(lit("unknown_header").as(SOURCE_PROBLEM));
    }
    cols.add(input_file_name().as(SOURCE_FILE));
    cols.add(monotonically_increasing_id().as(SOURCE_ROW));
    return df.select(cols.toArray(new Column[0]));
  }

  /** Text that is a whole number (possibly written "6.0") as {@code type}; null otherwise. */
  private static Column integral(String field, org.apache.spark.sql.types.DataType type) {
    Column dec = expr("try_cast(trim(`" + field + "`) as decimal(38,6))");
    return when(dec.equalTo(functions.floor(dec)), expr("try_cast(try_cast(trim(`" + field
        + "`) as decimal(38,6)) as " + type.sql() + ")"));
  }

  /** bronze_transactions schema: typed input fields, parse outcome, lineage. */
  public static final StructType BRONZE_SCHEMA = new StructType()
      .add(INVOICE_NO, DataTypes.StringType)
      .add(STOCK_CODE, DataTypes.StringType)
      .add(DESCRIPTION, DataTypes.StringType)
      .add(QUANTITY, DataTypes.IntegerType)
      .add(INVOICE_TS, DataTypes.TimestampType)
      .add(UNIT_PRICE, DataTypes.DoubleType)
      .add(CUSTOMER_ID, DataTypes.LongType)
      .add(COUNTRY, DataTypes.StringType)
      .add(INVOICE_MONTH, DataTypes.StringType)
      .add(PARSE_ERROR, DataTypes.StringType)
      .add(RAW_RECORD, DataTypes.StringType)
      .add(SOURCE_FILE, DataTypes.StringType)
      .add(SOURCE_ROW, DataTypes.LongType)
      .add(RUN_ID, DataTypes.StringType)
      .add(INGESTED_AT, DataTypes.TimestampType);

  /**
   * Text columns (the eight fields, {@code _corrupt_record}, {@code _source_problem},
   * source_file, source_row) -> bronze rows. Pure: no I/O, so tests call it directly.
   */
  public static Dataset<Row> toBronze(Dataset<Row> raw, Settings s, String runId, Timestamp at) {
    Map<String, Column> text = new LinkedHashMap<>();
    for (String f : FIELDS) {
      Column t = trim(col(f));
      text.put(f, when(t.notEqual(""), t)); // blank -> null
    }
    // Integral text only ("6", "6.0"); "6.5" is not a quantity. Same for customer ids ("17850.0").
    Column quantity = integral(QUANTITY, DataTypes.IntegerType);
    Column priceD = expr("try_cast(trim(" + UNIT_PRICE + ") as double)");
    Column price = when(not(isnan(priceD)).and(priceD.between(-1e12, 1e12)), priceD);
    Column customerId = integral(CUSTOMER_ID, DataTypes.LongType);
    Column[] tsAttempts = new Column[s.timestampFormats().size()];
    for (int i = 0; i < tsAttempts.length; i++) {
      tsAttempts[i] = try_to_timestamp(text.get(INVOICE_TS), lit(s.timestampFormats().get(i)));
    }
    Column ts = tsAttempts.length == 1 ? tsAttempts[0] : coalesce(tsAttempts);

    Map<String, Column> typed = new LinkedHashMap<>(text);
    typed.put(QUANTITY, quantity);
    typed.put(UNIT_PRICE, price);
    typed.put(CUSTOMER_ID, customerId);
    typed.put(INVOICE_TS, ts);

    // Problems, in field order; the clean stage uses the first as the row's reason.
    List<Column> problems = new ArrayList<>();
    problems.add(when(col(CORRUPT).isNotNull(), lit("malformed_row")));
    for (String f : FIELDS) {
      if (REQUIRED.contains(f)) {
        problems.add(when(text.get(f).isNull(), lit("missing_" + f)));
      }
      if (f.equals(QUANTITY) || f.equals(UNIT_PRICE) || f.equals(CUSTOMER_ID) || f.equals(INVOICE_TS)) {
        problems.add(when(text.get(f).isNotNull().and(typed.get(f).isNull()), lit("unparseable_" + f)));
      }
    }
    // A source we could not map has one problem, not a list of symptoms.
    Column parseError = coalesce(col(SOURCE_PROBLEM), concat_ws(";", problems.toArray(new Column[0])));
    Column rawFields = concat_ws(s.csvDelimiter(), FIELDS.stream()
        .map(f -> coalesce(col(f), lit(""))).toArray(Column[]::new));

    String err = "_err";
    Dataset<Row> withErr = raw.withColumn(err, when(parseError.notEqual(""), parseError));
    List<Column> out = new ArrayList<>();
    for (String f : FIELDS) {
      // A row Spark could not split or a source we could not map: no field is trusted.
      Column v = typed.get(f);
      out.add(when(col(SOURCE_PROBLEM).isNull(), v).cast(BRONZE_SCHEMA.apply(f).dataType()).as(f));
    }
    out.add(date_format(when(col(SOURCE_PROBLEM).isNull(), ts), "yyyy-MM").as(INVOICE_MONTH));
    out.add(col(err).as(PARSE_ERROR));
    out.add(when(col(err).isNotNull(), coalesce(col(CORRUPT), rawFields)).as(RAW_RECORD));
    out.add(col(SOURCE_FILE));
    out.add(col(SOURCE_ROW));
    out.add(lit(runId).as(RUN_ID));
    out.add(lit(at).as(INGESTED_AT));
    return withErr.select(out.toArray(new Column[0]));
  }
}
