package io.backupkit.backup.core.internal.archive;

import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.Map;

/**
 * What one {@code lstat} tells about a media entry. On Unix it is read as the {@code unix} attribute
 * view (one system call, the full mode with setuid/setgid/sticky, link count, inode and change time);
 * elsewhere from the basic attributes.
 *
 * @param type one of the constants below
 * @param mode permission and special bits (07777)
 * @param key device and inode, or the basic file key
 * @param ctime status change time; {@code null} when the file system has none
 */
record Stat(int type, int mode, long size, FileTime mtime, FileTime ctime, int nlink, Object key) {
    static final String UNIX_ATTRIBUTES = "unix:mode,ino,dev,nlink,ctime,size,lastModifiedTime";
    static final int FILE = 0100000;
    static final int DIRECTORY = 040000;
    static final int SYMLINK = 0120000;
    static final int FIFO = 010000;
    static final int SOCKET = 0140000;
    static final int OTHER = 0;

    static Stat of(Map<String, Object> unix) {
        int mode = (Integer) unix.get("mode");
        return new Stat(
                mode & 0170000,
                mode & 07777,
                (Long) unix.get("size"),
                (FileTime) unix.get("lastModifiedTime"),
                (FileTime) unix.get("ctime"),
                (Integer) unix.get("nlink"),
                new DevIno((Long) unix.get("dev"), (Long) unix.get("ino")));
    }

    static Stat of(BasicFileAttributes attrs) {
        int type = attrs.isDirectory()
                ? DIRECTORY
                : attrs.isRegularFile() ? FILE : attrs.isSymbolicLink() ? SYMLINK : OTHER;
        return new Stat(
                type,
                type == DIRECTORY ? 0755 : 0644,
                attrs.size(),
                attrs.lastModifiedTime(),
                null,
                1,
                attrs.fileKey());
    }

    private record DevIno(long dev, long ino) {}
}
