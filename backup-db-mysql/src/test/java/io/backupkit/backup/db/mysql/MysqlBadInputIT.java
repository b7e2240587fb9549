package io.backupkit.backup.db.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.backupkit.backup.BackupConfigurationException;
import io.backupkit.backup.DatabaseInfo;
import io.backupkit.backup.DatabaseToolException;
import io.backupkit.backup.IncompatibleBackupException;
import io.backupkit.backup.UnableToDumpDatabaseException;
import io.backupkit.backup.UnableToRestoreDatabaseException;
import io.backupkit.backup.tck.DumpFiles;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input gives typed errors that name the cause, before anything is written (dump) or changed
 * (restore): unknown database, missing privileges for triggers/routines/events, a dump tool missing,
 * of the wrong product or too old, bad options.
 */
class MysqlBadInputIT {
    @TempDir
    Path dir;

    @RegisterExtension
    final FreshMariaDb fresh = FreshMariaDb.perTest(db -> {});

    private String user;

    @BeforeEach
    void setUp() throws Exception {
        MariaDbServer.exec(
                fresh.name(),
                "CREATE TABLE t (id INT PRIMARY KEY)",
                "INSERT INTO t VALUES (1)",
                "CREATE PROCEDURE p() SELECT 1",
                "CREATE EVENT e ON SCHEDULE EVERY 1 DAY DISABLE DO SELECT 1");
    }

    @AfterEach
    void tearDown() throws Exception {
        MariaDbServer.dropUser(user);
    }

    private MysqlDumper userDumper(String... grants) throws Exception {
        user = MariaDbServer.randomName("bk_it_u_");
        MariaDbServer.exec("", "CREATE USER '" + user + "'@'%' IDENTIFIED BY 'pw-" + user + "'");
        for (String g : grants) {
            MariaDbServer.exec("", "GRANT " + g + " ON `" + fresh.name() + "`.* TO '" + user + "'@'%'");
        }
        return MariaDbServer.dumper(MariaDbServer.url(fresh.name()), user, "pw-" + user, Map.of());
    }

    @Test
    void unknownDatabase() {
        MysqlDumper dumper = MariaDbServer.dumper(fresh.name() + "_missing");
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        assertThatThrownBy(() -> dumper.dump(out))
                .isInstanceOf(UnableToDumpDatabaseException.class)
                .hasMessageContaining("database '" + fresh.name() + "_missing' does not exist");
        assertThat(out.size()).isZero();
    }

    @Test
    void aUserWithoutEventTriggerAndRoutinePrivilegesIsRefusedInsteadOfASilentlyIncompleteDump() throws Exception {
        MysqlDumper dumper = userDumper("SELECT, SHOW VIEW, LOCK TABLES");
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        assertThatThrownBy(() -> dumper.dump(out))
                .isInstanceOf(UnableToDumpDatabaseException.class)
                .hasMessageContaining(user)
                .hasMessageContaining("EVENT")
                .hasMessageContaining("TRIGGER")
                .hasMessageContaining("EXECUTE or ALTER ROUTINE");
        assertThat(out.size()).isZero();
    }

    @Test
    void aUserWhoCannotReadRoutineBodiesIsRefused() throws Exception {
        MysqlDumper dumper = userDumper("ALL");

        assertThatThrownBy(dumper::describe)
                .isInstanceOf(UnableToDumpDatabaseException.class)
                .hasMessageContaining("bodies of procedure p");
    }

    @Test
    void aRestoreByAUserWithoutPrivilegesChangesNothing() throws Exception {
        MysqlDumper root = MariaDbServer.dumper(fresh.name());
        Path dump = DumpFiles.dumpTo(root, dir.resolve("db.sql"));
        DatabaseInfo info = DumpFiles.infoOf(root);
        MariaDbServer.exec(fresh.name(), "INSERT INTO t VALUES (2)");
        String before = MysqlSnapshots.of(fresh.name());
        MysqlDumper limited = userDumper("SELECT, SHOW VIEW, LOCK TABLES, EVENT, TRIGGER, EXECUTE");

        Throwable thrown = catchThrowable(() -> limited.restore(DumpFiles.source(dump, info)));

        assertThat(thrown)
                .isInstanceOf(UnableToRestoreDatabaseException.class)
                .hasMessageContaining("nothing was changed");
        assertThat(MysqlSnapshots.of(fresh.name())).isEqualTo(before);
    }

    @Test
    void aRestoreThatCouldNotPutBackObjectsOfOtherDefinersIsRefusedBeforeAnyChange() throws Exception {
        MariaDbServer.exec(fresh.name(), "DROP PROCEDURE p", "DROP EVENT e", "CREATE VIEW v AS SELECT id FROM t");
        MysqlDumper root = MariaDbServer.dumper(fresh.name());
        Path dump = DumpFiles.dumpTo(root, dir.resolve("db.sql"));
        DatabaseInfo info = DumpFiles.infoOf(root);
        MariaDbServer.exec(fresh.name(), "INSERT INTO t VALUES (2)");
        String before = MysqlSnapshots.of(fresh.name());
        MysqlDumper owner = userDumper("ALL");

        Throwable thrown = catchThrowable(() -> owner.restore(DumpFiles.source(dump, info)));

        assertThat(thrown)
                .isInstanceOf(UnableToRestoreDatabaseException.class)
                .hasMessageContaining("SET USER or SUPER")
                .hasMessageContaining("view v (root@")
                .hasMessageContaining("nothing was changed");
        assertThat(MysqlSnapshots.of(fresh.name())).isEqualTo(before);
    }

