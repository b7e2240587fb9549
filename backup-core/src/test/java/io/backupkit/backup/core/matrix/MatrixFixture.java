package io.backupkit.backup.core.matrix;

import io.backupkit.backup.BackupInfo;
import io.backupkit.backup.BackupManager;
import io.backupkit.backup.Secret;
import io.backupkit.backup.tck.ChildJvm;
import io.backupkit.backup.tck.KillDuringCreate;
import io.backupkit.backup.tck.fixtures.H2State;
import io.backupkit.backup.tck.fixtures.MediaState;
import io.backupkit.backup.tck.fixtures.Sql;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * The real parts of the matrix tests: an H2 file database and a media folder in a temp folder, a
 * filesystem backup folder, and ways to snapshot and compare their state. No mocks.
 */
final class MatrixFixture {
    final Path root;
    final Path backups;
    final Path media;
    final Path spool;
    final String url;
    final String user;
    final Secret password;

    MatrixFixture(Path root) throws IOException {
        this(root, "sa", null);
    }

    /** A fixture whose database is created by (and owned by) {@code user} with {@code password}. */
    MatrixFixture(Path root, String user, Secret password) throws IOException {
        this.root = root;
        this.backups = root.resolve("backups");
        this.media = root.resolve("media");
        this.spool = root.resolve("spool");
        this.url = "jdbc:h2:file:" + root.resolve("db/app").toAbsolutePath();
        this.user = user;
        this.password = password;
        Files.createDirectories(media);
    }

    /** A database of 4000 rows and 24 media files of 128 KiB: a create that lasts long enough to be killed at every step. */
    static MatrixFixture forKills(Path root) throws IOException, SQLException {
        MatrixFixture f = new MatrixFixture(root);
        f.createDatabase(4000);
        f.createMedia(24, 128 * 1024, 3);
        return f;
    }

    /**
     * Starts a child {@code main} on this fixture with the arguments the kill child mains read: backup
     * folder, JDBC URL, media and spool folders, lease TTL in millis, {@code mode} and {@code pauseAt}.
     */
    ChildJvm child(Class<?> main, Duration leaseTtl, String mode, String pauseAt) throws IOException {
        return ChildJvm.start(
                main,
                backups.toString(),
                url,
                media.toString(),
                spool.toString(),
                String.valueOf(leaseTtl.toMillis()),
                mode,
                pauseAt);
    }

    /** The TCK's kill-during-create check of {@code main}'s children on this fixture, over {@code storedNames}. */
    KillDuringCreate kills(Class<?> main, Duration leaseTtl, KillDuringCreate.StoredNames storedNames) {
        return KillDuringCreate.builder((mode, pauseAt) -> child(main, leaseTtl, mode, pauseAt))
                .storedNames(storedNames)
                .leaseTtl(leaseTtl)
                .build();
    }

    /** A builder on the filesystem storage in {@link #backups}, without fsync (tests only). */
    BackupManager.Builder builder() {
        return BackupManager.builder()
                .storage("filesystem", backups.toString(), Map.of("fsync", false))
                .database(url, user, password)
                .mediaDir(media)
                .spoolDir(spool)
                .hostApplication("matrix-app", "1.0.0");
    }

    Connection connect() throws SQLException {
        return DriverManager.getConnection(url, user, password == null ? "" : password.reveal());
    }

    void sql(String... statements) throws SQLException {
        try (Connection c = connect()) {
            Sql.execute(c, statements);
        }
    }

    /** A small schema with text, binary, unicode and NULLs; {@code rows} rows of about 600 bytes each. */
    void createDatabase(int rows) throws SQLException {
        sql(
                "CREATE TABLE item (id INT PRIMARY KEY, name VARCHAR(200) NOT NULL, note CLOB, data VARBINARY(600))",
                "CREATE TABLE \"größe\" (id INT PRIMARY KEY, item_id INT REFERENCES item(id), v DECIMAL(10,2))",
                "INSERT INTO item SELECT X, 'item ' || X || ' ✓', CASE WHEN MOD(X, 7) = 0 THEN NULL ELSE 'note ' || X END,"
                        + " CAST(RANDOM_UUID() AS VARBINARY) || SECURE_RAND(256) FROM SYSTEM_RANGE(1, " + rows + ")",
                "INSERT INTO \"größe\" VALUES (1, 1, 1.50)");
    }

    /** {@code files} files of {@code size} incompressible bytes each, in two folders, seeded. */
    void createMedia(int files, int size, long seed) throws IOException {
        Random random = new Random(seed);
        for (int i = 0; i < files; i++) {
            byte[] data = new byte[size];
            random.nextBytes(data);
            write((i % 2 == 0 ? "attachments/" : "images/Übersicht/") + "file-" + i + ".bin", data);
        }
        write("empty.txt", new byte[0]);
        Files.setPosixFilePermissions(
                write("bin/run.sh", "#!/bin/sh\necho hi\n".getBytes()), PosixFilePermissions.fromString("rwxr-x---"));
    }

    Path write(String rel, byte[] data) throws IOException {
        Path p = media.resolve(rel);
        Files.createDirectories(p.getParent());
        Files.write(p, data);
        return p;
    }

    /** Changes both database and media so that a restore of an earlier backup would be visible. */
    void changeState() throws Exception {
        sql("INSERT INTO item (id, name) VALUES (-1, 'newer than the backup')");
        write("newer.txt", "added after the backup".getBytes());
    }
    /** The database state as H2's own script, for exact comparison. */
    String databaseState() throws SQLException {
        try (Connection c = connect()) {
            return H2State.of(c);
        }
    }
    /** Every path under the media folder with type, size, digest, mtime (seconds) and permissions. */
    Map<String, String> mediaState() throws IOException {
        return MediaState.of(media);
    }

    /** Both states at once. */
    State state() throws Exception {
        return new State(databaseState(), mediaState());
    }

    record State(String database, Map<String, String> media) {}

    /**
     * Names of the files in the backup folder, hidden ones included, but for the lease's lock file
     * (empty, kept for good: see {@code FilesystemStorage#exclusively}).
     */
    Set<String> backupFolder() throws IOException {
        Set<String> names = new TreeSet<>();
        if (!Files.isDirectory(backups)) {
            return names;
        }
        try (Stream<Path> list = Files.list(backups)) {
            list.map(p -> p.getFileName().toString())
                    .filter(n -> !n.equals(".backup.lease.lock"))
                    .forEach(names::add);
        }
        return names;
    }

    /** Names in a folder, hidden ones included. */
    static Set<String> listNames(Path folder) throws IOException {
        Set<String> names = new TreeSet<>();
        try (Stream<Path> list = Files.list(folder)) {
            list.forEach(p -> names.add(p.getFileName().toString()));
        }
        return names;
    }

    /** The objects a complete backup consists of: its manifest and its artifacts. */
    static Set<String> objectsOf(BackupInfo info) {
        return KillDuringCreate.objectsOf(info);
    }
}
