package io.backupkit.backup.db.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backupkit.backup.spi.DatabaseDumper;
import io.backupkit.backup.tck.DumpFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An exact round trip of a database with every kind of object, in WAL mode with a WAL file in use by
 * another connection while it is dumped.
 */
class SqliteRoundTripTest {
    @TempDir
    Path dir;

    @Test
    void aWalDatabaseInUseComesBackExactly() throws Exception {
        Path db = dir.resolve("app.db");
        createRichDatabase(db);
        DatabaseDumper dumper = SqliteFiles.dumper(db);
        Path dump;
        String dumped;
        try (Connection host = DriverManager.getConnection(SqliteFiles.url(db));
                Statement s = host.createStatement()) {
            s.execute("PRAGMA wal_autocheckpoint = 0"); // keep the last writes in the WAL only
            s.execute("INSERT INTO part(name, photo) VALUES ('only in the wal', x'cafebabe')");
            s.execute("UPDATE counter SET n = n + 1");
            assertThat(Files.size(dir.resolve("app.db-wal"))).as("WAL in use").isPositive();
            dumped = SqliteFiles.snapshot(db);
            dump = DumpFiles.dumpTo(dumper, dir.resolve("app.sqlite3"));
        }
        assertThat(dumped).contains("journal_mode=wal", "user_version=42", "application_id=1095062867");

        SqliteFiles.exec(
                db,
                "DROP VIEW part_names",
                "DELETE FROM part",
                "CREATE TABLE added_later(x)",
                "PRAGMA user_version = 43",
                "PRAGMA application_id = 1");
        assertThat(SqliteFiles.snapshot(db)).isNotEqualTo(dumped);

        dumper.restore(DumpFiles.source(dump, DumpFiles.infoOf(dumper)));

        assertThat(SqliteFiles.snapshot(db)).isEqualTo(dumped);
        assertThat(SqliteFiles.count(db, "SELECT count(*) FROM part WHERE name = 'only in the wal'"))
                .isEqualTo(1);
        assertThat(SqliteFiles.count(db, "SELECT count(*) FROM audit"))
                .as("the trigger still fires")
                .isEqualTo(3);
        SqliteFiles.exec(db, "INSERT INTO part(name) VALUES ('after restore')");
        assertThat(SqliteFiles.count(db, "SELECT count(*) FROM audit")).isEqualTo(4);
    }