    @Test
    void aMissingDumpToolIsNamedBeforeAnythingIsWrittenOrChanged() throws Exception {
        Path empty = Files.createDirectory(dir.resolve("bin"));
        MysqlDumper dumper = MariaDbServer.dumper(
                MariaDbServer.url(fresh.name()), MariaDbServer.ROOT, null, Map.of("bin_dir", empty.toString()));
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        Throwable thrown = catchThrowable(() -> dumper.dump(out));

        assertThat(thrown)
                .isInstanceOf(DatabaseToolException.class)
                .hasMessageContaining("no mariadb-dump or mysqldump found in " + empty)
                .hasMessageContaining("bin_dir");
        assertThat(((DatabaseToolException) thrown).tool()).isEqualTo("mariadb-dump");
        assertThat(out.size()).isZero();

        MysqlDumper good = MariaDbServer.dumper(fresh.name());
        Path dump = DumpFiles.dumpTo(good, dir.resolve("db.sql"));
        DatabaseInfo info = DumpFiles.infoOf(good);
        MariaDbServer.exec(fresh.name(), "INSERT INTO t VALUES (2)");
        String before = MysqlSnapshots.of(fresh.name());
        assertThatThrownBy(() -> dumper.restore(DumpFiles.source(dump, info)))
                .isInstanceOf(DatabaseToolException.class);
        assertThatThrownBy(() -> dumper.checkRestorable(info)).isInstanceOf(DatabaseToolException.class);
        assertThat(MysqlSnapshots.of(fresh.name())).isEqualTo(before);
    }

    @Test
    void aDumpToolOfTheOtherProductIsRefused() throws Exception {
        Path bin = fakeTools("mysqldump  Ver 8.0.36 for Linux on x86_64 (MySQL Community Server - GPL)");
        MysqlDumper dumper = MariaDbServer.dumper(
                MariaDbServer.url(fresh.name()), MariaDbServer.ROOT, null, Map.of("bin_dir", bin.toString()));

        assertThatThrownBy(dumper::describe)
                .isInstanceOf(DatabaseToolException.class)
                .hasMessageContaining("is the MySQL 8.0.36 tool, but the server is MariaDB");
    }

    @Test
    void aDumpToolOlderThanTheServerIsRefused() throws Exception {
        Path bin = fakeTools("mariadb-dump  Ver 10.19 Distrib 10.3.39-MariaDB, for debian-linux-gnu (x86_64)");
        MysqlDumper dumper = MariaDbServer.dumper(
                MariaDbServer.url(fresh.name()), MariaDbServer.ROOT, null, Map.of("bin_dir", bin.toString()));

        assertThatThrownBy(dumper::describe)
                .isInstanceOf(DatabaseToolException.class)
                .hasMessageContaining("is version 10.3.39, older than the MariaDB server");
    }

    @Test
    void aBackupOfTheOtherProductIsIncompatible() {
        MysqlDumper dumper = MariaDbServer.dumper(fresh.name());
        DatabaseInfo mysql = new DatabaseInfo("mysql", "MySQL", "8.0.36", "mysqldump", "8.0.36", "sql");

        assertThatThrownBy(() -> dumper.checkRestorable(mysql))
                .isInstanceOf(IncompatibleBackupException.class)
                .hasMessageContaining("MySQL dump");
    }

    @Test
    void badOptionsNameTheKey() {
        assertThatThrownBy(() -> MariaDbServer.dumper(
                        MariaDbServer.url(fresh.name()),
                        "root",
                        null,
                        Map.of("bin_dir", dir.resolve("nope").toString())))
                .isInstanceOf(BackupConfigurationException.class)
                .hasMessageContaining("database.options.bin_dir");
        assertThatThrownBy(() -> MariaDbServer.dumper(
                        MariaDbServer.url(fresh.name()), "root", null, Map.of("bindir", "/usr/bin")))
                .isInstanceOf(BackupConfigurationException.class)
                .hasMessageContaining("database.options.bindir");
    }

    /** A folder whose mariadb-dump and mysqldump only print {@code versionLine}. */
    private Path fakeTools(String versionLine) throws Exception {
        Path bin = Files.createDirectory(dir.resolve("fakebin"));
        for (String name : new String[] {"mariadb-dump", "mysqldump"}) {
            Path tool = bin.resolve(name);
            Files.writeString(tool, "#!/bin/sh\necho '" + versionLine + "'\n");
            Files.setPosixFilePermissions(tool, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        return bin;
    }
}
