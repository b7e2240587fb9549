package io.backupkit.backup.db.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.backupkit.backup.BackupInfo;
import io.backupkit.backup.BackupManager;
import io.backupkit.backup.RestoreOptions;
import io.backupkit.backup.UnableToRestoreDatabaseException;
import io.backupkit.backup.tck.KillDuringRestore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A keep-aside restore whose copy fills the server's disk: the live database lives in a tablespace
 * on a small tmpfs mounted for the test (the tests run as root; where mounting is not permitted they
 * skip), so the new database runs out of room while pg_restore fills it.
 */
class PostgresDiskFullIT {
    @TempDir
    Path dir;

    private Path mount;
    private String tablespace;
    private PgTestDatabase db;
    private Path media;

    @BeforeEach
    void setUp() throws Exception {
        PgTestDatabase.requireServer();
        mount = Files.createDirectories(dir.resolve("small-fs"));
        assumeTrue(
                run("mount", "-t", "tmpfs", "-o", "size=40m", "tmpfs", mount.toString()) == 0,
                "mounting a tmpfs is not permitted here");
        assumeTrue(run("chown", "postgres:postgres", mount.toString()) == 0, "no postgres user to own the tablespace");
        assumeTrue(run("chmod", "o+x", dir.toString()) == 0, "the server cannot reach the temp folder");
        tablespace = "bk_small_" + PgTestDatabase.random();
        try (Connection c = PgTestDatabase.admin("postgres");
                Statement st = c.createStatement()) {
            st.execute("CREATE TABLESPACE " + tablespace + " LOCATION '" + mount + "'");
        }
        db = PgTestDatabase.create();
        try (Connection c = PgTestDatabase.admin("postgres");
                Statement st = c.createStatement()) {
            st.execute("ALTER DATABASE " + db.name + " SET TABLESPACE " + tablespace);
            // the digests' sorts spill to temp files, which would go to the small disk too
            st.execute("ALTER DATABASE " + db.name + " SET temp_tablespaces = 'pg_default'");
        }
        // about 14 MB of rows that do not compress, on a 40 MB disk that also holds the live
        // database's catalog: a second copy does not fit
        db.exec(
                "CREATE TABLE blobs (id int PRIMARY KEY, data bytea)",
                "INSERT INTO blobs SELECT g, decode((SELECT string_agg(md5(g::text || ':' || i), '')"
                        + " FROM generate_series(1, 256) i), 'hex') FROM generate_series(1, 3500) g");
        media = Files.createDirectories(dir.resolve("media"));
        Files.writeString(media.resolve("a.txt"), "from the backup");
    }

    @AfterEach
    void tearDown() throws Exception {
        if (db != null) {
            db.close();
        }
        if (tablespace != null) {
            try (Connection c = PgTestDatabase.admin("postgres");
                    Statement st = c.createStatement()) {
                for (String leftover : databasesIn(c)) {
                    st.execute("DROP DATABASE IF EXISTS " + leftover + " WITH (FORCE)");
                }
                st.execute("DROP TABLESPACE IF EXISTS " + tablespace);
            }
        }
        if (mount != null) {
            run("umount", "-l", mount.toString());
        }
    }

    @Test
    void aCopyThatFillsTheDiskLeavesTheLiveDatabaseAndMediaAsTheyWereAndSaysWhy() throws Exception {
        BackupManager backups = BackupManager.builder()
                .storage("filesystem", dir.resolve("backups").toString(), Map.of())
                .database(db.jdbcUrl(), PgTestDatabase.ADMIN, null)
                .mediaDir(media)
                .spoolDir(dir.resolve("spool"))
                .leaseTtl(Duration.ofSeconds(2))
                .build();
        BackupInfo backup = backups.create().backup();
        db.exec("DELETE FROM blobs WHERE id > 3000");
        Files.writeString(media.resolve("a.txt"), "changed after the backup");
        String before = db.snapshot();
        Object mediaBefore = KillDuringRestore.mediaState(media);

        assertThatThrownBy(() -> backups.restore(RestoreOptions.of(backup.id())))
                .isInstanceOf(UnableToRestoreDatabaseException.class)
                .hasMessageContaining("is full: free space there")
                .hasMessageContaining("left as it was");

        assertThat(db.snapshot()).isEqualTo(before);
        assertThat(KillDuringRestore.mediaState(media)).isEqualTo(mediaBefore);
        try (Connection c = PgTestDatabase.admin("postgres")) {
            assertThat(databasesIn(c)).as("the half-built copy is dropped").containsExactly(db.name);
        }
        assertThat(backups.keptAside())
                .as("nothing kept aside by a restore that did not happen")
                .isEmpty();
        // with room again, the same restore works and is exact
        db.exec("TRUNCATE blobs");
        try (Connection c = db.connect();
                Statement st = c.createStatement()) {
            st.execute("VACUUM FULL blobs");
        }
        backups.restore(RestoreOptions.of(backup.id()));
        assertThat(db.count("SELECT count(*) FROM blobs")).isEqualTo(3500);
        assertThat(Files.readString(media.resolve("a.txt"))).isEqualTo("from the backup");
    }

    private List<String> databasesIn(Connection c) throws Exception {
        List<String> names = new ArrayList<>();
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT d.datname FROM pg_database d JOIN pg_tablespace t"
                        + " ON t.oid = d.dattablespace WHERE t.spcname = '" + tablespace + "' ORDER BY 1")) {
            while (rs.next()) {
                names.add(rs.getString(1));
            }
        }
        return names;
    }

    private static int run(String... argv) throws Exception {
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        return p.waitFor();
    }
}
