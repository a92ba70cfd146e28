package com.customeranalytics.stage.ingest;

import static com.customeranalytics.table.Columns.CUSTOMER_ID;
import static com.customeranalytics.table.Columns.INGESTED_AT;
import static com.customeranalytics.table.Columns.INVOICE_MONTH;
import static com.customeranalytics.table.Columns.INVOICE_NO;
import static com.customeranalytics.table.Columns.INVOICE_TS;
import static com.customeranalytics.table.Columns.PARSE_ERROR;
import static com.customeranalytics.table.Columns.QUANTITY;
import static com.customeranalytics.table.Columns.RAW_RECORD;
import static com.customeranalytics.table.Columns.RUN_ID;
import static com.customeranalytics.table.Columns.SOURCE_CHECKSUM;
import static com.customeranalytics.table.Columns.SOURCE_FILE;
import static com.customeranalytics.table.Columns.SOURCE_MODIFIED_AT;
import static com.customeranalytics.table.Columns.SOURCE_ROW;
import static com.customeranalytics.table.Columns.SOURCE_SIZE;
import static com.customeranalytics.table.Columns.STOCK_CODE;
import static com.customeranalytics.table.Columns.UNIT_PRICE;
import static com.customeranalytics.table.TransactionTables.BRONZE_SCHEMA;
import static com.customeranalytics.table.TransactionTables.FIELDS;
import static com.customeranalytics.table.TransactionTables.QUARANTINE_SCHEMA;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.date_format;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.input_file_name;
import static org.apache.spark.sql.functions.isnan;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.map;
import static org.apache.spark.sql.functions.monotonically_increasing_id;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.try_to_timestamp;
import static org.apache.spark.sql.functions.unix_millis;
import static org.apache.spark.sql.functions.when;

