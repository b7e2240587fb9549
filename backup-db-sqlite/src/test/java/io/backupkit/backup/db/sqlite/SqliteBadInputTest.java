package io.backupkit.backup.db.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.backupkit.backup.BackupConfigurationException;
import io.backupkit.backup.UnableToDumpDatabaseException;
import io.backupkit.backup.UnableToRestoreDatabaseException;
import io.backupkit.backup.spi.DatabaseDumper;
import io.backupkit.backup.tck.ChildJvm;
import io.backupkit.backup.tck.DumpFiles;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad input fails fast with a typed error naming the setting, and leaves nothing behind. */
class SqliteBadInputTest {
    @TempDir
    Path dir;

    @Test
    void aFileThatIsNotADatabaseIsNamed() throws Exception {
        Path notADb = dir.resolve("app.db");
        Files.writeString(notADb, "this is a text file, not a database. ".repeat(20));
        byte[] content = Files.readAllBytes(notADb);
        DatabaseDumper dumper = SqliteFiles.dumper(notADb);
        long start = System.nanoTime();

        assertThatThrownBy(dumper::describe)
                .isInstanceOf(UnableToDumpDatabaseException.class)
                .hasMessageContaining("is not a SQLite database")
                .hasMessageContaining("database URL (database.url)");
        assertThatThrownBy(() -> dumper.dump(new ByteArrayOutputStream()))
                .isInstanceOf(UnableToDumpDatabaseException.class)
                .hasMessageContaining("is not a SQLite database");

        assertThat(elapsedMillis(start)).isLessThan(5_000);
        assertThat(Files.readAllBytes(notADb)).isEqualTo(content);
        assertThat(files()).containsExactly("app.db");
    }

    @Test
    void aRestoreDoesNotReplaceAFileThatIsNotADatabase() throws Exception {
        Path good = dir.resolve("good.db");
        SqliteFiles.exec(good, "CREATE TABLE t(x)");
        DatabaseDumper source = SqliteFiles.dumper(good);
        Path dump = DumpFiles.dumpTo(source, dir.resolve("good.sqlite3"));
        Path notADb = dir.resolve("app.db");
        Files.writeString(notADb, "precious notes, not a database");

        assertThatThrownBy(() -> SqliteFiles.dumper(notADb).restore(DumpFiles.source(dump, DumpFiles.infoOf(source))))
                .isInstanceOf(UnableToRestoreDatabaseException.class)
                .hasMessageContaining("is not a SQLite database")
                .hasMessageContaining("Nothing was changed");

        assertThat(Files.readString(notADb)).isEqualTo("precious notes, not a database");
        assertThat(files()).containsExactlyInAnyOrder("app.db", "good.db", "good.sqlite3");
    }

    @Test
    void aMissingFileIsNamedAndNotCreated() {
        Path missing = dir.resolve("missing.db");

        assertThatThrownBy(() -> SqliteFiles.dumper(missing).dump(new ByteArrayOutputStream()))
                .isInstanceOf(UnableToDumpDatabaseException.class)
                .hasMessageContaining(missing + " does not exist")
                .hasMessageContaining("database.url");
        assertThat(missing).doesNotExist();
    }

    @Test
    void urlsWithoutAFileAndUnknownOptionsAreConfigurationErrors() {
        assertThatThrownBy(() -> new SqliteDumperProvider()
                        .create(new io.backupkit.backup.spi.DatabaseConfig(
                                "jdbc:sqlite::memory:", null, null, null, null)))
                .isInstanceOf(BackupConfigurationException.class)
                .hasMessageContaining("in-memory")
                .satisfies(e ->
                        assertThat(((BackupConfigurationException) e).key()).hasValue("database.url"));
        assertThatThrownBy(() -> SqliteFiles.dumper(dir.resolve("a.db"), Map.of("busy_timeot", "1s")))
                .isInstanceOf(BackupConfigurationException.class)
                .hasMessageContaining("database.options.busy_timeot");
        assertThat(SqliteLocation.of("jdbc:sqlite:file:" + dir + "/x%20y.db?mode=ro")
                        .file())
                .isEqualTo(dir.resolve("x y.db"));
    }

    @Test
    void aDatabaseLockedByAnotherProcessForLongerThanTheTimeoutIsNamed() throws Exception {
        Path db = dir.resolve("app.db");
        SqliteFiles.exec(db, "PRAGMA journal_mode = DELETE", "CREATE TABLE t(x)", "INSERT INTO t VALUES ('committed')");
        String before = SqliteFiles.snapshot(db);
        Path dump = DumpFiles.dumpTo(
                SqliteFiles.dumper(db),
                Files.createDirectories(dir.resolve("d")).resolve("x"));
        DatabaseDumper dumper = SqliteFiles.dumper(db, Map.of("busy_timeout", "1s"));
        io.backupkit.backup.DatabaseInfo info = DumpFiles.infoOf(dumper);
        List<String> filesBefore = files();

        try (ChildJvm child = ChildJvm.start(SqliteChild.class, "lock", db.toString())) {
            assertThat(child.awaitLine("LOCKED", Duration.ofSeconds(60)))
                    .as(child.output())
                    .isTrue();
            String childPid = "pid " + child.process().pid();

            long start = System.nanoTime();
            Throwable dumpFailure = catchThrowable(() -> dumper.dump(new ByteArrayOutputStream()));
            long dumpMillis = elapsedMillis(start);
            start = System.nanoTime();
            Throwable restoreFailure = catchThrowable(() -> dumper.restore(DumpFiles.source(dump, info)));
            long restoreMillis = elapsedMillis(start);

            assertThat(dumpFailure)
                    .isInstanceOf(SqliteDatabaseBusyException.class)
                    .hasMessageContaining("database.options.busy_timeout (1s)")
                    .hasMessageContaining(childPid)
                    .hasMessageContaining("Nothing was written");
            assertThat(dumpMillis).as("dump fails after the 1s timeout, ms").isBetween(900L, 5_000L);
            assertThat(restoreFailure)
                    .isInstanceOf(SqliteDatabaseInUseException.class)
                    .hasMessageContaining(childPid)
                    .hasMessageContaining("Nothing was changed");
            assertThat(restoreMillis).as("restore fails fast, ms").isLessThan(5_000);
            assertThat(files())
                    .as("nothing left behind but the child's journal")
                    .containsExactlyInAnyOrderElementsOf(
                            Stream.concat(filesBefore.stream(), Stream.of("app.db-journal"))
                                    .toList());
            assertThat(files()).noneMatch(f -> f.startsWith("."));
        }
        assertThat(SqliteFiles.snapshot(db))
                .as("the killed child's write is rolled back")
                .isEqualTo(before);
    }

    private List<String> files() throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isRegularFile)
                    .map(p -> p.getFileName().toString())
                    .sorted()
                    .toList();
        }
    }

    private static long elapsedMillis(long start) {
        return (System.nanoTime() - start) / 1_000_000;
    }
}
