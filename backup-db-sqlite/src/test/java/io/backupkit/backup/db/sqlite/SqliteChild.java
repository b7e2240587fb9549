package io.backupkit.backup.db.sqlite;

import io.backupkit.backup.spi.DatabaseDumper;
import io.backupkit.backup.tck.DumpFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;

/**
 * A second process for the tests: {@code lock DB} holds an exclusive lock on a database until killed;
 * {@code crash-in-wal DB} commits a row that stays in the WAL, then waits to be killed;
 * {@code restore DB DUMP} restores a dump whose stream stalls halfway, after printing {@code STALLED}.
 */
public final class SqliteChild {
    private SqliteChild() {}

    public static void main(String[] args) throws Exception {
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
        Path dump = Path.of(args[2]);
        DatabaseDumper dumper = SqliteFiles.dumper(db);
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
}
