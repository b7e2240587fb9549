package io.backupkit.backup.db.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backupkit.backup.BackupConfigurationException;
import io.backupkit.backup.BackupManager;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code BackupManager.check()} against the real server: fit, wrong port, missing database, old tools. */
class PostgresCheckIT {
    @TempDir
    Path dir;

    @RegisterExtension
    final PgTestDatabase db = PgTestDatabase.perTest();

    private BackupManager manager(String url, Map<String, ?> dumperOptions) throws Exception {
        return BackupManager.builder()
                .storage("filesystem", dir.resolve("backups").toString(), Map.of())
                .database(url, PgTestDatabase.ADMIN, null)
                .dumper("postgres", dumperOptions)
                .mediaDir(Files.createDirectories(dir.resolve("media")))
                .build();
    }

    private static void assertOneDatabaseProblem(BackupManager m, String text) {
        long t0 = System.nanoTime();
        assertThatThrownBy(m::check)
                .isInstanceOfSatisfying(BackupConfigurationException.class, e -> assertThat(e.problems())
                        .singleElement()
                        .asString()
                        .startsWith("database: ")
                        .contains(text));
        assertThat(System.nanoTime() - t0).as("within seconds").isLessThan(15_000_000_000L);
    }

    @Test
    void aFitSetupPasses() throws Exception {
        try (BackupManager m = manager(db.jdbcUrl(), Map.of())) {
            assertThat(m.check().checked()).anySatisfy(l -> assertThat(l).startsWith("database: PostgreSQL "));
        }
    }

    @Test
    void wrongPortMissingDatabaseAndOldToolsAreProblems() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        try (BackupManager m = manager("jdbc:postgresql://127.0.0.1:" + closed + "/" + db.name, Map.of())) {
            assertOneDatabaseProblem(m, String.valueOf(closed));
        }
        String missing = "bk_it_missing_" + PgTestDatabase.random();
        try (BackupManager m = manager(
                "jdbc:postgresql://" + PgTestDatabase.HOST + ":" + PgTestDatabase.PORT + "/" + missing, Map.of())) {
            assertOneDatabaseProblem(m, missing);
        }
        Path bin = Files.createDirectory(dir.resolve("old-bin"));
        Path fake = bin.resolve("pg_dump");
        Files.writeString(
                fake, "#!/bin/sh\n[ \"$1\" = --version ] && echo 'pg_dump (PostgreSQL) 9.6.24' && exit 0\nexit 1\n");
        Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwx------"));
        try (BackupManager m = manager(db.jdbcUrl(), Map.of("bin_dir", bin.toString()))) {
            assertOneDatabaseProblem(m, "older than");
        }
    }
}
