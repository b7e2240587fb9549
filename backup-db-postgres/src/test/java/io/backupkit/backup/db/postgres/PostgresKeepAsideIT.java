package io.backupkit.backup.db.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backupkit.backup.BackupInfo;
import io.backupkit.backup.BackupListener;
import io.backupkit.backup.BackupManager;
import io.backupkit.backup.BackupNotFoundException;
import io.backupkit.backup.DatabaseInUseException;
import io.backupkit.backup.Phase;
import io.backupkit.backup.RestoreOptions;
import io.backupkit.backup.RestoreResult;
import io.backupkit.backup.RollbackOptions;
import io.backupkit.backup.RollbackResult;
import io.backupkit.backup.RollbackWouldLoseDataException;
import io.backupkit.backup.tck.ChildJvm;
import io.backupkit.backup.tck.KillDuringRestore;
import io.backupkit.backup.tck.fixtures.RestoreKillFixture;
import io.backupkit.backup.tck.fixtures.Warnings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The keep-aside restore on PostgreSQL: exact (schema, data and the database's own settings, grants
 * and comment), the replaced database kept as {@code <name>__pre_<id>} and the old media folder kept
 * beside, a rollback that puts both back, a swap refused by a session that connected meanwhile, and
 * a restore killed with SIGKILL before and after its swap.
 */
class PostgresKeepAsideIT {
    @TempDir
    Path dir;

    private PgTestDatabase db;
    private Path media;
    private RestoreKillFixture target;
    private String role;

    @BeforeEach
    void setUp() throws Exception {
        db = PgTestDatabase.create("ka_");
        PgFixture.create(db);
        role = db.createRole("ka_reader_", "x");
        db.exec(
                "ALTER DATABASE " + db.name + " SET work_mem = '12MB'",
                "ALTER DATABASE " + db.name + " SET search_path = \"$user\", public, \"Other Schema\"",
                "ALTER ROLE " + role + " IN DATABASE " + db.name + " SET statement_timeout = '5s'",
                "REVOKE ALL ON DATABASE " + db.name + " FROM PUBLIC",
                "GRANT CONNECT, TEMPORARY ON DATABASE " + db.name + " TO " + role,
                "COMMENT ON DATABASE " + db.name + " IS 'the shop''s data'");
        media = Files.createDirectories(dir.resolve("media"));
        Files.writeString(media.resolve("a.txt"), "from the backup");
        target = RestoreKillFixture.over(dir, media, db.jdbcUrl(), PgTestDatabase.ADMIN, "it", "1.0");
    }

    @AfterEach
    void tearDown() throws Exception {
        if (db != null) {
            db.close();
        }
    }

    private BackupManager.Builder builder() {
        return target.builder("backups", media);
    }

