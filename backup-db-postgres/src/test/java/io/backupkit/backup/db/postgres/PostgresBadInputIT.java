package io.backupkit.backup.db.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.backupkit.backup.BackupCancelledException;
import io.backupkit.backup.DatabaseInfo;
import io.backupkit.backup.DatabaseToolException;
import io.backupkit.backup.IncompatibleBackupException;
import io.backupkit.backup.Secret;
import io.backupkit.backup.UnableToDumpDatabaseException;
import io.backupkit.backup.UnableToRestoreDatabaseException;
import io.backupkit.backup.spi.DatabaseConfig;
import io.backupkit.backup.spi.DatabaseDumper;
import io.backupkit.backup.spi.ProviderOptions;
import java.io.ByteArrayOutputStream;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input: unknown database, server down, no permission, pg_dump missing or too old, a backup from a
 * newer pg_dump, a killed or cancelled pg_dump (T21, T24). Typed errors naming the cause, nothing
 * written.
 */
class PostgresBadInputIT {
    @TempDir
    Path dir;

    @RegisterExtension
    final PgTestDatabase db = PgTestDatabase.perTest();

    private final ExecutorService executor = Executors.newSingleThreadExecutor();

    @BeforeEach
    void setUp() throws Exception {
        db.exec("CREATE TABLE public.t AS SELECT g, repeat(md5(g::text), 8) AS v FROM generate_series(1, 6000) g");
    }

    @AfterEach
    void tearDown() throws Exception {
        executor.shutdownNow();
        executor.awaitTermination(30, TimeUnit.SECONDS);
    }

    private static DatabaseDumper dumper(String url, Map<String, ?> options) {
        return new PostgresDumperProvider()
                .create(new DatabaseConfig(
                        url, PgTestDatabase.ADMIN, null, new ProviderOptions("database.options", options), null));
    }

    @Test
    void unknownDatabaseIsNamed() {
        String missing = "bk_it_missing_" + PgTestDatabase.random();
        DatabaseDumper d = dumper(
                "jdbc:postgresql://" + PgTestDatabase.HOST + ":" + PgTestDatabase.PORT + "/" + missing, Map.of());
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        assertThatThrownBy(d::describe)
                .isInstanceOf(UnableToDumpDatabaseException.class)
                .hasMessageContaining("database \"" + missing + "\" does not exist");
        assertThatThrownBy(() -> d.dump(out))
                .isInstanceOf(UnableToDumpDatabaseException.class)
                .hasMessageContaining("does not exist");
        assertThat(out.size()).isZero();
    }

