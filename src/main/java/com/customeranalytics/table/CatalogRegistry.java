package com.customeranalytics.table;

import com.customeranalytics.config.Settings.CatalogSettings;
import com.customeranalytics.config.Settings.Metastore;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.catalog.CatalogTable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registers warehouse tables by name in the session's catalog (catalog.database), as external
 * Delta tables over their warehouse paths, so BI tools read {@code DATABASE.table}. The files
 * stay where they are: dropping a registered table leaves them.
 */
public final class CatalogRegistry {
  private static final Logger LOG = LoggerFactory.getLogger(CatalogRegistry.class);

  private final SparkSession spark;
  private final TableStore store;
  private final CatalogSettings settings;
  private boolean databaseChecked;

  public CatalogRegistry(SparkSession spark, TableStore store, CatalogSettings settings) {
    this.spark = spark;
    this.store = store;
    this.settings = settings;
  }

  public boolean enabled() {
    return settings.enabled();
  }

  /**
   * Before a run writes anything: fails when a name this run's {@code stages} write (or a run
   * log) is registered in the database at another location than this warehouse's table, so a
   * refused run leaves nothing behind.
   */
  public synchronized void checkBefore(Collection<String> stages) {
    if (!enabled()) {
      return;
    }
    ensureDatabase();
    // The catalog's names only (a command: no Spark job, no table read).
    for (org.apache.spark.sql.Row r : spark.sql("SHOW TABLES IN " + quoted(settings.database)).collectAsList()) {
      String table = r.getAs("tableName");
      String stage = Tables.writtenBy(table);
      if (!Tables.internal(table) && (stage == null || stages.contains(stage))) {
        checkLocation(table);
      }
    }
  }

  /**
   * Registers each of {@code tables}, which exist under the warehouse (internal state tables are
   * not registered: they are not for BI). A name already registered at this location is left as
   * it is; at another location it is an error naming both.
   *
   * @return the names newly registered
   */
  public synchronized List<String> register(Collection<String> tables) {
    List<String> added = new ArrayList<>();
    if (!enabled()) {
      return added;
    }
    ensureDatabase();
    for (String table : tables) {
      if (Tables.internal(table)) {
        continue;
      }
      if (spark.catalog().tableExists(settings.database, table)) {
        checkLocation(table);
        continue;
      }
      spark.sql("CREATE TABLE IF NOT EXISTS " + quoted(settings.database) + "." + quoted(table) + " USING DELTA LOCATION "
          + TableStore.sqlString(qualified(store.path(table))));
      added.add(table);
    }
    if (!added.isEmpty()) {
      LOG.info("Catalog: registered {} in {}", String.join(", ", added), settings.database);
    }
    return added;
  }

  /** Fails naming both locations when the registered {@code table} is not this warehouse's. */
  private void checkLocation(String table) {
    String location = qualified(store.path(table));
    String registered = registeredLocation(table);
    if (!same(registered, location)) {
      throw new CatalogConflictException(settings.database + "." + table + " is already registered in"
          + " the catalog at " + registered + ", and this warehouse's table is at " + location + ". Drop"
          + " the registration (DROP TABLE " + settings.database + "." + table + "; it is external, its"
          + " files stay) or register this warehouse under another name (catalog.database).");
    }
  }

  /** Creates the database once per run, after checking the session has a persistent catalog. */
  private void ensureDatabase() {
    if (databaseChecked) {
      return;
    }
    String impl = spark.conf().get("spark.sql.catalogImplementation", "in-memory");
    if (!"hive".equals(impl)) {
      // An in-memory catalog would take the names and lose them when the JVM ends.
      throw new CatalogConflictException("catalog.database = " + settings.database + " needs a persistent"
          + " catalog, but this Spark session's catalog is " + impl + (settings.metastore == Metastore.LOCAL
          ? " (the session was created before the embedded metastore could be configured)"
          : ": with catalog.metastore = session, set spark.sql.catalogImplementation = hive and the"
              + " platform's metastore (conf/emr.conf: Glue; conf/dataproc.conf: Hive metastore)"));
    }
    spark.sql("CREATE DATABASE IF NOT EXISTS " + quoted(settings.database)
        + " COMMENT 'customer-analytics tables (external Delta tables over the warehouse)'");
    databaseChecked = true;
  }

  private String registeredLocation(String table) {
    CatalogTable t = spark.sharedState().externalCatalog().getTable(settings.database, table);
    return t.storage().locationUri().isDefined() ? t.storage().locationUri().get().toString() : "(no location)";
  }

  private String qualified(String path) {
    try {
      Path p = new Path(path);
      return p.getFileSystem(spark.sparkContext().hadoopConfiguration()).makeQualified(p).toString();
    } catch (IOException e) {
      throw new IllegalStateException("Cannot resolve " + path + ": " + e.getMessage(), e);
    }
  }

  /** Equal up to a trailing slash and file:/ vs file:/// spelling. */
  private static boolean same(String a, String b) {
    return normal(a).equals(normal(b));
  }

  private static String normal(String uri) {
    String s = uri.replaceAll("/+$", "");
    return s.startsWith("file:///") ? "file:/" + s.substring("file:///".length()) : s;
  }

  private static String quoted(String identifier) {
    return "`" + identifier.replace("`", "``") + "`";
  }
}
