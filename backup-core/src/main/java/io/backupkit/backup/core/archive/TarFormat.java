package io.backupkit.backup.core.archive;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/** The tar dialect of the media archive: POSIX/PAX, UTF-8 names, no owners, permission bits only. */
final class TarFormat {
    /** Copy buffer for file content (reading and writing). */
    static final int BUFFER_SIZE = 1 << 18;

    static final String ENCODING = StandardCharsets.UTF_8.name();
    static final int PERMISSION_BITS = 0777;
    static final int SPECIAL_BITS = 07000;
    private static final int TYPE_FILE = 0100000;
    private static final int TYPE_DIR = 040000;

    private TarFormat() {}

    /**
     * A tar writer with long names, big numbers and non-ASCII names written as PAX headers, passing
     * each 512-byte record on as it is written ({@link TarWriter} takes its header records from it).
     */
    static TarArchiveOutputStream newOutput(OutputStream out) {
        TarArchiveOutputStream tar = new TarArchiveOutputStream(out, TarConstants.DEFAULT_RCDSIZE, ENCODING);
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
        tar.setAddPaxHeadersForNonAsciiNames(true);
        return tar;
    }

    /** A regular file entry: {@code name} relative, '/' separated; mtime kept to the second. */
    static TarArchiveEntry fileEntry(String name, long size, FileTime mtime, int permissions) {
        TarArchiveEntry entry = new TarArchiveEntry(name, TarConstants.LF_NORMAL);
        entry.setMode(TYPE_FILE | (permissions & PERMISSION_BITS));
        entry.setSize(size);
        return anonymous(entry, mtime);
    }

    /** A folder entry; {@code name} without the trailing '/'. */
    static TarArchiveEntry directoryEntry(String name, FileTime mtime, int permissions) {
        TarArchiveEntry entry = new TarArchiveEntry(name + "/", TarConstants.LF_DIR);
        entry.setMode(TYPE_DIR | (permissions & PERMISSION_BITS));
        return anonymous(entry, mtime);
    }

    private static TarArchiveEntry anonymous(TarArchiveEntry entry, FileTime mtime) {
        entry.setModTime(Math.floorDiv(mtime.toMillis(), 1000L) * 1000L);
        entry.setUserId(0);
        entry.setGroupId(0);
        entry.setUserName("");
        entry.setGroupName("");
        return entry;
    }

    /** Permission bits (0777 at most) of a set of POSIX permissions. */
    static int toBits(Set<PosixFilePermission> permissions) {
        int bits = 0;
        for (PosixFilePermission p : permissions) {
            bits |= switch (p) {
                case OWNER_READ -> 0400;
                case OWNER_WRITE -> 0200;
                case OWNER_EXECUTE -> 0100;
                case GROUP_READ -> 040;
                case GROUP_WRITE -> 020;
                case GROUP_EXECUTE -> 010;
                case OTHERS_READ -> 04;
                case OTHERS_WRITE -> 02;
                case OTHERS_EXECUTE -> 01;
            };
        }
        return bits;
    }

    /** POSIX permissions of permission bits (special bits ignored). */
    static Set<PosixFilePermission> toPermissions(int bits) {
        Set<PosixFilePermission> set = java.util.EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] order = {
            PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE,
            PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE
        };
        for (int i = 0; i < order.length; i++) {
            if ((bits & (0400 >> i)) != 0) {
                set.add(order[i]);
            }
        }
        return set;
    }
}
