package io.backupkit.backup.core.internal.archive;

import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.Map;

/**
 * What one {@code lstat} tells about a media entry. On Unix it is read as the {@code unix} attribute
 * view (one system call, the full mode with setuid/setgid/sticky, link count, inode and change time);
 * elsewhere from the basic attributes. The one thing to know: the {@code unix} view answers with a map
 * built from the names asked for (a split, a set, a map and boxing per call, and much JIT work), so
 * when {@code java.base} opens {@code sun.nio.fs} to this code (the command line jar's manifest does)
 * the same values are read from the JDK's lstat result itself, see {@link #read}.
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

    /**
     * The attributes of {@code path}, links not followed, from the JDK's lstat result when it can be
     * read directly, else from the {@code unix} view's map; both give the same values.
     *
     * @throws UnsupportedOperationException when there is no {@code unix} view (then use {@link
     *     #of(BasicFileAttributes)})
     */
    static Stat read(Path path) throws IOException {
        if (Direct.MODE != null) {
            PosixFileAttributes attrs =
                    Files.readAttributes(path, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (Direct.TYPE.isInstance(attrs)) {
                return Direct.of(attrs);
            }
        }
        return of(Files.readAttributes(path, UNIX_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS));
    }

    /** Whether {@link #read} reads the lstat result directly. */
    static boolean direct() {
        return Direct.MODE != null;
    }

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

    /** The accessors of {@code sun.nio.fs.UnixFileAttributes} that the {@code unix} view reads; null when closed. */
    private static final class Direct {
        static final Class<?> TYPE;
        static final MethodHandle MODE;
        static final MethodHandle NLINK;
        static final MethodHandle INO;
        static final MethodHandle DEV;
        static final MethodHandle CTIME;

        static {
            Class<?> type = null;
            MethodHandle[] h = null;
            try {
                type = Class.forName("sun.nio.fs.UnixFileAttributes");
                if (type.getModule().isOpen(type.getPackageName(), Stat.class.getModule())) {
                    MethodHandles.Lookup lookup = MethodHandles.privateLookupIn(type, MethodHandles.lookup());
                    h = new MethodHandle[] {
                        accessor(lookup, type, "mode", int.class),
                        accessor(lookup, type, "nlink", int.class),
                        accessor(lookup, type, "ino", long.class),
                        accessor(lookup, type, "dev", long.class),
                        accessor(lookup, type, "ctime", FileTime.class)
                    };
                }
            } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
                h = null; // another JDK: the map of the unix view
            }
            TYPE = type;
            MODE = h == null ? null : h[0];
            NLINK = h == null ? null : h[1];
            INO = h == null ? null : h[2];
            DEV = h == null ? null : h[3];
            CTIME = h == null ? null : h[4];
        }

        private static MethodHandle accessor(MethodHandles.Lookup lookup, Class<?> type, String name, Class<?> result)
                throws ReflectiveOperationException {
            return lookup.findVirtual(type, name, MethodType.methodType(result))
                    .asType(MethodType.methodType(result, Object.class));
        }

        static Stat of(PosixFileAttributes attrs) {
            try {
                int mode = (int) MODE.invokeExact((Object) attrs);
                return new Stat(
                        mode & 0170000,
                        mode & 07777,
                        attrs.size(),
                        attrs.lastModifiedTime(),
                        (FileTime) CTIME.invokeExact((Object) attrs),
                        (int) NLINK.invokeExact((Object) attrs),
                        new DevIno((long) DEV.invokeExact((Object) attrs), (long) INO.invokeExact((Object) attrs)));
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Throwable e) {
                throw new IllegalStateException(e); // the accessors throw nothing checked
            }
        }
    }
}
