package io.backupkit.backup.db.mysql;

import static org.assertj.core.api.Assertions.assertThat;

import io.backupkit.backup.DatabaseInfo;
import io.backupkit.backup.spi.DatabaseDescription;
import io.backupkit.backup.tck.DumpFiles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Round trip of a database with every hard MySQL/MariaDB feature: create, dump, change everything,
 * restore; then {@code SHOW CREATE} of every object and every table's checksum equal the state before
 * the change, objects created since are gone, and the auto-increment counters continue where they
 * were.
 */
class MysqlRoundTripIT {
    @TempDir
    Path dir;

    @RegisterExtension
    final FreshMariaDb fresh = FreshMariaDb.perTest(RichFixture::create);

    @Test
    void restoreGivesBackEveryObjectAndEveryRow() throws Exception {
        MysqlDumper dumper = MariaDbServer.dumper(fresh.name());
        String before = MysqlSnapshots.of(fresh.name());
        assertThat(before)
                .contains("TRIGGER [article_au", "PROCEDURE [[add_article", "FUNCTION [[article_count")
                .contains("EVENT [purge_audit", "VIEW [published", "SEQUENCE [ticket", "TABLE [café")
                .contains("FULLTEXT KEY `ft_text`", "SPATIAL KEY `sp_pos`", "STORED", "VIRTUAL")
                .contains("AUTO_INCREMENT=5");
        Path dump = DumpFiles.dumpTo(dumper, dir.resolve("db.sql"));
        String text = Files.readString(dump, StandardCharsets.UTF_8);
        assertThat(text)
                .as("no CREATE DATABASE / USE: the dump loads into the configured database")
                .doesNotContain("CREATE DATABASE")
                .doesNotContain("\nUSE ")
                .doesNotContain("GTID_PURGED")
                .contains("0x00FF0D0A5C27");
        DatabaseInfo info = DumpFiles.infoOf(dumper);

        RichFixture.change(fresh.name());
        assertThat(MysqlSnapshots.of(fresh.name())).isNotEqualTo(before);

        dumper.restore(DumpFiles.source(dump, info));

        assertThat(MysqlSnapshots.of(fresh.name())).isEqualTo(before);
        assertThat(MariaDbServer.query(
                        fresh.name(),
                        "SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()"
                                + " AND TABLE_NAME LIKE 'newer%'"))
                .as("tables, views and sequences created after the backup")
                .isEmpty();
        assertThat(MariaDbServer.query(
                        fresh.name(),
                        "SELECT ROUTINE_NAME FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = DATABASE()"
                                + " AND ROUTINE_NAME LIKE 'newer%'"))
                .isEmpty();
        assertThat(MariaDbServer.query(
                        fresh.name(),
                        "SELECT EVENT_NAME FROM information_schema.EVENTS WHERE EVENT_SCHEMA = DATABASE()"
                                + " AND EVENT_NAME LIKE 'newer%'"))
                .isEmpty();
        assertThat(MariaDbServer.query(fresh.name(), "SHOW TRIGGERS LIKE 'author'"))
                .isEmpty();

        // the counters continue where they were at backup time (id 4 was used and deleted before it)
        MariaDbServer.exec(fresh.name(), "INSERT INTO author (name) VALUES ('after restore')");
        assertThat(MariaDbServer.query(fresh.name(), "SELECT MAX(id) FROM author"))
                .isEqualTo(List.of(List.of("5")));
        // the routines and triggers work on the restored data
        assertThat(MariaDbServer.query(fresh.name(), "SELECT article_count(1)")).isEqualTo(List.of(List.of("1")));
        assertThat(MariaDbServer.query(fresh.name(), "SELECT name FROM author WHERE id = 2"))
                .isEqualTo(List.of(List.of("Zoë 😀 日本")));
        assertThat(MariaDbServer.query(
                        fresh.name(), "SELECT COUNT(*) FROM article WHERE MATCH (title, body) AGAINST ('engine')"))
                .isEqualTo(List.of(List.of("1")));
    }

    @Test
    void describeNamesTheMatchingMariadbTools() throws Exception {
        DatabaseDescription d = MariaDbServer.dumper(fresh.name()).describe();

        assertThat(d.product()).isEqualTo("MariaDB");
        assertThat(d.tool()).isEqualTo("mariadb-dump");
        assertThat(d.serverVersion()).matches("\\d+\\.\\d+\\.\\d+");
        assertThat(d.toolVersion()).matches("\\d+\\.\\d+\\.\\d+");
        assertThat(d.sizeBytes())
                .as("data and index bytes, the dump's expected bytes")
                .isNotZero();
    }

    @Test
    void toolsUseTheUnixSocketWhenAsked() throws Exception {
        Assumptions.assumeTrue(
                Files.exists(Path.of(MariaDbServer.SOCKET)), "no MariaDB socket at " + MariaDbServer.SOCKET);
        // JDBC over TCP (the driver needs JNA for sockets), the tools over the socket
        MysqlDumper dumper = MariaDbServer.dumper(
                MariaDbServer.url(fresh.name()), MariaDbServer.ROOT, null, Map.of("socket", MariaDbServer.SOCKET));
        String before = MysqlSnapshots.of(fresh.name());
        Path dump = DumpFiles.dumpTo(dumper, dir.resolve("db.sql"));
        RichFixture.change(fresh.name());

        dumper.restore(DumpFiles.source(dump, DumpFiles.infoOf(dumper)));

        assertThat(MysqlSnapshots.of(fresh.name())).isEqualTo(before);
    }
}
