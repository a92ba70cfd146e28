package com.customeranalytics.generate;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Online Retail-shaped transactions, deterministic for a seed (same seed, same bytes) and
 * streamed: memory is a fixed product catalogue, whatever the row count.
 *
 * <p>Shape: heavy-tailed purchase counts and spend, ~40% one-time buyers, customers who stop
 * buying, November-peaking seasonality, ~90% of revenue from one home country and a tail of 36
 * others, ~25% guest lines, ~2% cancellation lines, non-product codes, zero prices, exact
 * duplicate lines and ~0.1% malformed rows. Dates span the real file's 2010-12-01..2011-12-09.
 */
public final class TransactionGenerator {
  public enum Format { CSV, PARQUET }

  static final LocalDate START = LocalDate.of(2010, 12, 1);
  static final LocalDate END = LocalDate.of(2011, 12, 9);
  private static final int DAYS = (int) ChronoUnit.DAYS.between(START, END) + 1;
  /** Relative daily sales by month, Jan..Dec: the real file's shape, peaking in November. */
  private static final double[] MONTH_WEIGHT =
      {0.56, 0.50, 0.68, 0.56, 0.75, 0.68, 0.66, 0.68, 0.98, 1.10, 1.45, 0.80};
  static final String HOME = "United Kingdom";
  private static final String[] OTHER_COUNTRIES = {"Germany", "France", "EIRE", "Spain",
      "Netherlands", "Belgium", "Switzerland", "Portugal", "Australia", "Norway", "Italy",
      "Channel Islands", "Finland", "Cyprus", "Sweden", "Austria", "Denmark", "Japan", "Poland",
      "USA", "Israel", "Unspecified", "Singapore", "Iceland", "Canada", "Greece", "Malta",
      "United Arab Emirates", "European Community", "RSA", "Lebanon", "Lithuania", "Brazil",
      "Czech Republic", "Bahrain", "Saudi Arabia"};
  private static final int PRODUCTS = 3800;
  private static final String[] ADJ = {"WHITE", "RED", "PINK", "BLUE", "GREEN", "VINTAGE", "RETRO",
      "HANGING", "JUMBO", "SMALL", "LARGE", "REGENCY", "PAISLEY", "SPOTTY", "HEART", "CHRISTMAS"};
  private static final String[] NOUN = {"T-LIGHT HOLDER", "LANTERN", "BAG", "CAKE STAND", "MUG",
      "TEACUP AND SAUCER", "LUNCH BOX", "NOTEBOOK", "CANDLE", "BUNTING", "CUSHION COVER",
      "PHOTO FRAME", "DOORMAT", "CLOCK", "PARTY CONES", "WATER BOTTLE", "JAR", "TRINKET BOX"};

  private final long seed;
  private final String[] stockCodes = new String[PRODUCTS];
  private final String[] descriptions = new String[PRODUCTS];
  private final int[] priceCents = new int[PRODUCTS];
  private final double[] productCdf = new double[PRODUCTS];
  private final double[] countryCdf = new double[OTHER_COUNTRIES.length];
  private final double[] dayWeight = new double[DAYS];
  private double maxDayWeight;

  public TransactionGenerator(long seed) {
    this.seed = seed;
    SplittableRandom r = new SplittableRandom(seed ^ 0x5DEECE66DL);
    double acc = 0;
    for (int p = 0; p < PRODUCTS; p++) {
      stockCodes[p] = (10002 + p * 5 + r.nextInt(5)) + (r.nextInt(6) == 0 ? String.valueOf((char) ('A' + r.nextInt(6))) : "");
      String d = ADJ[r.nextInt(ADJ.length)] + " " + ADJ[r.nextInt(ADJ.length)] + " " + NOUN[r.nextInt(NOUN.length)];
      if (r.nextInt(40) == 0) {
        d = "SET OF " + (2 + r.nextInt(5)) + " " + d + ", ASSORTED"; // a comma: needs quoting
      } else if (r.nextInt(200) == 0) {
        d = d + " \"DELUXE\""; // quotes inside a field
      }
      descriptions[p] = d;
      priceCents[p] = Math.max(10, (int) Math.round(Math.exp(Math.log(210) + 0.85 * gaussian(r)) / 5) * 5);
      acc += 1.0 / Math.pow(p + 1, 0.6); // Zipf popularity
      productCdf[p] = acc;
    }
    acc = 0;
    for (int c = 0; c < OTHER_COUNTRIES.length; c++) {
      acc += 1.0 / Math.pow(c + 1, 1.3);
      countryCdf[c] = acc;
    }
    for (int d = 0; d < DAYS; d++) {
      LocalDate day = START.plusDays(d);
      double w = MONTH_WEIGHT[day.getMonthValue() - 1];
      dayWeight[d] = day.getDayOfWeek() == DayOfWeek.SATURDAY ? 0 : w; // the shop ships no Saturdays
      maxDayWeight = Math.max(maxDayWeight, dayWeight[d]);
    }
  }

