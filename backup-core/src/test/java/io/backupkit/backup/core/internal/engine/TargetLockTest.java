package io.backupkit.backup.core.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.backupkit.backup.BackupInProgressException;
import io.backupkit.backup.BackupListener;
import io.backupkit.backup.BackupManager;
import io.backupkit.backup.Phase;
import io.backupkit.backup.RestoreOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * T28, the target lock on H2: two restores (or a restore and a create) of one database from two
 * storage folders do not run at once, whether they share the media folder (its lock file) or not
 * (the database's lock file); the second is refused naming the holder and the database ends exact.
 */
class TargetLockTest {
    @TempDir
    Path tmp;

    private String url;

    private BackupManager manager(String backups, Path media, BackupListener listener) {
        return BackupManager.builder()
                .storage("filesystem", tmp.resolve(backups).toString(), Map.of("fsync", false))
                .database(url, "sa", null)
                .mediaDir(media)
                .spoolDir(tmp.resolve("spool"))
                .listener(listener)
                .build();
    }

    private String rows() throws Exception {
        try (Connection c = DriverManager.getConnection(url, "sa", "");
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT GROUP_CONCAT(v ORDER BY v) FROM t")) {
            rs.next();
            return rs.getString(1);
        }
    }

    private void sql(String statement) throws Exception {
        try (Connection c = DriverManager.getConnection(url, "sa", "");
                Statement s = c.createStatement()) {
            s.execute(statement);
        }
    }

    @Test
    void aSecondRestoreOfTheSameDatabaseIsRefused() throws Exception {
        url = "jdbc:h2:file:" + tmp.resolve("db/app").toAbsolutePath();
        Path mediaA = Files.createDirectories(tmp.resolve("media-a"));
        Path mediaB = Files.createDirectories(tmp.resolve("media-b"));
        Files.writeString(mediaA.resolve("a.txt"), "a");
        sql("CREATE TABLE t (v VARCHAR(10))");
        sql("INSERT INTO t VALUES ('one')");
        String idA;
        String idB;
        try (BackupManager a = manager("backups-a", mediaA, BackupListener.NONE);
                BackupManager b = manager("backups-b", mediaB, BackupListener.NONE)) {
            idA = a.create().backup().id().value();
            sql("INSERT INTO t VALUES ('two')");
            idB = b.create().backup().id().value();
        }
        sql("INSERT INTO t VALUES ('three')");

        CountDownLatch paused = new CountDownLatch(1);
        CountDownLatch go = new CountDownLatch(1);
        BackupListener pause = new BackupListener() {
            @Override
            public void phaseStarted(Phase phase, long expectedBytes) {
                if (phase == Phase.DATABASE_RESTORE) {
                    paused.countDown();
                    try {
                        go.await(60, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            }
        };
        try (BackupManager a = manager("backups-a", mediaA, pause);
                BackupManager b = manager("backups-b", mediaB, BackupListener.NONE);
                BackupManager sameMedia = manager("backups-b", mediaA, BackupListener.NONE)) {
            CompletableFuture<?> first = CompletableFuture.runAsync(
                    () -> a.restore(RestoreOptions.of(idA).withSafetyBackup(false)));
            assertThat(paused.await(60, TimeUnit.SECONDS)).isTrue();

            Throwable refused = catchThrowable(() -> b.restore(RestoreOptions.of(idB)));
            assertThat(refused)
                    .isInstanceOf(BackupInProgressException.class)
                    .hasMessageContaining("H2 database")
                    .hasMessageContaining("pid " + ProcessHandle.current().pid());
            assertThat(catchThrowable(b::create)).isInstanceOf(BackupInProgressException.class);
            assertThat(catchThrowable(() -> sameMedia.restore(RestoreOptions.of(idB))))
                    .isInstanceOf(BackupInProgressException.class)
                    .hasMessageContaining("media folder");

            go.countDown();
            first.get(60, TimeUnit.SECONDS);
            assertThat(rows()).isEqualTo("one");
            // the locks went with the first restore
            b.restore(RestoreOptions.of(idB).withSafetyBackup(false));
            assertThat(rows()).isEqualTo("one,two");
        }
    }
}
