package io.backupkit.backup.db.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.backupkit.backup.BackupException;
import io.backupkit.backup.BackupManager;
import io.backupkit.backup.CreateResult;
import io.backupkit.backup.DatabaseToolException;
import io.backupkit.backup.PruneMode;
import io.backupkit.backup.PruneResult;
import io.backupkit.backup.RestoreOptions;
import io.backupkit.backup.RestoreResult;
import io.backupkit.backup.RetentionPolicy;
import io.backupkit.backup.UnableToDumpDatabaseException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** End to end through {@link BackupManager}: the provider is found from the URL, backs up and restores. */
class MysqlBackupManagerIT {
    @TempDir
    Path dir;

    @RegisterExtension
    final FreshMariaDb fresh = FreshMariaDb.perTest(RichFixture::create);

    private BackupManager manager(Map<String, ?> dumperOptions) throws Exception {
        Path media = Files.createDirectories(dir.resolve("media"));
        Files.writeString(media.resolve("a.txt"), "media");
        return BackupManager.builder()
                .storage("filesystem", dir.resolve("backups").toString(), Map.of())
                .database(MariaDbServer.url(fresh.name()), MariaDbServer.ROOT, null)
                .dumper("mysql", dumperOptions)
                .mediaDir(media)
                .hostApplication("mysql-it", "1.0.0")
                .spoolDir(Files.createDirectories(dir.resolve("spool")))
                .build();
    }

    @Test
    void createThenRestoreGivesBackTheDatabase() throws Exception {
        String before = MysqlSnapshots.of(fresh.name());
        try (BackupManager backups = manager(Map.of())) {
            CreateResult created = backups.create();
            assertThat(created.backup().database().dumper()).isEqualTo("mysql");
            assertThat(created.backup().database().product()).isEqualTo("MariaDB");
            assertThat(created.backup().database().tool()).isEqualTo("mariadb-dump");
            assertThat(created.backup().database().format()).isEqualTo("sql");

            RichFixture.change(fresh.name());
            RestoreResult restored = backups.restore(
                    RestoreOptions.of(created.id().toString()).withSafety(RestoreOptions.Safety.BACKUP));

            assertThat(restored.databaseRestored()).isTrue();
            assertThat(restored.safetyBackup()).isPresent();
            assertThat(MysqlSnapshots.of(fresh.name())).isEqualTo(before);
        }
    }

    @Test
    void keepAsideKeepsTheRollbackSnapshotAndRollbackLoadsItBack() throws Exception {
        String before = MysqlSnapshots.of(fresh.name());
        try (BackupManager backups = manager(Map.of())) {
            CreateResult created = backups.create();
            RichFixture.change(fresh.name());
            Files.writeString(dir.resolve("media").resolve("a.txt"), "changed");
            String changed = MysqlSnapshots.of(fresh.name());

            RestoreResult restored =
                    backups.restore(RestoreOptions.of(created.id().toString()));

            assertThat(restored.safetyBackup())
                    .as("kept aside, no safety backup")
                    .isEmpty();
            assertThat(MysqlSnapshots.of(fresh.name())).isEqualTo(before);
            assertThat(dir.resolve("media").resolve("a.txt")).hasContent("media");
            assertThat(backups.keptAside()).hasValueSatisfying(k -> assertThat(k.database() && k.media())
                    .isTrue());
            try (Stream<Path> beside = Files.list(dir)) {
                assertThat(beside.map(p -> p.getFileName().toString()))
                        .anyMatch(n -> n.startsWith(".backupkit-aside-"))
                        .anyMatch(n -> n.startsWith(".media.old-"));
            }

            backups.rollback(io.backupkit.backup.RollbackOptions.defaults());

            assertThat(MysqlSnapshots.of(fresh.name())).isEqualTo(changed);
            assertThat(dir.resolve("media").resolve("a.txt")).hasContent("changed");
            assertThat(backups.keptAside()).isEmpty();
            try (Stream<Path> beside = Files.list(dir)) {
                assertThat(beside.map(p -> p.getFileName().toString()))
                        .noneMatch(n -> n.startsWith(".backupkit-aside-") || n.startsWith(".media.old-"));
            }
        }
    }