    @Test
    void theRestoredFileIsTheSnapshotByteForByteWithTheOldPermissions() throws Exception {
        Path db = dir.resolve("app.db");
        createRichDatabase(db);
        SqliteFiles.exec(db, "PRAGMA wal_checkpoint(TRUNCATE)");
        Files.setPosixFilePermissions(db, PosixFilePermissions.fromString("rw-r-----"));
        DatabaseDumper dumper = SqliteFiles.dumper(db);
        Path dump = DumpFiles.dumpTo(dumper, dir.resolve("app.sqlite3"));
        byte[] dumpBytes = Files.readAllBytes(dump);
        byte[] database = Arrays.copyOf(dumpBytes, dumpBytes.length - SqliteDumpFormat.TRAILER_LENGTH);
        SqliteFiles.exec(db, "DELETE FROM part");

        dumper.restore(DumpFiles.source(dump, DumpFiles.infoOf(dumper)));

        assertThat(Files.readAllBytes(db)).isEqualTo(database);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(db)))
                .isEqualTo("rw-r-----");
        assertThat(leftovers()).isEmpty();
    }

    @Test
    void aRestoreWhileThisProcessHoldsTheDatabaseOpenIsRefusedNamingIt() throws Exception {
        Path db = dir.resolve("app.db");
        createRichDatabase(db);
        DatabaseDumper dumper = SqliteFiles.dumper(db);
        Path dump = DumpFiles.dumpTo(dumper, dir.resolve("app.sqlite3"));
        SqliteFiles.exec(db, "DELETE FROM part");
        String before = SqliteFiles.snapshot(db);

        try (Connection pool = DriverManager.getConnection(SqliteFiles.url(db));
                Statement s = pool.createStatement()) {
            s.executeQuery("SELECT count(*) FROM part").close();
            long start = System.nanoTime();
            assertThatThrownBy(() -> dumper.restore(DumpFiles.source(dump, DumpFiles.infoOf(dumper))))
                    .isInstanceOf(SqliteDatabaseInUseException.class)
                    .hasMessageContaining(
                            "this process (pid " + ProcessHandle.current().pid())
                    .hasMessageContaining("Close the application's connections")
                    .hasMessageContaining("Nothing was changed")
                    .satisfies(e -> assertThat(((SqliteDatabaseInUseException) e).holders())
                            .isNotEmpty());
            assertThat((System.nanoTime() - start) / 1_000_000)
                    .as("fails fast, ms")
                    .isLessThan(5_000);
        }
        assertThat(SqliteFiles.snapshot(db)).isEqualTo(before);
        assertThat(leftovers()).isEmpty();
    }

    @Test
    void aRollbackJournalDatabaseRoundTripsToo() throws Exception {
        Path db = dir.resolve("plain.db");
        SqliteFiles.exec(
                db,
                "PRAGMA journal_mode = DELETE",
                "CREATE TABLE t(k TEXT PRIMARY KEY, v BLOB) WITHOUT ROWID",
                "INSERT INTO t VALUES ('a', zeroblob(5000)), ('b', NULL)",
                "PRAGMA user_version = 3");
        DatabaseDumper dumper = SqliteFiles.dumper(db);
        String dumped = SqliteFiles.snapshot(db);
        Path dump = DumpFiles.dumpTo(dumper, dir.resolve("plain.sqlite3"));
        SqliteFiles.exec(db, "DROP TABLE t", "PRAGMA journal_mode = WAL");

        dumper.restore(DumpFiles.source(dump, DumpFiles.infoOf(dumper)));

        assertThat(SqliteFiles.snapshot(db)).isEqualTo(dumped).contains("journal_mode=delete");
        assertThat(dir.resolve("plain.db-wal")).doesNotExist();
    }

    @Test
    void aRestoreCreatesADatabaseThatDoesNotExistYet() throws Exception {
        Path db = dir.resolve("app.db");
        createRichDatabase(db);
        DatabaseDumper dumper = SqliteFiles.dumper(db);
        String dumped = SqliteFiles.snapshot(db);
        Path dump = DumpFiles.dumpTo(dumper, dir.resolve("app.sqlite3"));
        Path fresh = Files.createDirectories(dir.resolve("new-machine")).resolve("app.db");

        DatabaseDumper there = SqliteFiles.dumper(fresh);
        there.restore(DumpFiles.source(dump, DumpFiles.infoOf(dumper)));

        assertThat(SqliteFiles.snapshot(fresh)).isEqualTo(dumped);
    }

    private Stream<Path> leftovers() throws Exception {
        return Files.list(dir).filter(p -> p.getFileName().toString().startsWith(".")).toList().stream();
    }

    static void createRichDatabase(Path db) throws Exception {
        SqliteFiles.exec(
                db,
                "PRAGMA journal_mode = WAL",
                "PRAGMA user_version = 42",
                "PRAGMA application_id = 1095062867",
                "CREATE TABLE part(id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL COLLATE NOCASE,"
                        + " price NUMERIC DEFAULT 0, photo BLOB)",
                "CREATE TABLE plain(a, b)", // a rowid table without INTEGER PRIMARY KEY: rowids must survive
                "CREATE TABLE stock(location TEXT, part_id INTEGER, qty INTEGER NOT NULL,"
                        + " PRIMARY KEY (location, part_id)) WITHOUT ROWID",
                "CREATE TABLE audit(at INTEGER, what TEXT)",
                "CREATE TABLE counter(n INTEGER)",
                "CREATE UNIQUE INDEX part_name ON part(name)",
                "CREATE INDEX stock_qty ON stock(qty) WHERE qty > 0",
                "CREATE VIEW part_names AS SELECT name FROM part ORDER BY name",
                "CREATE TRIGGER part_audit AFTER INSERT ON part BEGIN"
                        + " INSERT INTO audit VALUES (new.id, 'insert ' || new.name); END",
                "INSERT INTO part(name, price, photo) VALUES ('bolt', 0.25, randomblob(300000)), ('Ünïcødé ✓', 1e-3, x'00')",
                "INSERT INTO plain VALUES (1, 'one'), (2, 'two'), (3, 'three')",
                "DELETE FROM plain WHERE a = 2",
                "INSERT INTO stock VALUES ('shelf', 1, 10), ('bin', 2, 0)",
                "INSERT INTO counter VALUES (0)");
    }
}
