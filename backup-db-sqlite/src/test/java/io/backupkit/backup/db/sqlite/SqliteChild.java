package io.backupkit.backup.db.sqlite;

import io.backupkit.backup.RestoreOptions;
import io.backupkit.backup.spi.DatabaseDumper;
import io.backupkit.backup.tck.DumpFiles;
import io.backupkit.backup.tck.RestoreChild;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;

/**
 * A second process for the tests: {@code lock DB} holds an exclusive lock on a database until killed;
 * {@code crash-in-wal DB} commits a row that stays in the WAL, then waits to be killed;
 * {@code restore DB DUMP} restores a dump whose stream stalls halfway, after printing {@code STALLED};
 * {@code gate DB DUMP ID} restores keeping the old file aside as {@code ID} and waits at the commit
 * gate ({@code GATE}); {@code rollback-gate DB ASIDE DUMP} rolls back to {@code ASIDE} and waits at
 * its gate. Tokens are printed as {@code TOKEN ...} and {@code ASIDE ...}. {@code engine DIR DB ID
 * PAUSE} restores backup {@code ID} with the engine (see {@link RestoreChild}).
 */
public final class SqliteChild {
    private SqliteChild() {}

    public static void main(String[] args) throws Exception {
        if ("engine".equals(args[0])) {
            RestoreChild.run(
                    SqliteKeepAsideTest.builder(Path.of(args[1]), Path.of(args[2])),
                    args[3],
                    args[4],
                    RestoreOptions.Safety.KEEP_ASIDE);
            return;
        }
        Path db = Path.of(args[1]);
        if ("lock".equals(args[0])) {
            try (Connection c = DriverManager.getConnection(SqliteFiles.url(db));
                    Statement s = c.createStatement()) {
                s.execute("BEGIN EXCLUSIVE");
                s.execute("INSERT INTO t VALUES ('uncommitted')");
                System.out.println("LOCKED");
                System.out.flush();
                Thread.sleep(Long.MAX_VALUE);
            }
        }
        if ("crash-in-wal".equals(args[0])) {
            try (Connection c = DriverManager.getConnection(SqliteFiles.url(db));
                    Statement s = c.createStatement()) {
                s.execute("PRAGMA wal_autocheckpoint = 0");
                s.execute("INSERT INTO part(name) VALUES ('committed to the WAL only " + System.nanoTime() + "')");
                System.out.println("WRITTEN");
                System.out.flush();
                Thread.sleep(Long.MAX_VALUE);
            }
        }
        if ("rollback-gate".equals(args[0])) {
            DatabaseDumper dumper = SqliteFiles.dumper(db);
            Path dump = Path.of(args[3]);
            dumper.rollbackAside(
                    args[2],
                    new KeepAsideSource(
                            DumpFiles.source(dump, DumpFiles.infoOf(dumper)), null, SqliteChild::waitAtGate));
            return;
        }
        Path dump = Path.of(args[2]);
        DatabaseDumper dumper = SqliteFiles.dumper(db);
        if ("gate".equals(args[0])) {
            dumper.restore(new KeepAsideSource(
                    DumpFiles.source(dump, DumpFiles.infoOf(dumper)), args[3], SqliteChild::waitAtGate));
            return;
        }
        FaultySource stalling = new FaultySource(
                DumpFiles.source(dump, DumpFiles.infoOf(dumper)),
                Files.size(dump) / 2,
                FaultySource.Fault.STALL,
                () -> {
                    System.out.println("STALLED");
                    System.out.flush();
                });
        dumper.restore(stalling);
    }

    private static void waitAtGate() {
        System.out.println("GATE");
        System.out.flush();
        try {
            Thread.sleep(Long.MAX_VALUE);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