    @Test
    void serverDownIsNamed() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        DatabaseDumper d = dumper("jdbc:postgresql://127.0.0.1:" + port + "/" + db.name, Map.of());
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        assertThatThrownBy(() -> d.dump(out))
                .isInstanceOf(UnableToDumpDatabaseException.class)
                .hasMessageContaining("cannot connect to PostgreSQL at 127.0.0.1:" + port);
        assertThat(out.size()).isZero();
    }

    @Test
    void missingPgDumpIsAToolErrorBeforeAnythingIsWritten() throws Exception {
        Path empty = Files.createDirectory(dir.resolve("empty-bin"));
        DatabaseDumper d = dumper(db.jdbcUrl(), Map.of("bin_dir", empty.toString()));
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        Throwable describe = catchThrowable(d::describe);
        Throwable dump = catchThrowable(() -> d.dump(out));

        assertThat(describe)
                .isInstanceOf(DatabaseToolException.class)
                .hasMessageContaining("pg_dump")
                .hasMessageContaining("database.options.bin_dir")
                .hasMessageContaining(empty.toString());
        assertThat(((DatabaseToolException) describe).tool()).isEqualTo("pg_dump");
        assertThat(dump).isInstanceOf(DatabaseToolException.class);
        assertThat(out.size()).isZero();
        DatabaseInfo info = new DatabaseInfo("postgres", "PostgreSQL", "15.4", "pg_dump", "15.4", "pgdump");
        assertThatThrownBy(() -> d.checkRestorable(info))
                .isInstanceOf(DatabaseToolException.class)
                .hasMessageContaining("pg_restore");
    }

    @Test
    void aPgDumpOlderThanTheServerIsRefused() throws Exception {
        Path bin = Files.createDirectory(dir.resolve("old-bin"));
        Path fake = bin.resolve("pg_dump");
        // a stand-in that answers --version like PostgreSQL 9.6's pg_dump and would fail if asked to dump
        Files.writeString(
                fake, "#!/bin/sh\n[ \"$1\" = --version ] && echo 'pg_dump (PostgreSQL) 9.6.24' && exit 0\nexit 1\n");
        Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwx------"));
        DatabaseDumper d = dumper(db.jdbcUrl(), Map.of("bin_dir", bin.toString()));
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        assertThatThrownBy(d::describe)
                .isInstanceOf(DatabaseToolException.class)
                .hasMessageContaining("9.6.24")
                .hasMessageContaining("older than");
        assertThatThrownBy(() -> d.dump(out)).isInstanceOf(DatabaseToolException.class);
        assertThat(out.size()).isZero();
    }

    @Test
    void aBackupFromANewerPgDumpThanPgRestoreIsRefused() {
        DatabaseDumper d = db.dumper();
        DatabaseInfo own = PgTestDatabase.infoOf(d);
        DatabaseInfo newer = new DatabaseInfo("postgres", own.product(), "99.1", "pg_dump", "99.1", "pgdump");

        assertThatThrownBy(() -> d.checkRestorable(newer))
                .isInstanceOf(DatabaseToolException.class)
                .hasMessageContaining("pg_restore of PostgreSQL 99 or newer")
                .hasMessageContaining("written by pg_dump 99.1");
        DatabaseInfo mysql = new DatabaseInfo("mysql", "MariaDB", "10.11", "mariadb-dump", "10.11", "sql");
        assertThatThrownBy(() -> d.checkRestorable(mysql))
                .isInstanceOf(IncompatibleBackupException.class)
                .hasMessageContaining("'mysql'");
    }

    @Test
    void noPermissionIsNamed() throws Exception {
        String role = db.createRole("bk_it_noperm_", "np");
        DatabaseDumper d = new PostgresDumperProvider().create(db.config(role, Secret.of("np"), Map.of()));

        assertThatThrownBy(() -> d.dump(new ByteArrayOutputStream()))
                .isInstanceOf(UnableToDumpDatabaseException.class)
                .hasMessageContaining("lacks a privilege")
                .hasMessageContaining("permission denied for table t");
    }

    @Test
    void unknownUserIsNamed() {
        String nobody = "bk_it_nobody_" + PgTestDatabase.random();
        DatabaseDumper d = new PostgresDumperProvider().create(db.config(nobody, null, Map.of()));

        assertThatThrownBy(d::describe)
                .isInstanceOf(UnableToDumpDatabaseException.class)
                .hasMessageContaining("user " + nobody + " does not exist");
    }

    @Test
    void aKilledPgDumpFails() throws Exception {
        DatabaseDumper d = db.dumper();
        ToolProcesses.GateStream out = new ToolProcesses.GateStream();
        Future<?> dump = executor.submit(() -> d.dump(out));
        assertThat(out.firstWrite.await(30, TimeUnit.SECONDS)).isTrue();

        ToolProcesses.child("pg_dump").destroyForcibly();
        out.release();

        Throwable thrown = catchThrowable(() -> dump.get(60, TimeUnit.SECONDS));
        assertThat(thrown).isInstanceOf(ExecutionException.class);
        assertThat(thrown.getCause())
                .isInstanceOf(UnableToDumpDatabaseException.class)
                .hasMessageContaining("pg_dump failed");
    }

    @Test
    void interruptingTheDumpStopsPgDump() throws Exception {
        DatabaseDumper d = db.dumper();
        d.describe();
        ToolProcesses.GateStream out = new ToolProcesses.GateStream();
        Thread[] worker = new Thread[1];
        Future<?> dump = executor.submit(() -> {
            worker[0] = Thread.currentThread();
            d.dump(out);
        });
        assertThat(out.firstWrite.await(30, TimeUnit.SECONDS)).isTrue();
        ProcessHandle pgDump = ToolProcesses.child("pg_dump");

        worker[0].interrupt();
        out.release();

        Throwable thrown = catchThrowable(() -> dump.get(60, TimeUnit.SECONDS));
        assertThat(thrown.getCause()).isInstanceOf(BackupCancelledException.class);
        assertThat(pgDump.onExit().get(10, TimeUnit.SECONDS).isAlive()).isFalse();
    }

    @Test
    void restoreIntoAnUnknownDatabaseIsNamed() throws Exception {
        DatabaseDumper source = db.dumper();
        DatabaseInfo info = PgTestDatabase.infoOf(source);
        Path dump = io.backupkit.backup.tck.DumpFiles.dumpTo(source, dir.resolve("db.pgdump"));
        String missing = "bk_it_missing_" + PgTestDatabase.random();
        DatabaseDumper d = dumper(
                "jdbc:postgresql://" + PgTestDatabase.HOST + ":" + PgTestDatabase.PORT + "/" + missing, Map.of());

        assertThatThrownBy(() -> d.restore(io.backupkit.backup.tck.DumpFiles.source(dump, info)))
                .isInstanceOf(UnableToRestoreDatabaseException.class)
                .hasMessageContaining("database \"" + missing + "\" does not exist");
    }
}
