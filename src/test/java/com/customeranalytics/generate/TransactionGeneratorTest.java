package com.customeranalytics.generate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TransactionGeneratorTest {
  private static final int ROWS = 300_000;
  @TempDir static Path dir;
  private static Stats stats;

  @BeforeAll
  static void generate() throws IOException {
    Path f = new TransactionGenerator(42).generate(ROWS, dir.resolve("shape"), TransactionGenerator.Format.CSV);
    stats = Stats.of(f);
  }

  @Test
  void sameSeedSameBytesOtherSeedOtherBytes() throws Exception {
    Path a = new TransactionGenerator(7).generate(20_000, dir.resolve("a"), TransactionGenerator.Format.CSV);
    Path b = new TransactionGenerator(7).generate(20_000, dir.resolve("b"), TransactionGenerator.Format.CSV);
    Path c = new TransactionGenerator(8).generate(20_000, dir.resolve("c"), TransactionGenerator.Format.CSV);
    assertThat(sha256(a)).isEqualTo(sha256(b)).isNotEqualTo(sha256(c));
    Path pa = new TransactionGenerator(7).generate(5_000, dir.resolve("pa"), TransactionGenerator.Format.PARQUET);
    Path pb = new TransactionGenerator(7).generate(5_000, dir.resolve("pb"), TransactionGenerator.Format.PARQUET);
    assertThat(sha256(pa)).isEqualTo(sha256(pb));
  }

  @Test
  void writesExactlyTheRowsAskedForWithTheUciHeader() throws IOException {
    Path f = new TransactionGenerator(1).generate(1234, dir.resolve("n"), TransactionGenerator.Format.CSV);
    List<String> lines = Files.readAllLines(f, StandardCharsets.UTF_8);
    assertThat(lines).hasSize(1235);
    assertThat(lines.get(0)).isEqualTo(
        "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country");
    assertThat(stats.rows).isEqualTo(ROWS);
  }

  @Test
  void isOnlineRetailShaped() {
    assertThat(stats.share(stats.guest)).as("guest lines").isCloseTo(0.25, within(0.03));
    assertThat(stats.share(stats.cancel)).as("cancellation lines").isCloseTo(0.02, within(0.008));
    assertThat(stats.share(stats.malformed)).as("malformed rows").isCloseTo(0.001, within(0.0005));
    assertThat(stats.oneTimeShare()).as("one-time buyers").isCloseTo(0.40, within(0.05));
    assertThat(stats.homeRevenueShare()).as("home-country revenue").isCloseTo(0.90, within(0.05));
    assertThat(stats.countries).as("countries").hasSizeBetween(30, 40);
    assertThat(stats.peakMonth()).as("peak month").isEqualTo("2011-11");
    assertThat(stats.zeroPrice).as("zero-price lines").isPositive();
    assertThat(stats.duplicates).as("exact duplicate lines").isPositive();
    assertThat(stats.codes.keySet()).as("non-product codes").contains("POST", "M", "DOT");
    // Heavy tail: the top 10% of customers bring far more than 10% of revenue.
    assertThat(stats.topDecileRevenueShare()).as("top-decile revenue share").isGreaterThan(0.4);
    // Some customers stop buying: many last purchases well before the end of the data.
    assertThat(stats.lapsedShare()).as("customers silent in the last 3 months").isGreaterThan(0.2);
  }

  private static String sha256(Path f) throws Exception {
    byte[] h = MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f));
    StringBuilder sb = new StringBuilder();
    for (byte x : h) {
      sb.append(String.format("%02x", x));
    }
    return sb.toString();
  }

  /** Counts computed straight from the CSV text, independent of the ingest code. */
  static final class Stats {
    long rows;
    long guest;
    long cancel;
    long malformed;
    long zeroPrice;
    long duplicates;
    final Map<String, Long> codes = new HashMap<>();
    final Set<String> countries = new HashSet<>();
    final Map<String, Double> monthRevenue = new HashMap<>();
    final Map<String, Set<String>> invoicesByCustomer = new HashMap<>();
    final Map<String, Double> revenueByCustomer = new HashMap<>();
    final Map<String, String> lastDayByCustomer = new HashMap<>();
    double homeRevenue;
    double revenue;

    double share(long n) {
      return n / (double) rows;
    }

    double oneTimeShare() {
      return invoicesByCustomer.values().stream().filter(s -> s.size() == 1).count()
          / (double) invoicesByCustomer.size();
    }

    double homeRevenueShare() {
      return homeRevenue / revenue;
    }

    String peakMonth() {
      return monthRevenue.entrySet().stream().max(Map.Entry.comparingByValue()).get().getKey();
    }

    double topDecileRevenueShare() {
      List<Double> v = new ArrayList<>(revenueByCustomer.values());
      v.sort((a, b) -> Double.compare(b, a));
      double top = v.subList(0, v.size() / 10).stream().mapToDouble(Double::doubleValue).sum();
      return top / v.stream().mapToDouble(Double::doubleValue).sum();
    }

    double lapsedShare() {
      return lastDayByCustomer.values().stream().filter(d -> d.compareTo("2011-09-09") < 0).count()
          / (double) lastDayByCustomer.size();
    }

    static Stats of(Path f) throws IOException {
      Stats s = new Stats();
      Set<String> seen = new HashSet<>();
      try (BufferedReader in = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
        in.readLine();
        String line;
        while ((line = in.readLine()) != null) {
          s.rows++;
          List<String> c = split(line);
          if (c.size() != 8 || c.get(1).isEmpty() || !c.get(3).matches("-?\\d+")
              || !c.get(5).matches("\\d+\\.\\d+") || !c.get(4).matches("\\d{4}-\\d\\d-\\d\\d .*")
              || c.get(4).startsWith("2011-02-30")) {
            s.malformed++;
            continue;
          }
          String customer = c.get(6);
          if (customer.isEmpty()) {
            s.guest++;
          }
          if (c.get(0).startsWith("C")) {
            s.cancel++;
            continue;
          }
          if (!c.get(1).matches("\\d.*")) {
            s.codes.merge(c.get(1), 1L, Long::sum);
            continue;
          }
          double rev = Integer.parseInt(c.get(3)) * Double.parseDouble(c.get(5));
          if (rev == 0) {
            s.zeroPrice++;
          }
          if (!seen.add(line)) {
            s.duplicates++;
          }
          s.revenue += rev;
          s.countries.add(c.get(7));
          if (c.get(7).equals(TransactionGenerator.HOME)) {
            s.homeRevenue += rev;
          }
          s.monthRevenue.merge(c.get(4).substring(0, 7), rev, Double::sum);
          if (!customer.isEmpty()) {
            s.invoicesByCustomer.computeIfAbsent(customer, k -> new HashSet<>()).add(c.get(0));
            s.revenueByCustomer.merge(customer, rev, Double::sum);
            s.lastDayByCustomer.merge(customer, c.get(4).substring(0, 10),
                (x, y) -> x.compareTo(y) >= 0 ? x : y);
          }
        }
      }
      return s;
    }

    private static List<String> split(String line) {
      List<String> out = new ArrayList<>();
      StringBuilder cur = new StringBuilder();
      boolean q = false;
      for (int i = 0; i < line.length(); i++) {
        char ch = line.charAt(i);
        if (ch == '"') {
          if (q && i + 1 < line.length() && line.charAt(i + 1) == '"') {
            cur.append('"');
            i++;
          } else {
            q = !q;
          }
        } else if (ch == ',' && !q) {
          out.add(cur.toString());
          cur.setLength(0);
        } else {
          cur.append(ch);
        }
      }
      out.add(cur.toString());
      return out;
    }
  }
}
