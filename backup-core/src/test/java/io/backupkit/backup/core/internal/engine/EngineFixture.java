package io.backupkit.backup.core.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.backupkit.backup.BackupManager;
import io.backupkit.backup.tck.fixtures.H2State;
import io.backupkit.backup.tck.fixtures.Sql;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/** A real H2 file database and a media folder in a temp folder, plus ways to compare their state. */
final class EngineFixture {
    final Path root;
    final Path backups;
    final Path media;
    final Path spool;
    final String url;

    EngineFixture(Path root) throws IOException {
        this.root = root;
        this.backups = root.resolve("backups");
        this.media = root.resolve("media");
        this.spool = root.resolve("spool");
        this.url = "jdbc:h2:file:" + root.resolve("db/app").toAbsolutePath();
        Files.createDirectories(media);
    }

    /** A fixture with its database and media folder made ({@link #createDatabase}, {@link #createMedia}). */
    static EngineFixture withDatabaseAndMedia(Path root) throws IOException, SQLException {
        EngineFixture f = new EngineFixture(root);
        f.createDatabase();
        f.createMedia();
        return f;
    }

    BackupManager.Builder builder() {
        return mediaOnlyBuilder().database(url, "sa", null).hostApplication("test-app", "1.0.0");
    }

    /** A manager of the media folder alone: no database. */
    BackupManager.Builder mediaOnlyBuilder() {
        return BackupManager.builder()
                .storage("filesystem", backups.toString(), Map.of())
                .mediaDir(media)
                .spoolDir(spool);
    }

    Connection connect() throws SQLException {
        return DriverManager.getConnection(url, "sa", "");
    }

    void sql(String... statements) throws SQLException {
        try (Connection c = connect()) {
            Sql.execute(c, statements);
        }
    }

    /** A schema with the types that must round trip: BLOB/CLOB, unicode, NULLs, sequences, views, constraints. */
    void createDatabase() throws SQLException {
        byte[] blob = new byte[300_000];
        new Random(7).nextBytes(blob);
        sql(
                "CREATE SEQUENCE invoice_seq START WITH 1000 INCREMENT BY 5",
                "CREATE TABLE part (id BIGINT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(200) NOT NULL UNIQUE,"
                        + " note CLOB, picture BLOB, price DECIMAL(10,2) CHECK (price >= 0), created TIMESTAMP)",
                "CREATE TABLE \"stück\" (id INT PRIMARY KEY, part_id BIGINT REFERENCES part(id), \"menge\" INT)",
                "CREATE VIEW cheap_parts AS SELECT id, name FROM part WHERE price < 10",
                "CREATE INDEX part_price ON part(price)",
                "INSERT INTO part (name, note, price, created) VALUES ('Widerstand 10kΩ', 'ünïcødé ✓ 日本語', 0.10, TIMESTAMP '2026-01-02 03:04:05')",
                "INSERT INTO part (name, note, price) VALUES ('nulls', NULL, NULL)",
                "INSERT INTO \"stück\" VALUES (1, 1, 42)",
                "SELECT NEXT VALUE FOR invoice_seq",
                "SELECT NEXT VALUE FOR invoice_seq");
        try (Connection c = connect();
                var ps = c.prepareStatement("INSERT INTO part (name, note, picture, price) VALUES (?, ?, ?, 1)")) {
            ps.setString(1, "blob");
            ps.setString(2, "x".repeat(100_000));
            ps.setBytes(3, blob);
            ps.executeUpdate();
        }
    }
    /** The database state as H2's own script (no settings), for exact comparison. */
    String databaseState() throws SQLException {
        try (Connection c = connect()) {
            return H2State.of(c);
        }
    }

    void createMedia() throws IOException {
        write("attachments/2026/report.pdf", 200_000, 1);
        write("attachments/Übersicht/日本語 ファイル.txt", 1000, 2);
        write("images/" + "long-name-".repeat(15) + ".png", 5000, 3);
        write("empty.txt", 0, 4);
        Path script = write("bin/run.sh", 100, 5);
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-x---"));
        Files.createDirectories(media.resolve("empty-folder"));
        Files.setLastModifiedTime(
                media.resolve("attachments/2026/report.pdf"), FileTime.fromMillis(1_600_000_000_000L));
    }

    Path write(String rel, int size, long seed) throws IOException {
        Path p = media.resolve(rel);
        Files.createDirectories(p.getParent());
        byte[] data = new byte[size];
        new Random(seed).nextBytes(data);
        Files.write(p, data);
        return p;
    }

    /** Every path under the media folder with type, size, digest, mtime (seconds) and exec bits. */
    Map<String, String> mediaState() throws IOException {
        Map<String, String> state = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(media)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                String rel = media.relativize(p).toString();
                if (rel.isEmpty()) {
                    continue;
                }
                Set<PosixFilePermission> perms = Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS);
                String exec = perms.contains(PosixFilePermission.OWNER_EXECUTE) ? "x" : "-";
                if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    state.put(rel, "dir " + exec);
                } else {
                    state.put(
                            rel,
                            "file " + Files.size(p) + " " + sha(Files.readAllBytes(p)) + " "
                                    + Files.getLastModifiedTime(p).toMillis() / 1000 + " "
                                    + PosixFilePermissions.toString(perms));
                }
            }
        }
        return state;
    }

    static String sha(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Flips one byte in the middle of a stored object. */
    void flipByte(String objectName) throws IOException {
        Path p = backups.resolve(objectName);
        byte[] data = Files.readAllBytes(p);
        data[data.length / 2] ^= 0x40;
        Files.write(p, data);
    }

    void truncate(String objectName, long newSize) throws IOException {
        Path p = backups.resolve(objectName);
        try (var ch = java.nio.channels.FileChannel.open(p, java.nio.file.StandardOpenOption.WRITE)) {
            ch.truncate(newSize);
        }
    }

    static String utf8(Path p) throws IOException {
        return new String(Files.readAllBytes(p), StandardCharsets.UTF_8);
    }

    void assertUnchanged(String db, Map<String, String> mediaState) throws Exception {
        assertThat(databaseState()).isEqualTo(db);
        assertThat(mediaState()).isEqualTo(mediaState);
    }
}
