package com.customeranalytics.table.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.permission.FsPermission;

/**
 * Hadoop's raw local file system without its shell-outs. Without Hadoop's native library (not
 * on Maven Central, so absent from a laptop or CI), RawLocalFileSystem forks {@code chmod} for
 * every file and folder it creates and {@code readlink} for every rename: ~1,600 processes on
 * one pipeline run of the real file, 2-5 ms each, on the path of every Delta commit. Here a
 * permission is set through java.nio, in-process, and readlink is skipped for a path that is
 * no symbolic link, where its result is not used. Same files, same permissions.
 */
public class NoForkRawLocalFileSystem extends RawLocalFileSystem {
  private static final int STICKY_SETUID_SETGID = 07000;
  private static final PosixFilePermission[] BITS = { // 0400 down to 0001
      PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE,
      PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
      PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE};

  @Override
  public void setPermission(Path p, FsPermission permission) throws IOException {
    short mode = permission.toShort();
    if ((mode & STICKY_SETUID_SETGID) != 0) { // java.nio cannot set these: Hadoop's chmod does
      super.setPermission(p, permission);
      return;
    }
    try {
      Files.setPosixFilePermissions(pathToFile(p).toPath(), posix(mode));
    } catch (UnsupportedOperationException e) { // not a POSIX file system (Windows)
      super.setPermission(p, permission);
    }
  }

  static Set<PosixFilePermission> posix(short mode) {
    Set<PosixFilePermission> out = EnumSet.noneOf(PosixFilePermission.class);
    for (int i = 0; i < BITS.length; i++) {
      if ((mode & (0400 >> i)) != 0) {
        out.add(BITS[i]);
      }
    }
    return out;
  }

  @Override
  public FileStatus getFileLinkStatus(Path f) throws IOException {
    // Hadoop's version runs readlink, then returns getFileStatus for anything not a link.
    if (!Files.isSymbolicLink(pathToFile(f).toPath())) {
      return getFileStatus(f);
    }
    return super.getFileLinkStatus(f);
  }
}
