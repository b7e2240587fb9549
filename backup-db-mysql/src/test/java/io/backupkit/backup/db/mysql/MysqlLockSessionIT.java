package io.backupkit.backup.db.mysql;

import static org.assertj.core.api.Assertions.assertThat;

import io.backupkit.backup.spi.DatabaseConfig;
import io.backupkit.backup.spi.DatabaseDumper;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A create logs in once over JDBC on MariaDB, not twice: the session that read the server's version
 * is the one that then holds {@code GET_LOCK}, and a description alone closes it soon after.
 */
class MysqlLockSessionIT {
    private String db;

    @BeforeEach
    void setUp() throws Exception {
        MariaDbServer.require();
        db = MariaDbServer.createDatabase();
    }

    @AfterEach
    void tearDown() throws Exception {
        MariaDbServer.dropDatabase(db);
    }

    private DatabaseDumper dumper() {
        return new MysqlDumperProvider()
                .create(new DatabaseConfig(MariaDbServer.url(db), MariaDbServer.ROOT, null, null, null));
    }

    @Test
    void theLockTakesOverTheDescriptionsSession() throws Exception {
        DatabaseDumper dumper = dumper();
        dumper.describe();
        List<Long> described = sessions();
        assertThat(described).as("the description's session, kept for the lock").hasSize(1);

        try (DatabaseDumper.TargetLock lock = dumper.lockTarget()) {
            assertThat(sessions()).as("no second login: the same session").isEqualTo(described);
            assertThat(lockHolder()).isEqualTo(described.get(0));
        }
        awaitNoSession(5);
    }

    @Test
    void aDescriptionRunningAheadAndTheLockShareOneLogin() throws Exception {
        for (int round = 0; round < 5; round++) {
            DatabaseDumper dumper = dumper();
            CompletableFuture<?> described = CompletableFuture.runAsync(dumper::describe); // as a create does
            try (DatabaseDumper.TargetLock lock = dumper.lockTarget()) {
                described.get(30, TimeUnit.SECONDS);
                assertThat(sessions()).as("one login in round " + round).hasSize(1);
            }
            awaitNoSession(5);
        }
    }

    @Test
    void aDescriptionAloneClosesItsSessionSoon() throws Exception {
        dumper().describe();
        assertThat(sessions()).hasSize(1);
        awaitNoSession(TimeUnit.MILLISECONDS.toSeconds(MysqlLockSession.OFFER_MILLIS) + 10);
    }

    private void awaitNoSession(long seconds) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!sessions().isEmpty()) {
            assertThat(System.nanoTime() - end).as("the session ends").isNegative();
            Thread.sleep(100);
        }
    }

    /** Sessions on the test database (this test's own queries run on another). */
    private List<Long> sessions() throws Exception {
        List<Long> ids = new ArrayList<>();
        try (Connection c = MariaDbServer.root("information_schema");
                PreparedStatement ps =
                        c.prepareStatement("SELECT ID FROM information_schema.PROCESSLIST WHERE DB = ? ORDER BY ID")) {
            ps.setString(1, db);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getLong(1));
                }
            }
        }
        return ids;
    }

    private long lockHolder() throws Exception {
        try (Connection c = MariaDbServer.root("information_schema");
                PreparedStatement ps = c.prepareStatement("SELECT IS_USED_LOCK(?)")) {
            ps.setString(1, "backupkit:" + db);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