    @Test
    void aRollbackAfterTheHostWroteIsRefusedNamingTheTableAndForcedReportsIt() throws Exception {
        try (BackupManager backups = manager(Map.of())) {
            CreateResult created = backups.create();
            RichFixture.change(fresh.name());
            String changed = MysqlSnapshots.of(fresh.name());
            backups.restore(RestoreOptions.of(created.id().toString()));
            assertThat(backups.keptAside())
                    .hasValueSatisfying(k -> assertThat(k.writesTracked()).isTrue());
            Thread.sleep(1100); // the server keeps write times to the second

            MariaDbServer.exec(fresh.name(), "INSERT INTO author (name) VALUES ('written after the restore')");
            String written = MysqlSnapshots.of(fresh.name());
            assertThatThrownBy(() -> backups.rollback(
                            io.backupkit.backup.RollbackOptions.defaults().terminatingSessions()))
                    .isInstanceOf(io.backupkit.backup.RollbackWouldLoseDataException.class)
                    .hasMessageContaining("the database: 1 table(s) written or created since the restore (author)")
                    .hasMessageContaining("RollbackOptions.forcing()");
            assertThat(MysqlSnapshots.of(fresh.name())).as("nothing changed").isEqualTo(written);

            io.backupkit.backup.RollbackResult forced = backups.rollback(
                    io.backupkit.backup.RollbackOptions.defaults().forcing());

            assertThat(forced.warnings()).singleElement().asString().contains("(author)");
            assertThat(MysqlSnapshots.of(fresh.name())).isEqualTo(changed);
        }
    }

    @Test
    void aMissingDumpToolLeavesNoBackup() throws Exception {
        Path emptyBin = Files.createDirectories(dir.resolve("bin"));
        try (BackupManager backups = manager(Map.of("bin_dir", emptyBin.toString()))) {
            Throwable thrown = catchThrowable(backups::create);

            assertThat(thrown).isInstanceOf(DatabaseToolException.class).hasMessageContaining("mariadb-dump");
            assertThat(backups.list()).isEmpty();
        }
    }

    /**
     * T24: mariadb-dump is killed with SIGKILL while {@code create()} runs (held at a table lock so that
     * it surely runs, its header already streamed into the storage): the create fails typed, nothing is
     * listed, no manifest exists, and a prune with no grace leaves nothing but the lease.
     */
    @Test
    void t24_aMariadbDumpKilledDuringCreateLeavesNoBackup() throws Exception {
        try (BackupManager backups = manager(Map.of());
                Connection locker = MariaDbServer.root(fresh.name());
                Statement lock = locker.createStatement()) {
            lock.execute("LOCK TABLES article WRITE");
            CreateInBackground create = new CreateInBackground(backups);
            waitForTheDumpBlockedOnTheLock();
            ProcessHandle tool = dumpToolProcess().orElseThrow(() -> new AssertionError("the dump tool runs"));

            assertThat(tool.destroyForcibly()).as("SIGKILL sent").isTrue();
            Throwable thrown = create.await();
            lock.execute("UNLOCK TABLES");

            assertThat(thrown)
                    .isInstanceOf(UnableToDumpDatabaseException.class)
                    .hasMessageContaining("mariadb-dump failed with exit code 137"); // 128 + SIGKILL
            assertThat(dumpToolProcess()).as("no dump tool left").isEmpty();
            assertNoBackupAndPruneLeavesNothing(backups);
        }
    }

