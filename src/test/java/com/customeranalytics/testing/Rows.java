package com.customeranalytics.testing;

import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** Hand-made silver rows with the real schema's columns, for exact-value tests. */
public final class Rows {
  private Rows() {}

  /** The silver columns stages downstream of clean read. */
  public static final StructType SILVER = new StructType()
      .add("invoice_no", DataTypes.StringType)
      .add("stock_code", DataTypes.StringType)
      .add("quantity", DataTypes.IntegerType)
      .add("invoice_ts", DataTypes.TimestampType)
      .add("unit_price", DataTypes.DoubleType)
      .add("customer_id", DataTypes.LongType)
      .add("country", DataTypes.StringType)
      .add("invoice_month", DataTypes.StringType)
      .add("revenue", DataTypes.DoubleType)
      .add("is_guest", DataTypes.BooleanType);

  /** Builder: line(invoice, stock, qty, "yyyy-MM-dd HH:mm:ss", price, customerOrNull, country). */
  public static final class Lines {
    private final List<Row> rows = new ArrayList<>();

    public Lines line(String invoice, String stock, int qty, String ts, double price, Long customer,
        String country) {
      Timestamp t = Timestamp.valueOf(ts);
      double revenue = invoice.startsWith("C") ? -Math.abs(qty * price) : qty * price;
      rows.add(RowFactory.create(invoice, stock, qty, t, price, customer, country, ts.substring(0, 7),
          revenue, customer == null));
      return this;
    }

    public Dataset<Row> toDataset() {
      return SparkTest.spark().createDataFrame(rows, SILVER);
    }
  }

  public static Lines lines() {
    return new Lines();
  }
}
