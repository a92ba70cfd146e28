package com.customeranalytics.stage.report;

import java.util.List;

/**
 * One block of the HTML report: a heading, a one-line reading computed from the data and its
 * charts (SVG or table markup, already escaped). An empty chart list with a reading explains why
 * the charts are missing.
 */
public final class Section {
  final String id;
  final String title;
  final String reading;
  final List<String> charts;

  Section(String id, String title, String reading, List<String> charts) {
    this.id = id;
    this.title = title;
    this.reading = reading;
    this.charts = charts;
  }

  static Section missing(String id, String title, String what) {
    return new Section(id, title, "Not in this bundle: " + what + ".", List.of());
  }
}
