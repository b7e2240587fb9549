package io.backupkit.backup.db.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import io.backupkit.backup.spi.DatabaseDumper;
import io.backupkit.backup.tck.DumpFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Backups taken while another connection writes in a loop are each one point in time: a checksum row
 * updated in the same transaction as every insert agrees with the rows in every restored copy.
 */
class SqliteConcurrentWriteTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"WAL", "DELETE"})
    void eachBackupIsOneConsistentPointInTime(String journalMode) throws Exception {
        Path db = dir.resolve("app.db");
        SqliteFiles.exec(
                db,
                "PRAGMA journal_mode = " + journalMode,
                "CREATE TABLE item(id INTEGER PRIMARY KEY, v INTEGER NOT NULL, pad BLOB)",
                "CREATE TABLE checksum(total INTEGER NOT NULL, n INTEGER NOT NULL)",
                "INSERT INTO checksum VALUES (0, 0)");
        // enough data that a snapshot takes a while to copy
        SqliteFiles.exec(
                db,
                "WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < 2000)"
                        + " INSERT INTO item(v, pad) SELECT i, randomblob(8000) FROM s",
                "UPDATE checksum SET total = (SELECT sum(v) FROM item), n = (SELECT count(*) FROM item)");
        DatabaseDumper dumper = SqliteFiles.dumper(db);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong commits = new AtomicLong();
        AtomicReference<Throwable> writerFailure = new AtomicReference<>();
        Thread writer = new Thread(() -> write(db, stop, commits, writerFailure), "host-writer");
        writer.start();
        try {
            awaitCommits(commits, 20);
            for (int i = 0; i < 4; i++) {
                long commitsBefore = commits.get();
                Path dump = DumpFiles.dumpTo(dumper, dir.resolve("dump-" + i + ".sqlite3"));
                awaitCommits(commits, commitsBefore + 5);

                Path copy =
                        Files.createDirectories(dir.resolve("restored-" + i)).resolve("app.db");
                DatabaseDumper target = SqliteFiles.dumper(copy);
                target.restore(DumpFiles.source(dump, DumpFiles.infoOf(dumper)));

                assertThat(SqliteFiles.count(copy, "SELECT sum(v) FROM item"))
                        .as("backup " + i + ": sum of the rows against the checksum row")
                        .isEqualTo(SqliteFiles.count(copy, "SELECT total FROM checksum"));
                assertThat(SqliteFiles.count(copy, "SELECT count(*) FROM item"))
                        .isEqualTo(SqliteFiles.count(copy, "SELECT n FROM checksum"))
                        .isGreaterThanOrEqualTo(2000);
            }
        } finally {
            stop.set(true);
            writer.join(30_000);
        }
        assertThat(writerFailure.get()).as("the host's writes").isNull();
        assertThat(commits.get()).isGreaterThan(40);
    }

    private static void write(Path db, AtomicBoolean stop, AtomicLong commits, AtomicReference<Throwable> failure) {
        try (Connection c = DriverManager.getConnection(SqliteFiles.url(db));
                Statement s = c.createStatement()) {
            s.execute("PRAGMA busy_timeout = 20000"); // in rollback-journal mode the host waits for the copy
            c.setAutoCommit(false);
            try (PreparedStatement insert =
                            c.prepareStatement("INSERT INTO item(v, pad) VALUES (?, randomblob(2000))");
                    PreparedStatement sum = c.prepareStatement("UPDATE checksum SET total = total + ?, n = n + 1")) {
                while (!stop.get()) {
                    long v = ThreadLocalRandom.current().nextLong(1, 1_000_000);
                    insert.setLong(1, v);
                    insert.executeUpdate();
                    sum.setLong(1, v);
                    sum.executeUpdate();
                    c.commit();
                    commits.incrementAndGet();
                }
            }
        } catch (Throwable t) {
            failure.set(t);
        }
    }

    private static void awaitCommits(AtomicLong commits, long atLeast) throws InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (commits.get() < atLeast && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(commits.get()).as("the writer makes progress").isGreaterThanOrEqualTo(atLeast);
    }
}
