package io.backupkit.backup.db.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.backupkit.backup.BackupCancelledException;
import io.backupkit.backup.BackupManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code close()} during a create whose pg_dump is running (held at a table lock, so it writes
 * nothing and cannot stop by itself): the create is cancelled, pg_dump is ended, nothing is left
 * in the storage, and the next create runs at once.
 */
class PostgresCancelCreateIT {
    @TempDir
    Path dir;

    @RegisterExtension
    final PgTestDatabase db = PgTestDatabase.perTest(PgFixture::create);

    @Test
    void closeEndsARunningPgDumpAndKeepsNothing() throws Exception {
        Path backupsDir = dir.resolve("backups");
        BackupManager backups = BackupManager.builder()
                .storage("filesystem", backupsDir.toString(), Map.of())
                .database(db.jdbcUrl(), PgTestDatabase.ADMIN, null)
                .build();
        ProcessHandle pgDump;
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread create = new Thread(() -> {
            try {
                backups.create();
            } catch (Throwable e) {
                failure.set(e);
            }
        });
        try (Connection locker = db.connect()) {
            locker.setAutoCommit(false);
            try (Statement st = locker.createStatement()) {
                st.execute("CREATE TABLE held (x int)");
                locker.commit();
                st.execute("LOCK TABLE held IN ACCESS EXCLUSIVE MODE");
            }
            create.start();
            pgDump = ToolProcesses.child("pg_dump");

            long t0 = System.nanoTime();
            backups.close();
            Duration took = Duration.ofNanos(System.nanoTime() - t0);
            create.join(5_000); // close() returns when the create has cleaned up; its thread then ends
            assertThat(create.isAlive()).isFalse();
            assertThat(took).as("cancelled, pg_dump ended").isLessThan(Duration.ofSeconds(20));
            locker.rollback();
        }
        assertThat(failure.get()).isInstanceOf(BackupCancelledException.class);
        assertThat(pgDump.isAlive()).as("pg_dump ended").isFalse();
        try (Stream<Path> files = Files.list(backupsDir)) {
            assertThat(files.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".backup.lease")))
                    .as("nothing left in the storage")
                    .isEmpty();
        }
        try (BackupManager next = BackupManager.builder()
                .storage("filesystem", backupsDir.toString(), Map.of())
                .database(db.jdbcUrl(), PgTestDatabase.ADMIN, null)
                .build()) {
            assertThat(next.create().backup().artifacts()).hasSize(1);
        }
    }
}
