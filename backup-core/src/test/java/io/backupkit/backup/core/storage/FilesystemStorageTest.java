package io.backupkit.backup.core.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.backupkit.backup.UnableToStoreException;
import io.backupkit.backup.spi.ObjectWrite;
import io.backupkit.backup.spi.StoredObject;
import io.backupkit.backup.tck.FaultInjectingStorage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the contract cannot test in general: temp files, folder problems, disk full (T2), sweep. */
class FilesystemStorageTest {
    @TempDir
    Path temp;

    @Test
    void writeGoesToADotTempFileInTheSameFolderUntilCommit() throws IOException {
        Path folder = temp.resolve("b");
        FilesystemStorage storage = new FilesystemStorage(folder);
        try (ObjectWrite write = storage.openWrite("x.bin")) {
            write.stream().write(new byte[100_000]);
            write.stream().flush();
            assertThat(files(folder))
                    .singleElement()
                    .satisfies(n -> assertThat(n).startsWith(".x.bin.").endsWith(".partial"));
            assertThat(storage.list("")).isEmpty();
            write.commit();
        }
        assertThat(files(folder)).containsExactly("x.bin");
        assertThat(Files.size(folder.resolve("x.bin"))).isEqualTo(100_000);
    }

    @Test
    void folderIsCreatedWithParentsOnFirstWriteAndMissingFolderListsEmpty() throws IOException {
        Path folder = temp.resolve("a/b/c");
        FilesystemStorage storage = new FilesystemStorage(folder);
        assertThat(storage.list("")).isEmpty();
        assertThat(storage.stat("x")).isEmpty();
        assertThat(Files.exists(folder)).isFalse();

        assertThat(storage.createIfAbsent("x", new byte[] {1})).isTrue();
        assertThat(Files.isDirectory(folder)).isTrue();
        assertThat(storage.describe()).isEqualTo(folder.toString());
    }