  /** Writes {@code rows} rows into {@code outDir}/transactions.(csv|parquet); returns the file. */
  public Path generate(long rows, Path outDir, Format format) throws IOException {
    Files.createDirectories(outDir);
    Path file = outDir.resolve("transactions." + format.name().toLowerCase(Locale.ROOT));
    if (format == Format.CSV) {
      try (OutputStream os = Files.newOutputStream(file); RowSink sink = new CsvSink(os)) {
        write(rows, sink);
      }
    } else {
      try (RowSink sink = new ParquetSink(file.toAbsolutePath().toString())) {
        write(rows, sink);
      }
    }
    return file;
  }

  /** Streams exactly {@code rows} rows to the sink. */
  void write(long rows, RowSink sink) throws IOException {
    new Run(rows, sink).go();
  }

  /** One generation pass: its RNG and counters. */
  private final class Run {
    private final SplittableRandom r = new SplittableRandom(seed);
    private final long target;
    private final RowSink sink;
    private long written;
    private long invoiceNo = 536365;
    private double guestDebt;

    Run(long target, RowSink sink) {
      this.target = target;
      this.sink = sink;
    }

    void go() throws IOException {
      long customer = 12346;
      while (written < target) {
        customer(customer++);
      }
    }

    private void customer(long id) throws IOException {
      String country = r.nextDouble() < 0.89 ? HOME : OTHER_COUNTRIES[pick(countryCdf, r.nextDouble())];
      int invoices = r.nextDouble() < 0.40 ? 1
          : Math.min(250, 2 + (int) (2 * Math.pow(1 - r.nextDouble(), -1 / 1.1) - 2));
      double spend = 0.4 * Math.exp(0.8 * gaussian(r)) * (r.nextInt(30) == 0 ? 8 : 1);
      // Half are existing customers already buying when the data starts; the rest arrive later.
      int first = r.nextBoolean() ? sampleDay(0, 60) : sampleDay(0, DAYS - 1);
      int last = DAYS - 1;
      if (invoices > 1 && r.nextDouble() < 0.35) { // stops buying
        last = Math.min(DAYS - 1, first + 7 + (int) (-90 * Math.log(1 - r.nextDouble())));
      }
      for (int i = 0; i < invoices && written < target; i++) {
        int day = i == 0 ? first : sampleDay(first, last);
        int lines = invoice(String.valueOf(id), country, day, spend, false);
        guestDebt += lines / 3.0; // guests ~25% of all lines
      }
      while (guestDebt > 0 && written < target) {
        String gc = r.nextDouble() < 0.97 ? HOME : OTHER_COUNTRIES[pick(countryCdf, r.nextDouble())];
        guestDebt -= invoice(null, gc, sampleDay(0, DAYS - 1), 1.0, true);
      }
    }

