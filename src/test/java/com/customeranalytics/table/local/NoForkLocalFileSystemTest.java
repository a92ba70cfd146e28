package com.customeranalytics.table.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.customeranalytics.testing.SparkExtension;
import com.customeranalytics.testing.SparkTest;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.permission.FsPermission;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The fork-free local file system gives what Hadoop's gives: permissions, statuses, checksums. */
@ExtendWith(SparkExtension.class)
class NoForkLocalFileSystemTest {
  private static FileSystem open(FileSystem fs) throws Exception {
    fs.initialize(URI.create("file:///"), new Configuration());
    return fs;
  }

  private static String perms(java.nio.file.Path p) throws Exception {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
  }

  @Test
  void createsFilesAndFoldersWithHadoopsPermissionsAndChecksums() throws Exception {
    java.nio.file.Path dir = SparkTest.tempDir("nofork");
    FileSystem ours = open(new NoForkLocalFileSystem());
    FileSystem hadoops = open(new LocalFileSystem());
    for (String mode : new String[] {"640", "755", "600", "777"}) {
      FsPermission p = new FsPermission(mode);
      for (FileSystem fs : new FileSystem[] {ours, hadoops}) {
        String name = (fs == ours ? "ours-" : "hadoops-") + mode;
        fs.create(new Path(dir.resolve(name + ".txt").toUri()), p, true, 4096, (short) 1, 1 << 20, null).close();
        fs.mkdirs(new Path(dir.resolve(name + "-dir").toUri()), p);
      }
      // The umask (022) applies to both alike.
      assertThat(perms(dir.resolve("ours-" + mode + ".txt"))).as(mode).isEqualTo(perms(dir.resolve("hadoops-" + mode + ".txt")));
      assertThat(perms(dir.resolve("ours-" + mode + "-dir"))).as(mode).isEqualTo(perms(dir.resolve("hadoops-" + mode + "-dir")));
    }
    assertThat(perms(dir.resolve("ours-640.txt"))).isEqualTo("rw-r-----");
    assertThat(perms(dir.resolve("ours-755-dir"))).isEqualTo("rwxr-xr-x");
    // Checksum files as Hadoop's LocalFileSystem writes them.
    assertThat(dir.resolve(".ours-640.txt.crc")).exists();
    ours.setPermission(new Path(dir.resolve("ours-640.txt").toUri()), new FsPermission("604"));
    assertThat(perms(dir.resolve("ours-640.txt"))).isEqualTo("rw----r--");
  }

  @Test
  void linkStatusesAndRenamesAsHadoops() throws Exception {
    java.nio.file.Path dir = SparkTest.tempDir("nofork-links");
    Files.writeString(dir.resolve("file"), "x");
    Files.createDirectory(dir.resolve("folder"));
    Files.createSymbolicLink(dir.resolve("link"), dir.resolve("file"));
    FileSystem ours = open(new NoForkLocalFileSystem());
    FileSystem hadoops = open(new LocalFileSystem());
    for (String name : new String[] {"file", "folder", "link"}) {
      Path p = new Path(dir.resolve(name).toUri());
      FileStatus a = ours.getFileLinkStatus(p);
      FileStatus b = hadoops.getFileLinkStatus(p);
      assertThat(new Object[] {a.isFile(), a.isDirectory(), a.isSymlink(), a.getLen()}).as(name)
          .containsExactly(b.isFile(), b.isDirectory(), b.isSymlink(), b.getLen());
    }
    assertThat(ours.rename(new Path(dir.resolve("file").toUri()), new Path(dir.resolve("moved").toUri()))).isTrue();
    assertThat(dir.resolve("moved")).hasContent("x");

    // Delta commits by FileContext.rename (no overwrite): through NoForkLocalFs here.
    Configuration conf = new Configuration();
    conf.set("fs.AbstractFileSystem.file.impl", NoForkLocalFs.class.getName());
    FileContext fc = FileContext.getFileContext(URI.create("file:///"), conf);
    Path tmp = new Path(dir.resolve("commit.tmp").toUri());
    try (java.io.OutputStream out = fc.create(tmp, java.util.EnumSet.of(org.apache.hadoop.fs.CreateFlag.CREATE))) {
      out.write('y');
    }
    fc.rename(tmp, new Path(dir.resolve("00000.json").toUri()), Options.Rename.NONE);
    assertThat(dir.resolve("00000.json")).hasContent("y");
    assertThat(dir.resolve(".00000.json.crc")).exists();
  }

  @Test
  void theLocalSessionUsesIt() throws Exception {
    Configuration conf = SparkTest.spark().sparkContext().hadoopConfiguration();
    assertThat(FileSystem.get(URI.create("file:///"), conf)).isInstanceOf(NoForkLocalFileSystem.class);
    assertThat(FileContext.getFileContext(URI.create("file:///"), conf).getDefaultFileSystem())
        .isInstanceOf(NoForkLocalFs.class);
  }
}
