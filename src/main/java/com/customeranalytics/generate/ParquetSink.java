package com.customeranalytics.generate;

import java.io.IOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;

/** Parquet with the UCI column names, every field text (like a raw export); streams row groups. */
final class ParquetSink implements RowSink {
  private static final String[] NAMES = CsvSink.HEADER.split(",");
  private static final MessageType SCHEMA;

  static {
    StringBuilder sb = new StringBuilder("message transactions {");
    for (String n : NAMES) {
      sb.append(" optional binary ").append(n).append(" (UTF8);");
    }
    SCHEMA = MessageTypeParser.parseMessageType(sb.append(" }").toString());
  }

  private final ParquetWriter<Group> writer;
  private final SimpleGroupFactory groups = new SimpleGroupFactory(SCHEMA);

  ParquetSink(String file) throws IOException {
    this.writer = ExampleParquetWriter.builder(new Path(file))
        .withConf(new Configuration())
        .withType(SCHEMA)
        .withCompressionCodec(CompressionCodecName.SNAPPY)
        .withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
        .build();
  }

  @Override
  public void row(String[] f) throws IOException {
    Group g = groups.newGroup();
    for (int i = 0; i < f.length; i++) {
      if (f[i] != null) {
        g.add(NAMES[i], f[i]);
      }
    }
    writer.write(g);
  }

  @Override
  public void malformed(String rawLine, String[] fields) throws IOException {
    // Parquet has no "too few columns": write the structured variant (fields missing).
    row(fields);
  }

  @Override
  public void close() throws IOException {
    writer.close();
  }
}