    /** Emits one invoice (and maybe its cancellation); returns lines written. */
    private int invoice(String customerId, String country, int day, double spend, boolean guest)
        throws IOException {
      String no = String.valueOf(invoiceNo++);
      if (r.nextInt(10000) == 0) {
        no = "A" + no; // bad-debt adjustment
      }
      String ts = timestamp(day);
      int lines = Math.min(300, 1 + (int) Math.exp(Math.log(guest ? 30 : 12) + 0.9 * gaussian(r)));
      long before = written;
      int[] products = new int[Math.min(lines, 40)]; // remembered for a cancellation
      int[] qty = new int[products.length];
      for (int l = 0; l < lines && written < target; l++) {
        int p = pick(productCdf, r.nextDouble());
        int q = quantity(spend);
        if (l < products.length) {
          products[l] = p;
          qty[l] = q;
        }
        String[] f = {no, stockCodes[p], descriptions[p], String.valueOf(q), ts,
            price(r.nextInt(2000) == 0 ? 0 : priceCents[p]), customerId, country};
        emit(f);
        if (r.nextInt(300) == 0 && written < target) {
          emit(f); // exact duplicate line
        }
      }
      if (written < target && r.nextDouble() < (HOME.equals(country) ? 0.03 : 0.5)) {
        emit(new String[] {no, "POST", "POSTAGE", "1", ts, price(1800), customerId, country});
      }
      if (written < target && r.nextInt(300) == 0) {
        emit(new String[] {no, "M", "Manual", "1", ts, price(50 + r.nextInt(5000)), customerId, country});
      }
      if (written < target && guest && r.nextInt(20) == 0) {
        emit(new String[] {no, "DOT", "DOTCOM POSTAGE", "1", ts, price(500 + r.nextInt(3000)), null, country});
      }
      if (written < target && r.nextInt(1000) == 0) {
        emit(new String[] {no, "BANK CHARGES", "Bank Charges", "1", ts, price(1500), customerId, country});
      }
      if (written < target && !guest && r.nextDouble() < 0.12) { // cancel part of the order
        String cno = "C" + invoiceNo++;
        String cts = timestamp(Math.min(DAYS - 1, day + r.nextInt(20)));
        int n = Math.max(1, products.length / 4);
        for (int l = 0; l < n && written < target; l++) {
          emit(new String[] {cno, stockCodes[products[l]], descriptions[products[l]],
              String.valueOf(-qty[l]), cts, price(priceCents[products[l]]), customerId, country});
        }
        if (written < target && r.nextInt(10) == 0) {
          emit(new String[] {cno, "D", "Discount", "-1", cts, price(100 + r.nextInt(2000)), customerId, country});
        }
      }
      return (int) (written - before);
    }

    /** Writes a row; about 0.1% come out malformed in one of several ways. */
    private void emit(String[] f) throws IOException {
      written++;
      if (r.nextInt(1000) != 0) {
        sink.row(f);
        return;
      }
      String[] bad = Arrays.copyOf(f, f.length);
      switch (r.nextInt(6)) {
        case 0:
          bad[3] = "x" + f[3]; // non-numeric quantity
          break;
        case 1:
          bad[4] = "2011-02-30 10:00:00"; // impossible date
          break;
        case 2:
          bad[1] = null; // missing stock code
          break;
        case 3:
          bad[5] = "N/A"; // non-numeric price
          break;
        case 4:
          bad[4] = "31.12.2010 10:00"; // date in another format
          break;
        default:
          String[] few = Arrays.copyOf(f, 5); // too few columns
          sink.malformed(String.join(",", few[0], few[1], "\"" + few[2].replace("\"", "\"\"") + "\"", few[3], few[4]),
              new String[] {f[0], f[1], f[2], f[3], f[4], null, null, null});
          return;
      }
      sink.row(bad);
    }

    private int quantity(double spend) {
      int[] base = {1, 1, 2, 2, 3, 4, 6, 6, 8, 10, 12, 12, 12, 24, 24, 36, 48};
      double q = base[r.nextInt(base.length)] * spend;
      if (r.nextInt(200) == 0) {
        q *= 20; // occasional wholesale line
      }
      return Math.max(1, (int) Math.round(q));
    }

    /** A day in [from, to] drawn by the seasonal weights (rejection sampling). */
    private int sampleDay(int from, int to) {
      for (int tries = 0; tries < 1000; tries++) {
        int d = from + r.nextInt(to - from + 1);
        if (r.nextDouble() * maxDayWeight < dayWeight[d]) {
          return d;
        }
      }
      return from;
    }

    private String timestamp(int day) {
      int minute = 7 * 60 + r.nextInt(13 * 60);
      return String.format(Locale.ROOT, "%s %02d:%02d:00", START.plusDays(day), minute / 60, minute % 60);
    }
  }

  private static String price(int cents) {
    return cents / 100 + "." + (cents % 100 < 10 ? "0" : "") + cents % 100;
  }

  /** Index drawn from an unnormalised cdf, for u uniform in [0, 1). */
  private static int pick(double[] cdf, double u) {
    int i = Arrays.binarySearch(cdf, u * cdf[cdf.length - 1]);
    return Math.min(cdf.length - 1, i >= 0 ? i : -i - 1);
  }

  /** Standard normal from two uniforms (Box-Muller), deterministic for the RNG. */
  private static double gaussian(SplittableRandom r) {
    double u = 1 - r.nextDouble();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * r.nextDouble());
  }
}