import com.customeranalytics.config.Settings.OnChangedFile;
import com.customeranalytics.config.Settings.OnCorruptFile;
import com.customeranalytics.config.Settings;
import com.customeranalytics.job.InputException;
import com.customeranalytics.job.Stage;
import com.customeranalytics.job.StageContext;
import com.customeranalytics.job.StageResult;
import com.customeranalytics.table.TableStore;
import com.customeranalytics.table.Tables;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.compress.CompressionCodec;
import org.apache.hadoop.io.compress.CompressionCodecFactory;
import org.apache.hadoop.io.compress.SplittableCompressionCodec;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
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

  /** Fields whose absence makes a row invalid (DESIGN.md, clean rule 1). */
  public static final List<String> REQUIRED = List.of(INVOICE_NO, STOCK_CODE, QUANTITY, INVOICE_TS,
      UNIT_PRICE);
  /** Spark's column for a line it could not split into the header's columns. */
  static final String CORRUPT = "_corrupt_record";
  /** A problem with the whole source (e.g. unknown_header), set on each of its rows. */
  static final String SOURCE_PROBLEM = "_source_problem";
  /** A row's raw bytes, escaped, where the file's bytes are not all UTF-8 (null elsewhere). */
  static final String RAW_BYTES = "_raw_bytes";

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

    List<Source> sources = SourceResolver.resolve(ctx.input(), s.ingest().inputFormat, conf);
    // The bronze version everything below is based on: the write commits only if no other run
    // has written bronze since (see TableStore.appendExclusive).
    long bronzeVersion = tables.version(Tables.BRONZE_TRANSACTIONS);
    Map<String, Ingested> ingested = ingestedSources(tables);
    Map<String, String> byContent = new HashMap<>(); // checksum -> a file that has it
    Set<String> already = new HashSet<>();
    for (Ingested r : ingested.values()) {
      already.add(r.storedPath);
      if (r.checksum != null) {
        byContent.putIfAbsent(r.checksum, r.storedPath);
      }
    }

    List<Dataset<Row>> parts = new ArrayList<>();
    Map<String, List<String>> csvByHeader = new LinkedHashMap<>();
    Map<String, CsvHeader> headers = new LinkedHashMap<>();
    List<String> parquet = new ArrayList<>();
    Map<String, Ingested> identities = new LinkedHashMap<>(); // normalized path -> what is written
    List<String> replaced = new ArrayList<>(); // stored source_file of changed files (reingest)
    int skipped = 0;
    int empty = 0;
    int sameContent = 0;
    List<Row> quarantined = new ArrayList<>();
    Map<String, Set<String>> timestamps = new LinkedHashMap<>(); // CSV file -> its distinct texts
    Set<String> notUtf8 = new HashSet<>(); // UTF-8 CSV files with bytes that are not
    for (Source src : sources) {
      if (src.kind == Source.Kind.DELTA) {
        parts.add(readDelta(spark, src.path, already, s));
        continue;
      }
      if (src.size == 0) {
        LOG.warn("Input file {} is empty: no header, no rows", src.path);
        empty++;
        continue;
      }
      Ingested before = ingested.get(normalize(src.path));
      if (before != null && (before.sameListing(src) || before.checksum == null)) {
        skipped++; // unchanged (or ingested before checksums were kept: known by name only)
        continue;
      }
      // A CSV file's header first (one line), so that the checksum pass can also collect its
      // timestamps for the choice of format.
      CsvHeader h = null;
      InputException headerError = null;
      CsvScan sampler = null;
      if (src.kind == Source.Kind.CSV) {
        try {
          h = CsvHeader.read(src.path, conf, s.ingest().csvEncoding, s.ingest().csvDelimiter, s.ingest().columnAliases);
        } catch (InputException e) {
          headerError = e; // a damaged compressed file is named as such by the checksum pass
        }
        if (h != null && h.isKnown() && CsvScan.supports(s.ingest().csvEncoding, s.ingest().csvDelimiter)) {
          sampler = new CsvScan(s.ingest().csvDelimiter.charAt(0), s.ingest().csvMultiLine,
              h.names.indexOf(h.mapping.get(INVOICE_TS)),
              Charset.forName(s.ingest().csvEncoding).equals(StandardCharsets.UTF_8));
        }
      }
      String checksum;
      try {
        checksum = FileIdentity.sha256(src.path, conf, sampler);
      } catch (FileIdentity.CorruptFileException e) {
        if (s.ingest().onCorruptFile == OnCorruptFile.FAIL) {
          throw new InputException("Input file " + e.getMessage() + ". Nothing of this input is"
              + " ingested. Deliver the file again, or set ingest.on-corrupt-file = skip to ingest the"
              + " other files and record this one in " + Tables.INGEST_QUARANTINE + ".", e);
        }
        LOG.warn("Input file {}: skipped and recorded in {} (ingest.on-corrupt-file = skip)",
            e.getMessage(), Tables.INGEST_QUARANTINE);
        quarantined.add(RowFactory.create(src.path, src.size, new Timestamp(src.modifiedAt),
            e.getMessage(), ctx.runId(), Timestamp.from(ctx.startedAt())));
        continue;
      }
      if (before != null) {
        if (checksum.equals(before.checksum)) {
          skipped++; // touched, same bytes
          continue;
        }
        if (s.ingest().onChangedFile == OnChangedFile.FAIL) {
          throw new InputException(String.format("Input file %s has changed since it was ingested"
              + " (%,d bytes, %s then; %,d bytes, %s now): its rows in %s are the old content and"
              + " none of the new content is ingested. Restore the file, deliver new rows in a new"
              + " file, or set ingest.on-changed-file = reingest to replace the file's rows in"
              + " bronze with its new content.", src.path, before.size, before.checksum, src.size,
              checksum, Tables.BRONZE_TRANSACTIONS));
        }
        LOG.warn("Input file {} has changed since it was ingested ({} -> {}): its rows in {} are"
            + " replaced by the new content (ingest.on-changed-file = reingest)", src.path,
            before.checksum, checksum, Tables.BRONZE_TRANSACTIONS);
        replaced.add(before.storedPath);
      } else if (byContent.containsKey(checksum)) {
        LOG.warn("Input file {} has the same content ({}) as {}, which is already ingested or comes"
            + " first in this input: skipped, so its rows are not counted twice", src.path, checksum,
            byContent.get(checksum));
        sameContent++;
        continue;
      }
      switch (src.kind) {
        case CSV:
          if (headerError != null) {
            throw headerError;
          }
          if (h.isEmptyFile()) {
            LOG.warn("Input file {} is empty: no header, no rows", src.path);
            empty++;
            continue;
          }
          if (!h.isKnown()) {
            LOG.warn("Input file {} has an unknown header (no column for {}): its rows are kept as"
                + " invalid with reason unknown_header.{} Header: {}", src.path, h.missing,
                delimiterHint(h.line, s), h.line);
          }
          if (sampler != null) {
            if (sampler.truncated()) {
              LOG.info("Input file {}: its timestamp format is chosen from its first {} distinct"
                  + " timestamps", src.path, CsvScan.MAX_DISTINCT);
            }
            timestamps.put(normalize(src.path), sampler.values());
            if (!sampler.validUtf8()) {
              LOG.warn("Input file {} holds bytes that are not UTF-8 (ingest.csv.encoding): the rows"
                  + " with them are kept as invalid_encoding, their bytes escaped (\\xNN) in"
                  + " raw_record; set ingest.csv.encoding if the file is in another encoding", src.path);
              notUtf8.add(src.path);
            }
          }
          csvByHeader.computeIfAbsent(h.line, k -> new ArrayList<>()).add(src.path);
          headers.putIfAbsent(h.line, h);
          break;
        default:
          parquet.add(src.path);
      }
      byContent.putIfAbsent(checksum, src.path);
      identities.put(normalize(src.path), new Ingested(src.path, checksum, src.size, src.modifiedAt));
    }
    for (Map.Entry<String, List<String>> g : csvByHeader.entrySet()) {
      CsvHeader h = headers.get(g.getKey());
      if (!h.isKnown()) {
        parts.add(readUnknown(spark, g.getValue(), h));
        continue;
      }
      List<String> clean = g.getValue().stream().filter(f -> !notUtf8.contains(f)).collect(Collectors.toList());
      List<String> withBadBytes = g.getValue().stream().filter(notUtf8::contains).collect(Collectors.toList());
      if (!clean.isEmpty()) {
        parts.add(readCsv(spark, clean, h, s, conf, false));
      }
      if (!withBadBytes.isEmpty()) {
        parts.add(readCsv(spark, withBadBytes, h, s, conf, true));
      }
    }
    if (!parquet.isEmpty()) {
      parts.add(readNamed(spark.read().parquet(parquet.toArray(new String[0])), s, "parquet "
          + parquet));
    }
    int newSources = csvByHeader.values().stream().mapToInt(List::size).sum() + parquet.size();
    String detail = String.format("%d sources: %d new%s, %d already ingested%s, %d empty%s",
        sources.size(), newSources, replaced.isEmpty() ? "" : " (" + replaced.size() + " changed, reingested)",
        skipped, sameContent == 0 ? "" : ", " + sameContent + " with the content of another", empty,
        quarantined.isEmpty() ? "" : ", " + quarantined.size() + " corrupt (in " + Tables.INGEST_QUARANTINE + ")");
    if (!quarantined.isEmpty()) {
      tables.appendLog(Tables.INGEST_QUARANTINE, spark.createDataFrame(quarantined, QUARANTINE_SCHEMA).coalesce(1));
    }
    if (parts.isEmpty()) {
      if (!tables.exists(Tables.BRONZE_TRANSACTIONS)) {
        tables.appendExclusive(Tables.BRONZE_TRANSACTIONS, spark.createDataFrame(List.of(), BRONZE_SCHEMA),
            bronzeVersion, INVOICE_MONTH);
      }
      return new StageResult(0, 0, detail);
    }
    Dataset<Row> raw = parts.get(0);
    for (int i = 1; i < parts.size(); i++) {
      raw = raw.unionByName(parts.get(i));
    }
    Map<String, String> formatByFile = TimestampFormats.choose(spark, timestamps, s.ingest().timestampFormats);
    Dataset<Row> bronze = toBronze(withIdentity(raw, identities), s, formatByFile, ctx.runId(),
        Timestamp.from(ctx.startedAt()));
    long rows;
    if (replaced.isEmpty()) {
      rows = tables.appendExclusive(Tables.BRONZE_TRANSACTIONS, bronze, bronzeVersion, INVOICE_MONTH);
    } else {
      // One commit removes the changed files' old rows and adds this run's rows (which all carry
      // this run's id, so they match the predicate as replaceWhere requires).
      String predicate = TableStore.sqlIn(SOURCE_FILE, replaced) + " OR " + RUN_ID + " = "
          + TableStore.sqlString(ctx.runId());
      rows = tables.replaceWhereExclusive(Tables.BRONZE_TRANSACTIONS, predicate, bronze, bronzeVersion,
          INVOICE_MONTH);
    }
    return new StageResult(rows, rows, detail);
  }

  /** " It looks ;-delimited: set ingest.csv.delimiter = ..." when another delimiter maps the header. */
  static String delimiterHint(String header, Settings s) {
    for (String d : List.of(";", "\t", "|", ",")) {
      if (!d.equals(s.ingest().csvDelimiter) && CsvHeader.parse(header, d, s.ingest().columnAliases).isKnown()) {
        String shown = d.equals("\t") ? "\\t" : d;
        return " It looks " + (d.equals("\t") ? "tab" : "'" + d + "'") + "-delimited: set"
            + " ingest.csv.delimiter = \"" + shown + "\" (--set ingest.csv.delimiter=\"" + shown + "\").";
      }
    }
    return " Map its columns with ingest.columns, or check ingest.csv.delimiter (now '" + s.ingest().csvDelimiter + "').";
  }

  /** A source as recorded in bronze (or about to be): path as stored, content checksum, listing. */
  static final class Ingested {
    final String storedPath;
    final String checksum;
    final Long size;
    final Long modifiedAt;

    Ingested(String storedPath, String checksum, Long size, Long modifiedAt) {
      this.storedPath = storedPath;
      this.checksum = checksum;
      this.size = size;
      this.modifiedAt = modifiedAt;
    }

    /** Same size and modification time as when ingested: taken as unchanged, not re-read. */
    boolean sameListing(Source src) {
      return size != null && modifiedAt != null && size == src.size && modifiedAt == src.modifiedAt;
    }
  }

  /**
   * Sources already in bronze, by normalized path (a few small dictionary-encoded columns).
   * Bronze written before checksums were kept has none: those files are known by name only.
   */
  private static Map<String, Ingested> ingestedSources(TableStore tables) {
    Map<String, Ingested> out = new HashMap<>();
    if (!tables.exists(Tables.BRONZE_TRANSACTIONS)) {
      return out;
    }
    Dataset<Row> bronze = tables.read(Tables.BRONZE_TRANSACTIONS);
    Set<String> cols = new HashSet<>(Arrays.asList(bronze.columns()));
    Column none = lit(null);
    Dataset<Row> files = bronze.select(col(SOURCE_FILE),
        cols.contains(SOURCE_CHECKSUM) ? col(SOURCE_CHECKSUM) : none.cast(DataTypes.StringType),
        cols.contains(SOURCE_SIZE) ? col(SOURCE_SIZE) : none.cast(DataTypes.LongType),
        cols.contains(SOURCE_MODIFIED_AT) ? unix_millis(col(SOURCE_MODIFIED_AT)) : none.cast(DataTypes.LongType))
        .distinct();
    for (Row r : files.collectAsList()) {
      Ingested i = new Ingested(r.getString(0), r.isNullAt(1) ? null : r.getString(1),
          r.isNullAt(2) ? null : r.getLong(2), r.isNullAt(3) ? null : r.getLong(3));
      Ingested prev = out.putIfAbsent(normalize(i.storedPath), i);
      if (prev != null && prev.checksum == null) {
        out.put(normalize(i.storedPath), i); // a file reingested since checksums are kept
      }
    }
    return out;
  }

  /**
   * Adds each row's source checksum, size and modification time, looked up by its file. Rows of
   * a Delta input (append-only, read by data file) get null.
   */
  private static Dataset<Row> withIdentity(Dataset<Row> raw, Map<String, Ingested> identities) {
    if (identities.isEmpty()) {
      return raw.withColumn(SOURCE_CHECKSUM, lit(null).cast(DataTypes.StringType))
          .withColumn(SOURCE_SIZE, lit(null).cast(DataTypes.LongType))
          .withColumn(SOURCE_MODIFIED_AT, lit(null).cast(DataTypes.TimestampType));
    }
    List<Column> sums = new ArrayList<>();
    List<Column> sizes = new ArrayList<>();
    List<Column> times = new ArrayList<>();
    for (Map.Entry<String, Ingested> e : identities.entrySet()) {
      for (String spelling : spellings(e.getKey())) {
        sums.add(lit(spelling));
        sums.add(lit(e.getValue().checksum));
        sizes.add(lit(spelling));
        sizes.add(lit(e.getValue().size));
        times.add(lit(spelling));
        times.add(lit(new Timestamp(e.getValue().modifiedAt)));
      }
    }
    Column file = col(SOURCE_FILE);
    return raw.withColumn(SOURCE_CHECKSUM, element_at(map(sums.toArray(new Column[0])), file))
        .withColumn(SOURCE_SIZE, element_at(map(sizes.toArray(new Column[0])), file))
        .withColumn(SOURCE_MODIFIED_AT, element_at(map(times.toArray(new Column[0])), file));
  }

  /**
   * The spellings a file {@link #normalize}d to {@code normalized} may have in a row's
   * source_file: Spark writes file:///x where Hadoop lists file:/x. Looked up as they are, not
   * rewritten row by row (a regular expression per row was 6% of ingest's time).
   */
  static List<String> spellings(String normalized) {
    return normalized.startsWith("file:/") && !normalized.startsWith("file://")
        ? List.of(normalized, "file://" + normalized.substring("file:".length())) : List.of(normalized);
  }

  /** One spelling per path: Spark writes file:///x where Hadoop lists file:/x. */
  static String normalize(String path) {
    return new Path(new Path(path).toUri()).toUri().normalize().toString()
        .replaceFirst("^file:///", "file:/");
  }

  /** CSV files sharing one header: every column read as text, mapped by header name. */
  /**
   * CSV files sharing one header: every column read as text, mapped by header name. With
   * {@code keepBytes} (UTF-8 files holding bytes that are not UTF-8) the bytes are read one char
   * each (ISO-8859-1, lossless) and each field decoded as UTF-8 here: the fields are what a UTF-8
   * read gives (U+FFFD for a bad sequence, so the row is flagged invalid_encoding), and the raw
   * bytes stay available, escaped, for raw_record.
   */
  private static Dataset<Row> readCsv(SparkSession spark, List<String> files, CsvHeader h, Settings s,
      Configuration conf, boolean keepBytes) {
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
        .option("sep", s.ingest().csvDelimiter)
        .option("encoding", keepBytes ? "ISO-8859-1" : s.ingest().csvEncoding)
        .option("quote", "\"")
        .option("escape", "\"") // RFC 4180: a quote inside a quoted field is doubled
        .option("multiLine", String.valueOf(s.ingest().csvMultiLine))
        .option("nullValue", "")
        .csv(files.toArray(new String[0]));
    List<Column> cols = new ArrayList<>();
    List<Column> bytes = new ArrayList<>();
    for (String f : FIELDS) {
      Column field = col("`" + h.mapping.get(f) + "`");
      cols.add((keepBytes ? functions.decode(functions.encode(field, "ISO-8859-1"), "UTF-8") : field).as(f));
      bytes.add(coalesce(field, lit("")));
    }
    cols.add(col(CORRUPT));
    cols.add(lit(null).cast(DataTypes.StringType).as(SOURCE_PROBLEM));
    cols.add(keepBytes ? escapedBytes(concat_ws(s.ingest().csvDelimiter, bytes.toArray(new Column[0]))).as(RAW_BYTES)
        : lit(null).cast(DataTypes.StringType).as(RAW_BYTES));
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

  /** Text read as ISO-8859-1 (one char per byte) with every byte above 0x7F written \\xNN. */
  private static Column escapedBytes(Column latin1) {
    return functions.array_join(functions.transform(functions.split(latin1, ""), c -> when(
        functions.ascii(c).geq(128), functions.concat(lit("\\x"), functions.upper(functions.hex(functions.ascii(c)))))
        .otherwise(c)), "");
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
    cols.add(lit(null).cast(DataTypes.StringType).as(RAW_BYTES));
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
    CsvHeader h = CsvHeader.parse(String.join(",", df.columns()), ",", s.ingest().columnAliases);
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
    cols.add(lit(null).cast(DataTypes.StringType).as(RAW_BYTES));
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

  /**
   * Text columns (the eight fields, {@code _corrupt_record}, {@code _source_problem},
   * source_file, source_row) -> bronze rows. Pure: no I/O, so tests call it directly.
   */
  public static Dataset<Row> toBronze(Dataset<Row> raw, Settings s, String runId, Timestamp at) {
    return toBronze(raw, s, Map.of(), runId, at);
  }

  /**
   * As {@link #toBronze(Dataset, Settings, String, Timestamp)}, each file of {@code formatByFile}
   * (normalized path -> format, see {@link TimestampFormats}) read with its own timestamp format;
   * other rows with the first of ingest.timestamp-formats that parses them.
   */
  static Dataset<Row> toBronze(Dataset<Row> raw, Settings s, Map<String, String> formatByFile,
      String runId, Timestamp at) {
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
    Column[] tsAttempts = new Column[s.ingest().timestampFormats.size()];
    for (int i = 0; i < tsAttempts.length; i++) {
      tsAttempts[i] = try_to_timestamp(text.get(INVOICE_TS), lit(s.ingest().timestampFormats.get(i)));
    }
    Column ts = tsAttempts.length == 1 ? tsAttempts[0] : coalesce(tsAttempts);
    if (!formatByFile.isEmpty()) {
      Map<String, List<String>> filesByFormat = new LinkedHashMap<>();
      formatByFile.forEach((file, f) -> filesByFormat.computeIfAbsent(f, k -> new ArrayList<>()).add(file));
      Column perFile = null;
      for (Map.Entry<String, List<String>> e : filesByFormat.entrySet()) {
        Column in = col(SOURCE_FILE).isin(e.getValue().stream().flatMap(f -> spellings(f).stream()).toArray());
        Column read = try_to_timestamp(text.get(INVOICE_TS), lit(e.getKey()));
        perFile = perFile == null ? when(in, read) : perFile.when(in, read);
      }
      ts = perFile.otherwise(ts);
    }

    Map<String, Column> typed = new LinkedHashMap<>(text);
    typed.put(QUANTITY, quantity);
    typed.put(UNIT_PRICE, price);
    typed.put(CUSTOMER_ID, customerId);
    typed.put(INVOICE_TS, ts);

    // Problems, in field order; the clean stage uses the first as the row's reason.
    List<Column> problems = new ArrayList<>();
    problems.add(when(col(CORRUPT).isNotNull(), lit("malformed_row")));
    // Bytes that are not text in ingest.csv.encoding reach us as U+FFFD: flagged, not passed on.
    Column replaced = lit(false);
    for (String f : FIELDS) {
      replaced = replaced.or(coalesce(col(f).contains("\uFFFD"), lit(false)));
    }
    problems.add(when(replaced, lit("invalid_encoding")));
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
    Column rawFields = concat_ws(s.ingest().csvDelimiter, FIELDS.stream()
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
    Column rawBytes = Arrays.asList(raw.columns()).contains(RAW_BYTES) ? col(RAW_BYTES) : lit(null);
    out.add(when(col(err).isNotNull(), coalesce(col(CORRUPT), rawBytes, rawFields)).as(RAW_RECORD));
    out.add(col(SOURCE_FILE));
    out.add(col(SOURCE_ROW));
    out.add(lit(runId).as(RUN_ID));
    out.add(lit(at).as(INGESTED_AT));
    // The source file's identity (see FileIdentity); null where the input has none.
    List<String> present = Arrays.asList(raw.columns());
    for (String c : List.of(SOURCE_CHECKSUM, SOURCE_SIZE, SOURCE_MODIFIED_AT)) {
      out.add((present.contains(c) ? col(c) : lit(null)).cast(BRONZE_SCHEMA.apply(c).dataType()).as(c));
    }
    return withErr.select(out.toArray(new Column[0]));
  }
}
