package io.backupkit.backup.db.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import io.backupkit.backup.spi.DatabaseDumper;
import io.backupkit.backup.tck.DumpFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * writeMark/writtenSince on real files, in WAL and rollback-journal mode: reading the restored
 * database is not a write; a commit is, whether it still sits in the WAL or was folded into the file.
 */
class SqliteWriteMarkTest {
    @TempDir
    Path dir;

    @Test
    void inWalModeReadsAreNotWritesAndACommitIsSeenInTheWalAndInTheFile() throws Exception {
        Path db = dir.resolve("app.db");
        SqliteRoundTripTest.createRichDatabase(db);
        DatabaseDumper dumper = restored(db);
        String mark = dumper.writeMark().orElseThrow();

        try (Connection host = DriverManager.getConnection(SqliteFiles.url(db));
                Statement s = host.createStatement()) {
            s.executeQuery("SELECT count(*) FROM part").close();
            assertThat(Files.exists(dir.resolve("app.db-wal")))
                    .as("the reader's WAL")
                    .isTrue();
            assertThat(dumper.writtenSince(mark)).as("while a reader is open").isEmpty();
        }
        assertThat(SqliteFiles.snapshot(db)).contains("journal_mode=wal");
        assertThat(dumper.writtenSince(mark)).as("after readers").isEmpty();

        try (Connection host = DriverManager.getConnection(SqliteFiles.url(db));
                Statement s = host.createStatement()) {
            s.execute("PRAGMA wal_autocheckpoint = 0");
            s.execute("UPDATE counter SET n = n + 1");
            assertThat(dumper.writtenSince(mark))
                    .hasValueSatisfying(m -> assertThat(m).contains("write-ahead log app.db-wal holds"));
        }
        assertThat(dumper.writtenSince(mark))
                .as("folded into the file when the host closed")
                .hasValueSatisfying(
                        m -> assertThat(m).contains("the database file " + db + " changed since the restore"));
    }

    @Test
    void inRollbackJournalModeACommitOfTheSameSizeIsCounted() throws Exception {
        Path db = dir.resolve("plain.db");
        SqliteFiles.exec(
                db,
                "PRAGMA journal_mode = DELETE",
                "CREATE TABLE t(k TEXT PRIMARY KEY, v INTEGER)",
                "INSERT INTO t VALUES ('a', 1)");
        DatabaseDumper dumper = restored(db);
        String mark = dumper.writeMark().orElseThrow();
        long size = Files.size(db);
        SqliteFiles.count(db, "SELECT count(*) FROM t");
        assertThat(dumper.writtenSince(mark)).isEmpty();

        SqliteFiles.exec(db, "UPDATE t SET v = 2", "UPDATE t SET v = 3");

        assertThat(Files.size(db)).isEqualTo(size);
        assertThat(dumper.writtenSince(mark))
                .hasValue("the database file " + db + " changed since the restore (2 write transactions committed)");
    }

    @Test
    void aReplacedOrDeletedFileAndAForeignMarkAreSaidSo() throws Exception {
        Path db = dir.resolve("app.db");
        SqliteRoundTripTest.createRichDatabase(db);
        DatabaseDumper dumper = restored(db);
        String mark = dumper.writeMark().orElseThrow();

        dumper.restore(DumpFiles.source(dir.resolve("app.sqlite3"), DumpFiles.infoOf(dumper)));
        assertThat(dumper.writtenSince(mark))
                .hasValueSatisfying(m -> assertThat(m).contains("was replaced by another file since the restore"));
        assertThat(dumper.writtenSince("12:34"))
                .hasValueSatisfying(m -> assertThat(m).contains("cannot tell what was written"));
        Files.delete(db);
        assertThat(dumper.writtenSince(mark))
                .hasValueSatisfying(m -> assertThat(m).contains("was deleted"));
        assertThat(dumper.writeMark()).isEmpty();
    }

    /** Dumps {@code db}, changes it and restores the dump; returns the dumper. */
    private DatabaseDumper restored(Path db) throws Exception {
        DatabaseDumper dumper = SqliteFiles.dumper(db);
        Path dump = DumpFiles.dumpTo(
                dumper, dir.resolve(db.getFileName() + ".sqlite3").resolveSibling("app.sqlite3"));
        SqliteFiles.exec(db, "CREATE TABLE added_later(x)");
        dumper.restore(DumpFiles.source(dump, DumpFiles.infoOf(dumper)));
        return dumper;
    }
}