    /**
     * T24: mariadb-dump exits non-zero midway through {@code create()}: its server session is killed
     * ({@code KILL CONNECTION}, as a DBA or a server restart would) while it waits at a table lock,
     * after its header was streamed. The create fails with the tool's exit code and message, and no
     * backup is left, as above.
     */
    @Test
    void t24_aMariadbDumpExitingNonZeroDuringCreateLeavesNoBackup() throws Exception {
        try (BackupManager backups = manager(Map.of());
                Connection locker = MariaDbServer.root(fresh.name());
                Statement lock = locker.createStatement()) {
            lock.execute("LOCK TABLES article WRITE");
            CreateInBackground create = new CreateInBackground(backups);
            long session = waitForTheDumpBlockedOnTheLock();

            lock.execute("KILL CONNECTION " + session);
            Throwable thrown = create.await();
            lock.execute("UNLOCK TABLES");

            assertThat(thrown)
                    .isInstanceOf(UnableToDumpDatabaseException.class)
                    .hasMessageContaining("mariadb-dump failed with exit code");
            assertThat(dumpToolProcess()).as("no dump tool left").isEmpty();
            assertNoBackupAndPruneLeavesNothing(backups);
        }
    }

    /** Runs {@code create()} on its own thread. */
    private static final class CreateInBackground {
        private final AtomicReference<Throwable> failure = new AtomicReference<>();
        private final Thread thread;

        CreateInBackground(BackupManager backups) {
            thread = new Thread(() -> {
                try {
                    backups.create();
                } catch (Throwable e) {
                    failure.set(e);
                }
            });
            thread.start();
        }

        /** What the create threw; fails if it succeeded or did not end within a minute. */
        Throwable await() throws InterruptedException {
            thread.join(Duration.ofSeconds(60).toMillis());
            assertThat(thread.isAlive()).as("the create ended").isFalse();
            assertThat(failure.get()).as("the create failed").isInstanceOf(BackupException.class);
            return failure.get();
        }
    }

    /** Waits until the dump's server session waits at the held table lock; returns its connection id. */
    private long waitForTheDumpBlockedOnTheLock() throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            List<List<String>> waiting = MariaDbServer.query(
                    "",
                    "SELECT ID FROM information_schema.PROCESSLIST WHERE DB = '" + fresh.name()
                            + "' AND STATE LIKE 'Waiting for table%lock%' AND ID <> CONNECTION_ID()");
            if (waiting.size() == 1 && dumpToolProcess().isPresent()) {
                return Long.parseLong(waiting.get(0).get(0));
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the dump did not reach the held table lock within 30 s");
    }

    /** The running dump (not a {@code --version} check) started by this JVM. */
    private static Optional<ProcessHandle> dumpToolProcess() {
        return ProcessHandle.current()
                .descendants()
                .filter(ProcessHandle::isAlive)
                .filter(p -> p.info()
                        .command()
                        .map(c -> c.endsWith("/mariadb-dump") || c.endsWith("/mysqldump"))
                        .orElse(false))
                .filter(p -> p.info()
                        .arguments()
                        .map(a -> List.of(a).contains("--single-transaction"))
                        .orElse(false))
                .findFirst();
    }

    private void assertNoBackupAndPruneLeavesNothing(BackupManager backups) throws Exception {
        Path folder = dir.resolve("backups");
        assertThat(backups.list()).isEmpty();
        try (Stream<Path> files = Files.list(folder)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".manifest.json"));
        }
        PruneResult pruned = backups.prune(new RetentionPolicy(1, 0, 0, 0, null, 0, Duration.ZERO), PruneMode.APPLY);
        assertThat(pruned.deleted()).isEmpty();
        try (Stream<Path> files = Files.list(folder)) {
            // the lease and the lock file the filesystem storage keeps beside it
            assertThat(files.map(p -> p.getFileName().toString())
                            .filter(n -> !n.equals("backup.lease") && !n.equals(".backup.lease.lock")))
                    .as("objects left after prune")
                    .isEmpty();
        }
    }
}