    @Test
    void newFilesAndFoldersAreOwnerOnlyByDefault() throws IOException {
        assumeTrue(temp.getFileSystem().supportedFileAttributeViews().contains("posix"), "POSIX file system");
        Path folder = temp.resolve("private");
        FilesystemStorage storage = new FilesystemStorage(folder);
        write(storage, "x.bin", "secret");
        assertThat(storage.createIfAbsent("y.lease", new byte[] {1})).isTrue();

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(folder.resolve("x.bin"))))
                .isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(folder.resolve("y.lease"))))
                .isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(folder)))
                .isEqualTo("rwx------");

        FilesystemStorage shared =
                new FilesystemStorage(temp.resolve("shared"), false, PosixFilePermissions.fromString("rw-r-----"));
        write(shared, "x.bin", "for the group");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(temp.resolve("shared/x.bin"))))
                .isEqualTo("rw-r-----");
    }

    @Test
    void listIgnoresDotFilesForeignNamesAndFolders() throws IOException {
        Path folder = Files.createDirectories(temp.resolve("b"));
        FilesystemStorage storage = new FilesystemStorage(folder);
        write(storage, "backup-1.manifest.json", "{}");
        Files.writeString(folder.resolve(".hidden"), "x");
        Files.writeString(folder.resolve(".backup-2.db.0123456789abcdef.partial"), "x");
        Files.writeString(folder.resolve("notes with spaces.txt"), "x");
        Files.createDirectory(folder.resolve("backup-sub"));

        assertThat(storage.list("")).extracting(StoredObject::name).containsExactly("backup-1.manifest.json");
        assertThat(storage.list("backup-")).extracting(StoredObject::name).containsExactly("backup-1.manifest.json");
        assertThat(storage.stat("backup-sub")).isEmpty();
    }

    @Test
    void locationUnderARegularFileIsAnUnableToStoreExceptionNamingTheFolder() throws IOException {
        // tests run as root, which ignores permission bits: a path below a regular file cannot be created
        Path file = Files.writeString(temp.resolve("a-file"), "x");
        Path folder = file.resolve("backups");
        FilesystemStorage storage = new FilesystemStorage(folder);

        assertThatThrownBy(() -> storage.openWrite("x.bin"))
                .isInstanceOf(UnableToStoreException.class)
                .hasMessageContaining(folder.toString())
                .hasMessageContaining("another storage location")
                .hasMessageContaining("create it writable");
        assertThatThrownBy(() -> storage.createIfAbsent("x.lease", new byte[] {1}))
                .isInstanceOf(UnableToStoreException.class)
                .hasMessageContaining(folder.toString());
    }

    @Test
    void locationThatIsAFileIsRefused() throws IOException {
        Path file = Files.writeString(temp.resolve("not-a-folder"), "x");
        FilesystemStorage storage = new FilesystemStorage(file);

        assertThatThrownBy(() -> storage.openWrite("x.bin"))
                .isInstanceOf(UnableToStoreException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("is a file, not a folder")
                .satisfies(
                        e -> assertThat(((UnableToStoreException) e).storage()).isEqualTo(file.toString()));
        assertThatThrownBy(() -> storage.list("")).isInstanceOf(UnableToStoreException.class);
        assertThat(Files.readString(file)).isEqualTo("x");
    }

    @Test
    void readOnlyFolderIsRefusedWithWhatToFix() throws Exception {
        Path mount = Files.createDirectories(temp.resolve("ro"));
        assumeTrue(
                TmpfsMount.mount(mount, "ro,size=64k"),
                "mounting a tmpfs needs root and CAP_SYS_ADMIN; not available in this sandbox");
        try {
            FilesystemStorage storage = new FilesystemStorage(mount);
            assertThatThrownBy(() -> storage.openWrite("x.bin"))
                    .isInstanceOf(UnableToStoreException.class)
                    .hasMessageContaining(mount.toString())
                    .hasMessageContaining("not writable")
                    .hasMessageContaining("read-only")
                    .hasMessageContaining("another storage location");
            assertThat(storage.list("")).isEmpty();
        } finally {
            TmpfsMount.unmount(mount);
        }
    }

    /**
     * T2 on a real full disk: a 1 MiB tmpfs. The failing write leaves only its temp file, never a
     * partial final object, the old object of that name stays whole, and close() removes the temp.
     */
    @Test
    void diskFullMidwayLeavesOnlyATempFileAndCloseRemovesIt() throws Exception {
        Path mount = Files.createDirectories(temp.resolve("small"));
        assumeTrue(
                TmpfsMount.mount(mount, "size=1m"),
                "mounting a tmpfs needs root and CAP_SYS_ADMIN; not available in this sandbox"
                        + " (diskFailureMidwayThroughAStream covers the same with an injected fault)");
        try {
            FilesystemStorage storage = new FilesystemStorage(mount);
            write(storage, "dump.bin", "the previous dump");

            ObjectWrite write = storage.openWrite("dump.bin");
            byte[] chunk = new byte[64 * 1024];
            assertThatThrownBy(() -> {
                        for (int i = 0; i < 64; i++) { // 4 MiB into 1 MiB
                            write.stream().write(chunk);
                        }
                        write.stream().flush();
                        write.commit();
                    })
                    .isInstanceOf(UnableToStoreException.class)
                    .hasMessageContaining("dump.bin")
                    .hasMessageContaining(mount.toString())
                    .hasMessageContaining("No space left on device")
                    .hasMessageContaining("free space");

            assertThat(files(mount)).hasSize(2).contains("dump.bin").anySatisfy(n -> assertThat(n)
                    .startsWith(".dump.bin.")
                    .endsWith(".partial"));
            assertThat(read(storage, "dump.bin")).isEqualTo("the previous dump");
            assertThat(storage.list("")).extracting(StoredObject::name).containsExactly("dump.bin");

            write.close();
            assertThat(files(mount)).containsExactly("dump.bin");
            assertThat(read(storage, "dump.bin")).isEqualTo("the previous dump");

            // the space is back: the next write works
            write(storage, "next.bin", "ok");
            assertThat(read(storage, "next.bin")).isEqualTo("ok");
        } finally {
            TmpfsMount.unmount(mount);
        }
    }

    /**
     * T2 where no small file system can be mounted: the same checks with the write failing after N
     * bytes. The fault sits above the storage, so this shows the temp-file protocol, not the errno
     * handling that the tmpfs test above covers.
     */
    @Test
    void diskFailureMidwayThroughAStream() throws IOException {
        Path folder = temp.resolve("b");
        FilesystemStorage real = new FilesystemStorage(folder);
        write(real, "dump.bin", "the previous dump");
        FaultInjectingStorage storage = new FaultInjectingStorage(real).failWriteAfter(300_000, false);

        ObjectWrite write = storage.openWrite("dump.bin");
        assertThatThrownBy(() -> {
                    for (int i = 0; i < 10; i++) {
                        write.stream().write(new byte[100_000]);
                    }
                    write.commit();
                })
                .isInstanceOf(FaultInjectingStorage.InjectedFault.class);
        assertThat(files(folder)).hasSize(2).contains("dump.bin");
        assertThat(read(real, "dump.bin")).isEqualTo("the previous dump");

        write.close();
        assertThat(files(folder)).containsExactly("dump.bin");
        assertThat(read(real, "dump.bin")).isEqualTo("the previous dump");
    }

    @Test
    void sweepRemovesOnlyOldTempFilesAndTombstones() throws IOException {
        Path folder = Files.createDirectories(temp.resolve("b"));
        FilesystemStorage storage = new FilesystemStorage(folder);
        write(storage, "kept.bin", "committed");
        Instant now = Instant.parse("2026-11-27T12:00:00Z");
        Path oldPartial = old(folder.resolve(".a.bin.0123456789abcdef.partial"), now.minus(Duration.ofHours(25)));
        Path oldTomb = old(folder.resolve(".b.lease.fedcba9876543210.tomb"), now.minus(Duration.ofDays(3)));
        Path recentPartial = old(folder.resolve(".c.bin.00000000000000ff.partial"), now.minus(Duration.ofHours(1)));
        Path foreignDotFile = old(folder.resolve(".keep-me"), now.minus(Duration.ofDays(30)));
        old(folder.resolve("kept.bin"), now.minus(Duration.ofDays(30)));

        List<String> dry = storage.sweep(Duration.ofHours(24), now, true);
        assertThat(dry).hasSize(2);
        assertThat(String.join("\n", dry))
                .contains(oldPartial.toString())
                .contains(oldTomb.toString())
                .contains("interrupted write");
        assertThat(Files.exists(oldPartial)).isTrue();

        List<String> removed = storage.sweep(Duration.ofHours(24), now, false);
        assertThat(removed).isEqualTo(dry);
        assertThat(Files.exists(oldPartial)).isFalse();
        assertThat(Files.exists(oldTomb)).isFalse();
        assertThat(Files.exists(recentPartial)).isTrue();
        assertThat(Files.exists(foreignDotFile)).isTrue();
        assertThat(read(storage, "kept.bin")).isEqualTo("committed");
        assertThat(new FilesystemStorage(temp.resolve("missing")).sweep(Duration.ZERO, now, false))
                .isEmpty();
    }

    @Test
    void versionChangesWhenTheFileIsReplacedEvenWithTheSameBytes() throws IOException {
        FilesystemStorage storage = new FilesystemStorage(temp.resolve("b"), false, null);
        String first = write(storage, "same.bin", "abc").version();
        String second = write(storage, "same.bin", "abc").version();
        assertThat(second).isNotEqualTo(first);
        assertThat(storage.stat("same.bin").orElseThrow().version()).isEqualTo(second);
    }

    @Test
    void invalidNamesAreRefused() {
        FilesystemStorage storage = new FilesystemStorage(temp.resolve("b"));
        for (String bad : List.of("", ".hidden", "..", "a/b", "../x", "a b", "x".repeat(201))) {
            assertThatThrownBy(() -> storage.openWrite(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> storage.openRead("../etc/passwd")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void writeAfterCommitFails() throws IOException {
        FilesystemStorage storage = new FilesystemStorage(temp.resolve("b"), false, null);
        ObjectWrite write = storage.openWrite("x.bin");
        write.stream().write(1);
        write.commit();
        assertThatThrownBy(() -> write.stream().write(2)).isInstanceOf(IOException.class);
        assertThatThrownBy(write::commit).isInstanceOf(IOException.class);
        write.close();
        assertThat(storage.stat("x.bin").orElseThrow().size()).isEqualTo(1);
    }

    private static Path old(Path file, Instant modified) throws IOException {
        if (!Files.exists(file)) {
            Files.writeString(file, "leftover");
        }
        Files.setLastModifiedTime(file, FileTime.from(modified));
        return file;
    }

    private static StoredObject write(FilesystemStorage storage, String name, String content) throws IOException {
        try (ObjectWrite w = storage.openWrite(name)) {
            w.stream().write(content.getBytes(StandardCharsets.UTF_8));
            return w.commit();
        }
    }

    private static String read(FilesystemStorage storage, String name) throws IOException {
        try (InputStream in = storage.openRead(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static List<String> files(Path folder) throws IOException {
        try (Stream<Path> s = Files.list(folder)) {
            return s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
        }
    }

    /** Mounts a small tmpfs with {@code mount(8)}; needs root with CAP_SYS_ADMIN. */
    static final class TmpfsMount {
        private TmpfsMount() {}

        static boolean mount(Path dir, String options) throws InterruptedException {
            return run("mount", "-t", "tmpfs", "-o", options, "tmpfs", dir.toString());
        }

        static void unmount(Path dir) throws InterruptedException {
            if (!run("umount", dir.toString())) {
                run("umount", "-l", dir.toString());
            }
        }

        private static boolean run(String... command) throws InterruptedException {
            try {
                Process p = new ProcessBuilder(command)
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .start();
                if (!p.waitFor(20, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    return false;
                }
                return p.exitValue() == 0;
            } catch (IOException e) {
                return false;
            }
        }
    }

    /** A large write goes to disk while it is written; the commit's fsync and the content are as before. */
    @Test
    void aLargeWriteIsWrittenBackWhileItIsWrittenAndCommitsWhole() throws IOException {
        FilesystemStorage storage = new FilesystemStorage(temp.resolve("big"));
        byte[] block = new byte[1 << 20];
        java.security.MessageDigest sha = sha256();
        long size = 3 * FilesystemStorage.WRITEBACK_STEP + 12345;
        StoredObject stored;
        int writebacks;
        try (ObjectWrite w = storage.openWrite("big.bin")) {
            java.util.Random random = new java.util.Random(7);
            for (long left = size; left > 0; ) {
                random.nextBytes(block);
                int n = (int) Math.min(left, block.length - (left % 3)); // uneven writes
                w.stream().write(block, 0, n);
                sha.update(block, 0, n);
                left -= n;
            }
            writebacks = FilesystemStorage.writebacks(w);
            stored = w.commit();
        }
        assertThat(writebacks).as("writebacks started while writing").isBetween(1, 3);
        assertThat(stored.size()).isEqualTo(size);
        try (InputStream in = storage.openRead("big.bin")) {
            java.security.MessageDigest back = sha256();
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                back.update(buf, 0, n);
            }
            assertThat(back.digest()).isEqualTo(sha.digest());
        }
    }

    @Test
    void withoutFsyncNothingIsWrittenBackEarly() throws IOException {
        FilesystemStorage storage = new FilesystemStorage(temp.resolve("nosync"), false, null);
        try (ObjectWrite w = storage.openWrite("big.bin")) {
            w.stream().write(new byte[(int) FilesystemStorage.WRITEBACK_STEP + 1]);
            assertThat(FilesystemStorage.writebacks(w)).isZero();
            w.commit();
        }
    }

    private static java.security.MessageDigest sha256() {
        try {
            return java.security.MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
