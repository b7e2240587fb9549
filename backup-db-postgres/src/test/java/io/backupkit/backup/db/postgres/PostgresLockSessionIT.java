package io.backupkit.backup.db.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.backupkit.backup.spi.DatabaseDumper;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A create logs in once over JDBC, not twice: the session that read the server's version is the one
 * the target lock then holds, and a description that no lock follows closes it soon after.
 */
class PostgresLockSessionIT {
    @RegisterExtension
    final PgTestDatabase db = PgTestDatabase.perTest();

    @Test
    void theLockTakesOverTheDescriptionsSession() throws Exception {
        DatabaseDumper dumper = new PostgresDumperProvider().create(db.config(Map.of()));
        dumper.describe();
        List<Integer> described = lockSessions();
        assertThat(described).as("the description's session, kept for the lock").hasSize(1);

        try (DatabaseDumper.TargetLock lock = dumper.lockTarget()) {
            assertThat(lockSessions()).as("no second login: the same session").isEqualTo(described);
            assertThat(advisoryLockHolders()).isEqualTo(described);
        }
        awaitNoLockSession(5);
    }

    @Test
    void aDescriptionAfterTheLockReadsOnTheLocksSession() throws Exception {
        DatabaseDumper dumper = new PostgresDumperProvider().create(db.config(Map.of()));
        try (DatabaseDumper.TargetLock lock = dumper.lockTarget()) {
            List<Integer> locked = lockSessions();
            dumper.describe();
            assertThat(lockSessions()).as("no login of the description's own").isEqualTo(locked);
        }
        awaitNoLockSession(5);
    }

    @Test
    void aDescriptionRunningAheadAndTheLockShareOneLogin() throws Exception {
        for (int round = 0; round < 5; round++) {
            DatabaseDumper dumper = new PostgresDumperProvider().create(db.config(Map.of()));
            CompletableFuture<?> described = CompletableFuture.runAsync(dumper::describe); // as a create does
            try (DatabaseDumper.TargetLock lock = dumper.lockTarget()) {
                described.get(30, TimeUnit.SECONDS);
                assertThat(lockSessions()).as("one login in round " + round).hasSize(1);
            }
            awaitNoLockSession(5);
        }
    }

    @Test
    void aDescriptionAloneClosesItsSessionSoon() throws Exception {
        DatabaseDumper dumper = new PostgresDumperProvider().create(db.config(Map.of()));
        dumper.describe();
        assertThat(lockSessions()).hasSize(1);
        awaitNoLockSession(TimeUnit.MILLISECONDS.toSeconds(PgTargetSession.OFFER_MILLIS) + 10);

        try (DatabaseDumper.TargetLock lock = dumper.lockTarget()) {
            assertThat(lockSessions())
                    .as("a lock with nothing offered logs in itself")
                    .hasSize(1);
        }
        awaitNoLockSession(5);
    }

    private void awaitNoLockSession(long seconds) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!lockSessions().isEmpty()) {
            assertThat(System.nanoTime() - end).as("the lock's session ends").isNegative();
            Thread.sleep(100);
        }
    }

    private List<Integer> lockSessions() throws Exception {
        return pids("SELECT pid FROM pg_catalog.pg_stat_activity WHERE datname = ?"
                + " AND application_name LIKE 'backupkit-lock%' ORDER BY pid");
    }

    private List<Integer> advisoryLockHolders() throws Exception {
        return pids("SELECT l.pid FROM pg_catalog.pg_locks l JOIN pg_catalog.pg_database d ON d.oid = l.database"
                + " WHERE d.datname = ? AND l.locktype = 'advisory' AND l.granted ORDER BY l.pid");
    }

    private List<Integer> pids(String sql) throws Exception {
        List<Integer> pids = new ArrayList<>();
        try (Connection c = PgTestDatabase.admin("postgres");
                PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, db.name);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    pids.add(rs.getInt(1));
                }
            }
        }
        return pids;
    }
}
