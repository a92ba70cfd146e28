package com.customeranalytics.stage.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.customeranalytics.table.ModelTables;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/** The SVG chart helper and the report's small parsers, on exact values. */
class SvgTest {
  @Test
  void ticksAreRoundAndCoverTheRange() {
    assertThat(Svg.ticks(0, 97, 5)).containsExactly(0, 20, 40, 60, 80, 100);
    assertThat(Svg.ticks(0.31, 0.93, 5)).containsExactly(0.2, 0.4, 0.6, 0.8, 1.0);
    assertThat(Svg.ticks(0, 0.3, 3)).containsExactly(0, 0.1, 0.2, 0.3);
    assertThat(Svg.ticks(5, 5, 5)).containsExactly(5, 5.2, 5.4, 5.6, 5.8, 6); // a flat series still gets an axis
  }

  @Test
  void compactNumbers() {
    assertThat(Svg.compact(1_452_115.98)).isEqualTo("1.5M");
    assertThat(Svg.compact(45_000)).isEqualTo("45k");
    assertThat(Svg.compact(2_197)).isEqualTo("2197");
    assertThat(Svg.compact(12)).isEqualTo("12");
    assertThat(Svg.compact(0.85)).isEqualTo("0.85");
    assertThat(Svg.compact(0.5)).isEqualTo("0.5");
  }

  @Test
  void escapesTextForHtml() {
    assertThat(Svg.escape("A&B <x> \"q\" 'a'")).isEqualTo("A&amp;B &lt;x&gt; &quot;q&quot; &#39;a&#39;");
  }

  @Test
  void groupedBarsDrawOneRectPerValue() {
    String svg = Svg.bars("Shares", "%", List.of("Low", "Mid", "High"),
        List.of(Svg.Series.of("customers", new double[] {50, 40, 10}),
            Svg.Series.of("revenue", new double[] {10, Double.NaN, 60})), null);
    assertThat(svg).startsWith("<svg xmlns=\"http://www.w3.org/2000/svg\"").endsWith("</svg>\n");
    assertThat(count(svg, "<rect class=\"bar\"")).isEqualTo(5); // NaN draws nothing
    assertThat(svg).contains("<title>revenue, High: 60</title>");
  }

  @Test
  void lineBreaksAtMissingValues() {
    String svg = Svg.line("Retention", null, "%", List.of(Svg.Series.of("r", new double[] {Double.NaN, 30, 40})),
        List.of("2010-12", "2011-01", "2011-02"));
    assertThat(count(svg, "<path class=\"series\"")).isEqualTo(1);
    assertThat(count(svg, " L")).isEqualTo(1); // one segment: 2011-01 to 2011-02
    assertThat(svg).contains(">2010-12</text>");
  }

  @Test
  void heatmapColoursCellsByValue() {
    String html = Svg.heatmap("Confusion", "true \\ predicted", List.of("Low", "High"), List.of("Low", "High"),
        new double[][] {{8, 2}, {0, Double.NaN}}, v -> String.format(Locale.ROOT, "%.0f", v));
    assertThat(html).contains("<td style=\"background:#4e79a7;color:#fff\">8</td>")
        .contains("<td style=\"background:#ffffff;color:#222\">0</td>")
        .contains("<td></td>");
  }

  @Test
  void scatterOnLogScaleLabelsPowersOfTen() {
    String svg = Svg.scatter("LTV", "score", "revenue", List.of(new Svg.Series("Low",
        new double[] {0, 1, 2}, new double[] {0, 9, 999})), true);
    assertThat(count(svg, "<circle class=\"point\"")).isEqualTo(3);
    assertThat(svg).contains(">1000</text>").contains("revenue (log scale)");
  }

  @Test
  void jitteredScoresGetWholeNumberTicksAndNoRoundedOutAxis() {
    String svg = Svg.scatter("LTV", "score", "revenue", List.of(new Svg.Series("Low",
        new double[] {-0.3, 2.1, 5.8, 6.2}, new double[] {1, 2, 3, 4})), true, true);
    for (int t = 0; t <= 6; t++) {
      assertThat(svg).contains(">" + t + "</text>");
    }
    assertThat(svg).doesNotContain(">-1</text>").doesNotContain(">-2</text>").doesNotContain(">7</text>")
        .doesNotContain(">8</text>");
    assertThat(count(svg, "<circle class=\"point\"")).isEqualTo(4);
  }

  @Test
  void aucAndConfusionParsing() {
    Extract roc = new Extract("roc", List.of("fpr", "tpr"), List.of(new Object[] {0.0, 0.0},
        new Object[] {0.0, 0.5}, new Object[] {0.5, 1.0}, new Object[] {1.0, 1.0}));
    assertThat(Charts.auc(roc)).isCloseTo(0.875, within(1e-12));
    assertThat(Charts.confusion("[[7,1],[3,9]]")).isEqualTo(new long[][] {{7, 1}, {3, 9}});
    assertThat(ModelTables.key("over_50_or_none")).isEqualTo("over_50_or_none");
    assertThat(ModelTables.key("0-20")).isEqualTo("0_20");
  }

  @Test
  void csvQuotesOnlyWhenNeeded() {
    assertThat(Extract.csvField("EIRE")).isEqualTo("EIRE");
    assertThat(Extract.csvField("a, \"b\"")).isEqualTo("\"a, \"\"b\"\"\"");
    assertThat(Extract.csvField(1.0E7)).isEqualTo("10000000.0");
    assertThat(Extract.csvField(null)).isEmpty();
  }

  private static int count(String s, String part) {
    int n = 0;
    for (int i = s.indexOf(part); i >= 0; i = s.indexOf(part, i + 1)) {
      n++;
    }
    return n;
  }
}