    /** What pg_dump of one database does not hold: owner, grants, settings, comment, locale. */
    private String databaseLevel() throws Exception {
        try (Connection c = PgTestDatabase.admin("postgres");
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT pg_get_userbyid(d.datdba), d.datacl::text, d.datcollate,"
                        + " d.datctype, d.encoding, d.datconnlimit, shobj_description(d.oid, 'pg_database'),"
                        + " (SELECT string_agg(coalesce(r.rolname, '-') || ':' || s.setconfig::text, ';' ORDER BY 1)"
                        + " FROM pg_db_role_setting s LEFT JOIN pg_roles r ON r.oid = s.setrole"
                        + " WHERE s.setdatabase = d.oid) FROM pg_database d WHERE d.datname = '" + db.name + "'")) {
            assertThat(rs.next()).isTrue();
            List<String> out = new ArrayList<>();
            for (int i = 1; i <= 8; i++) {
                out.add(rs.getString(i));
            }
            return String.join(" | ", out);
        }
    }

    private List<Object> state() throws Exception {
        return List.of(db.snapshot(), KillDuringRestore.mediaState(media));
    }

    private void change() throws Exception {
        PgFixture.changeEverything(db);
        Files.writeString(media.resolve("a.txt"), "changed after the backup");
        Files.writeString(media.resolve("b.txt"), "new after the backup");
    }

    private List<String> besideMedia() throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString())
                    .filter(n -> n.startsWith(".media."))
                    .sorted()
                    .toList();
        }
    }

    @Test
    void restoresExactlyKeepsTheOldStateAsideAndRollsBack() throws Exception {
        String level = databaseLevel();
        assertThat(level).contains("work_mem=12MB").contains(role).contains("the shop's data");
        try (BackupManager backups = builder().build()) {
            BackupInfo backup = backups.create().backup();
            List<Object> backupState = state();
            change();
            List<Object> changed = state();

            RestoreResult r = backups.restore(RestoreOptions.of(backup.id()));

            assertThat(r.safetyBackup())
                    .as("no safety backup in keep-aside mode")
                    .isEmpty();
            assertThat(state()).isEqualTo(backupState);
            assertThat(databaseLevel())
                    .as("database-level settings, grants, comment carried over")
                    .isEqualTo(level);
            assertThat(db.databasesBeside()).singleElement().asString().startsWith(db.name + "__pre_");
            assertThat(backups.keptAside()).hasValueSatisfying(k -> {
                assertThat(k.restored()).isEqualTo(backup.id().value());
                assertThat(k.database()).isTrue();
                assertThat(k.media()).isTrue();
            });
            assertThat(besideMedia()).anyMatch(n -> n.startsWith(".media.old-"));
            db.exec("ANALYZE"); // what autovacuum does to restored tables soon: no write of the host's
            try (PgTestDatabase elsewhere = PgTestDatabase.create("ka_other_")) {
                elsewhere.exec("CREATE TABLE t(id INT)"); // another database's writes, and its shared catalogs
            }

            assertThat(backups.rollback(RollbackOptions.defaults()).warnings()).isEmpty();

            assertThat(state())
                    .as("rolled back to the state before the restore")
                    .isEqualTo(changed);
            assertThat(databaseLevel()).isEqualTo(level);
            assertThat(db.databasesBeside()).as("nothing kept or left beside").isEmpty();
            assertThat(besideMedia()).containsOnly(".media.lock");
            assertThat(backups.keptAside()).isEmpty();
            assertThatThrownBy(() -> backups.rollback(RollbackOptions.defaults()))
                    .isInstanceOf(BackupNotFoundException.class)
                    .hasMessageContaining("nothing is kept aside");

            // a second restore drops what the first one kept, and keeps its own
            backups.restore(RestoreOptions.of(backup.id()));
            change();
            backups.restore(RestoreOptions.of(backup.id()));
            assertThat(state()).isEqualTo(backupState);
            assertThat(db.databasesBeside()).hasSize(1);
            assertThat(besideMedia().stream().filter(n -> n.startsWith(".media.old-")))
                    .hasSize(1);
        }
    }

    @Test
    void aRollbackAfterTheHostWroteIsRefusedNamingTheRowsAndForcedReportsThem() throws Exception {
        Warnings warnings = new Warnings();
        try (BackupManager backups = builder().listener(warnings).build()) {
            BackupInfo backup = backups.create().backup();
            change();
            List<Object> changed = state();
            backups.restore(RestoreOptions.of(backup.id()));
            assertThat(backups.keptAside())
                    .hasValueSatisfying(k -> assertThat(k.writesTracked()).isTrue());

            // the host writes and stays connected: its counts reach the server's statistics only when
            // its session ends, which the rollback does before it looks
            try (Connection host = db.connect();
                    Statement st = host.createStatement()) {
                st.execute("INSERT INTO public.items (name) VALUES ('sold after the restore')");
                List<Object> written = state();
                assertThatThrownBy(() ->
                                backups.rollback(RollbackOptions.defaults().terminatingSessions()))
                        .isInstanceOf(RollbackWouldLoseDataException.class)
                        .hasMessageContaining("would lose what was written since")
                        .hasMessageContaining("the database: about ")
                        .hasMessageContaining(" row(s) inserted, updated or deleted")
                        .hasMessageContaining("RollbackOptions.forcing()");
                assertThat(state()).as("nothing changed").isEqualTo(written);
                assertThat(db.databasesBeside()).singleElement().asString().startsWith(db.name + "__pre_");
            }
            warnings.clear();

            RollbackResult forced = backups.rollback(RollbackOptions.defaults().forcing());

            assertThat(forced.warnings()).singleElement().asString().contains(" row(s) inserted");
            assertThat(warnings.list()).singleElement().asString().contains(" row(s) inserted");
            assertThat(state()).isEqualTo(changed);
            assertThat(db.databasesBeside()).isEmpty();
        }
    }

    @Test
    void aTableCreatedAfterTheRestoreRefusesTheRollback() throws Exception {
        try (BackupManager backups = builder().build()) {
            BackupInfo backup = backups.create().backup();
            backups.restore(RestoreOptions.of(backup.id()));
            db.exec("CREATE TABLE public.added_after (x int)");
            assertThatThrownBy(() -> backups.rollback(RollbackOptions.defaults()))
                    .isInstanceOf(RollbackWouldLoseDataException.class)
                    .hasMessageContaining("row(s) inserted, updated or deleted");
        }
    }

    @Test
    void aRoleThatMayNotCreateDatabasesTakesASafetyBackupInsteadAndSaysWhy() throws Exception {
        String app = db.createRole("ka_app_", "app-secret");
        try (PgTestDatabase own = PgTestDatabase.create("ka_")) {
            own.exec("ALTER DATABASE " + own.name + " OWNER TO " + app, "ALTER SCHEMA public OWNER TO " + app);
            Properties p = new Properties();
            p.setProperty("user", app);
            p.setProperty("password", "app-secret");
            try (Connection c = DriverManager.getConnection(own.jdbcUrl(), p);
                    Statement st = c.createStatement()) {
                st.execute("CREATE TABLE part (id int)");
                st.execute("INSERT INTO part VALUES (1)");
            }
            Warnings warnings = new Warnings();
            try (BackupManager backups = BackupManager.builder()
                    .storage("filesystem", dir.resolve("own-backups").toString(), Map.of())
                    .database(own.jdbcUrl(), app, io.backupkit.backup.Secret.of("app-secret"))
                    .spoolDir(dir.resolve("spool"))
                    .listener(warnings)
                    .build()) {
                BackupInfo backup = backups.create().backup();
                own.exec("INSERT INTO part VALUES (2)");
                RestoreResult r = backups.restore(RestoreOptions.of(backup.id()));
                assertThat(r.safetyBackup()).as("a safety backup instead").isPresent();
                assertThat(warnings.list()).anyMatch(w -> w.contains("cannot be kept aside") && w.contains("CREATEDB"));
                assertThat(backups.keptAside()).isEmpty();
                assertThat(own.count("SELECT count(*) FROM part")).isEqualTo(1);
                assertThat(own.databasesBeside()).isEmpty();
            }
        }
    }

    @Test
    void aSessionThatConnectsBeforeTheSwapRefusesItAndNothingChanges() throws Exception {
        List<Connection> host = new ArrayList<>();
        BackupListener connectAtSwap = new BackupListener() {
            @Override
            public void phaseFinished(Phase phase) {
                if (phase == Phase.MEDIA_RESTORE) { // the commit gate: the database swap comes next
                    try {
                        Properties p = new Properties();
                        p.setProperty("user", PgTestDatabase.ADMIN);
                        p.setProperty("ApplicationName", "inventory-web");
                        host.add(DriverManager.getConnection(db.jdbcUrl(), p));
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }
            }
        };
        try (BackupManager backups = builder().listener(connectAtSwap).build()) {
            BackupInfo backup = backups.create().backup();
            change();
            List<Object> changed = state();
            assertThatThrownBy(() -> backups.restore(RestoreOptions.of(backup.id())))
                    .isInstanceOfSatisfying(DatabaseInUseException.class, e -> assertThat(e.sessions())
                            .singleElement()
                            .asString()
                            .contains("inventory-web"))
                    .hasMessageContaining("Nothing was changed");
            assertThat(state()).isEqualTo(changed);
            assertThat(db.databasesBeside()).as("the new database was dropped").isEmpty();
            assertThat(besideMedia()).containsOnly(".media.lock");
            assertThat(backups.keptAside()).isEmpty();
        } finally {
            for (Connection c : host) {
                c.close();
            }
        }
    }

    @Test
    void aRestoreKilledBeforeOrAfterItsSwapIsOldOrNewNeverAMix() throws Exception {
        String id;
        try (BackupManager backups = builder().build()) {
            id = backups.create().backup().id().value();
        }
        List<Object> backupState = state();

        // SIGTERM while pg_restore fills the new database: cancelled, the new one dropped at once
        change();
        List<Object> old = state();
        String output = killChild(id, "", this::newDatabaseExists, false);
        assertThat(output).contains("FAILED BackupCancelledException");
        assertThat(state()).isEqualTo(old);
        assertThat(db.databasesBeside())
                .as("dropped by the cancelled restore itself")
                .isEmpty();
        assertThat(besideMedia()).containsOnly(".media.lock");

        // SIGKILL while pg_restore fills the new database: the live one is untouched, the new one dropped
        killChild(id, "", this::newDatabaseExists);
        try (BackupManager backups = builder().build()) { // recovers at its start
            assertThat(state()).isEqualTo(old);
            assertThat(db.databasesBeside()).isEmpty();
            assertThat(besideMedia()).containsOnly(".media.lock");
        }

        // SIGKILL between the media swap and the database swap: both go back
        killChild(id, "MEDIA_RESTORE:END", null);
        try (BackupManager backups = builder().build()) {
            assertThat(state()).isEqualTo(old);
            assertThat(db.databasesBeside()).isEmpty();
            assertThat(besideMedia()).containsOnly(".media.lock");
            assertThat(backups.keptAside()).isEmpty();
        }

        // SIGKILL once the database is swapped, before the journal says so: finished, old state kept aside
        killChild(id, "", this::asideDatabaseExists);
        try (BackupManager backups = builder().build()) {
            assertThat(state()).isEqualTo(backupState);
            assertThat(backups.keptAside()).isPresent();
            assertThat(db.databasesBeside()).singleElement().asString().contains("__pre_");
            // the killed restore took no mark of what it left: whether the host wrote since cannot be told
            assertThat(backups.keptAside())
                    .hasValueSatisfying(k -> assertThat(k.writesTracked()).isFalse());
            assertThatThrownBy(() -> backups.rollback(RollbackOptions.defaults()))
                    .isInstanceOf(RollbackWouldLoseDataException.class)
                    .hasMessageContaining("cannot tell");
            assertThat(backups.rollback(RollbackOptions.defaults().forcing()).warnings())
                    .hasSize(2)
                    .allMatch(w -> w.contains("cannot tell"));
            assertThat(state()).isEqualTo(old);
        }
    }

    @Test
    void aRollbackKilledBeforeOrAfterItsDatabaseSwapIsOldOrNewNeverAMix() throws Exception {
        List<Object> backupState = state();
        List<Object> changed;
        try (BackupManager backups = builder().build()) {
            String id = backups.create().backup().id().value();
            change();
            changed = state();
            backups.restore(RestoreOptions.of(id));
        }
        assertThat(state()).isEqualTo(backupState);

        // SIGKILL before the rollback changed anything: the next run leaves the restored state, still kept aside
        killRollback("DATABASE_RESTORE:START");
        try (BackupManager backups = builder().build()) { // recovers at its start
            assertThat(state()).isEqualTo(backupState);
            assertThat(backups.keptAside()).isPresent();
            assertThat(db.databasesBeside()).singleElement().asString().contains("__pre_");
        }

        // SIGKILL after the database was put back, before the media folder: the next run finishes it
        killRollback("DATABASE_RESTORE:END");
        try (BackupManager backups = builder().build()) {
            assertThat(state())
                    .as("database and media folder both as before the restore")
                    .isEqualTo(changed);
            assertThat(backups.keptAside()).isEmpty();
            assertThat(db.databasesBeside()).as("nothing kept or left beside").isEmpty();
            assertThat(besideMedia()).containsOnly(".media.lock");
        }
    }

    /** SIGKILLs a forced rollback in a child JVM when it pauses at {@code pauseAt}. */
    private void killRollback(String pauseAt) throws Exception {
        target.killRollback(PostgresRestoreChildMain.class, "backups", pauseAt);
    }

    private boolean newDatabaseExists() {
        return countDatabases("__restore\\_%") > 0 && tablesInNewDatabase() > 0;
    }

    private boolean asideDatabaseExists() {
        return countDatabases("__pre\\_%") > 0;
    }

    private long countDatabases(String suffixPattern) {
        try (Connection c = PgTestDatabase.admin("postgres");
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT count(*) FROM pg_database WHERE datname LIKE '"
                        + db.name.replace("_", "\\_") + suffixPattern.replace("__", "\\_\\_") + "'")) {
            rs.next();
            return rs.getLong(1);
        } catch (Exception e) {
            return 0;
        }
    }

    private long tablesInNewDatabase() {
        try (Connection c = PgTestDatabase.admin("postgres");
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT datname FROM pg_database WHERE datname LIKE '"
                        + db.name.replace("_", "\\_") + "\\_\\_restore%'")) {
            if (!rs.next()) {
                return 0;
            }
            try (Connection n = PgTestDatabase.admin(rs.getString(1));
                    Statement s2 = n.createStatement();
                    ResultSet r2 = s2.executeQuery("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")) {
                r2.next();
                return r2.getLong(1);
            }
        } catch (Exception e) {
            return 0;
        }
    }

    private void killChild(String id, String pauseAt, java.util.function.BooleanSupplier when) throws Exception {
        killChild(id, pauseAt, when, true);
    }

    /** Stops a keep-aside restore in a child JVM (SIGKILL or SIGTERM); returns its output. */
    private String killChild(String id, String pauseAt, java.util.function.BooleanSupplier when, boolean kill)
            throws Exception {
        String output;
        try (ChildJvm child = target.child(PostgresRestoreChildMain.class, "backups", id, pauseAt, "KEEP_ASIDE")) {
            long end = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            if (when == null) {
                assertThat(child.awaitLine("PAUSED", Duration.ofSeconds(120)))
                        .as(child.output())
                        .isTrue();
            } else {
                while (!when.getAsBoolean()) {
                    assertThat(child.isAlive() && System.nanoTime() < end)
                            .as("the child ended or the condition never held\n" + child.output())
                            .isTrue();
                    Thread.sleep(1);
                }
            }
            if (kill) {
                child.kill();
            } else {
                child.process().toHandle().destroy(); // SIGTERM: the shutdown hook cancels the restore
                assertThat(child.awaitExit(Duration.ofSeconds(120)))
                        .as(child.output())
                        .isTrue();
            }
            output = child.output();
        }
        Thread.sleep(2500); // the killed child's storage lease expires (TTL 2 s)
        return output;
    }
}
