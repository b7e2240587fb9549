package io.backupkit.backup.db.mysql;

import static org.assertj.core.api.Assertions.assertThat;

import io.backupkit.backup.spi.DatabaseDescription;
import io.backupkit.backup.tck.DumpFiles;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Non-transactional tables are named (and still round-trip); {@code jdbc:mysql:} URLs work with only
 * the MariaDB driver present; user and password may come from the URL.
 */
class MysqlEnginesAndUrlsIT {
    @TempDir
    Path dir;

    @RegisterExtension
    final FreshMariaDb fresh = FreshMariaDb.perTest(db -> {});

    @BeforeEach
    void setUp() throws Exception {
        MariaDbServer.exec(
                fresh.name(),
                "CREATE TABLE inno (id INT PRIMARY KEY) ENGINE=InnoDB",
                "CREATE TABLE isam (id INT PRIMARY KEY, t TEXT, FULLTEXT KEY ft (t)) ENGINE=MyISAM",
                "CREATE TABLE aria (id INT PRIMARY KEY) ENGINE=Aria",
                "CREATE TABLE mem (id INT PRIMARY KEY) ENGINE=MEMORY",
                "INSERT INTO inno VALUES (1)",
                "INSERT INTO isam VALUES (1, 'full text'), (2, 'more')",
                "INSERT INTO aria VALUES (1)",
                "INSERT INTO mem VALUES (1)");
    }

    @Test
    void nonTransactionalTablesAreNamedAndRoundTrip() throws Exception {
        MysqlDumper dumper = MariaDbServer.dumper(fresh.name());

        assertThat(dumper.nonTransactionalTables()).containsExactly("aria (Aria)", "isam (MyISAM)", "mem (MEMORY)");

        String before = MysqlSnapshots.of(fresh.name());
        Path dump = DumpFiles.dumpTo(dumper, dir.resolve("db.sql"));
        MariaDbServer.exec(fresh.name(), "DELETE FROM isam", "INSERT INTO aria VALUES (2)", "DROP TABLE mem");
        dumper.restore(DumpFiles.source(dump, DumpFiles.infoOf(dumper)));
        assertThat(MysqlSnapshots.of(fresh.name())).isEqualTo(before);
    }

    @Test
    void extraDumpAndRestoreArgumentsReachTheTools() throws Exception {
        MysqlDumper dumper = MariaDbServer.dumper(
                MariaDbServer.url(fresh.name()),
                MariaDbServer.ROOT,
                null,
                Map.of("dump_args", "--skip-extended-insert", "restore_args", List.of("--show-warnings")));
        String before = MysqlSnapshots.of(fresh.name());

        Path dump = DumpFiles.dumpTo(dumper, dir.resolve("db.sql"));
        assertThat(dump).content().contains("INSERT INTO `isam` VALUES (1,'full text');\nINSERT INTO `isam` VALUES");
        MariaDbServer.exec(fresh.name(), "DELETE FROM inno");
        dumper.restore(DumpFiles.source(dump, DumpFiles.infoOf(dumper)));

        assertThat(MysqlSnapshots.of(fresh.name())).isEqualTo(before);
    }

    @Test
    void aJdbcMysqlUrlWithCredentialsInItWorksThroughTheMariadbDriver() throws Exception {
        String url = "jdbc:mysql://" + MariaDbServer.HOST + ":" + MariaDbServer.PORT + "/" + fresh.name() + "?user="
                + MariaDbServer.ROOT;
        MysqlDumper dumper = MariaDbServer.dumper(url, null, null, Map.of());

        DatabaseDescription d = dumper.describe();

        assertThat(d.product()).isEqualTo("MariaDB");
        assertThat(d.tool()).isEqualTo("mariadb-dump");
        Path dump = DumpFiles.dumpTo(dumper, dir.resolve("db.sql"));
        assertThat(dump).content().contains("CREATE TABLE `inno`");
    }
}
