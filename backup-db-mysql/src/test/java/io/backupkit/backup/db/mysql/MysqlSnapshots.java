package io.backupkit.backup.db.mysql;

import static io.backupkit.backup.db.mysql.MariaDbServer.rows;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * A canonical text of a database's state: {@code SHOW CREATE} of every table (with its
 * AUTO_INCREMENT counter), sequence, view, trigger, procedure, function and event, plus per-table row
 * counts and {@code CHECKSUM TABLE ... EXTENDED} (and the sequences' state rows). Equal texts mean
 * equal states.
 */
final class MysqlSnapshots {
    private MysqlSnapshots() {}

    static String of(String db) throws SQLException {
        StringBuilder sb = new StringBuilder();
        try (Connection c = MariaDbServer.root(db);
                Statement s = c.createStatement()) {
            for (List<String> t : rows(
                    s,
                    "SELECT TABLE_NAME, TABLE_TYPE FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()"
                            + " ORDER BY TABLE_TYPE, TABLE_NAME")) {
                String name = MysqlSql.q(t.get(0));
                switch (t.get(1)) {
                    case "VIEW" -> sb.append("VIEW ")
                            .append(rows(s, "SHOW CREATE VIEW " + name).get(0).subList(0, 2))
                            .append('\n');
                    case "SEQUENCE" -> {
                        sb.append("SEQUENCE ")
                                .append(rows(s, "SHOW CREATE SEQUENCE " + name).get(0))
                                .append('\n');
                        sb.append("  state ")
                                .append(rows(s, "SELECT * FROM " + name))
                                .append('\n');
                    }
                    default -> {
                        sb.append("TABLE ")
                                .append(rows(s, "SHOW CREATE TABLE " + name).get(0))
                                .append('\n');
                        sb.append("  rows ")
                                .append(rows(s, "SELECT COUNT(*) FROM " + name))
                                .append(" checksum ")
                                .append(rows(s, "CHECKSUM TABLE " + name + " EXTENDED"))
                                .append('\n');
                    }
                }
            }
            for (List<String> t : rows(s, "SHOW TRIGGERS")) {
                // columns of SHOW CREATE TRIGGER: name, sql_mode, statement, charsets..., Created (left out)
                sb.append("TRIGGER ")
                        .append(rows(s, "SHOW CREATE TRIGGER " + MysqlSql.q(t.get(0)))
                                .get(0)
                                .subList(0, 6))
                        .append('\n');
            }
            for (List<String> r : rows(
                    s,
                    "SELECT ROUTINE_TYPE, ROUTINE_NAME FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA ="
                            + " DATABASE() ORDER BY ROUTINE_TYPE, ROUTINE_NAME")) {
                sb.append(r.get(0))
                        .append(' ')
                        .append(rows(s, "SHOW CREATE " + r.get(0) + " " + MysqlSql.q(r.get(1))))
                        .append('\n');
            }
            for (List<String> e : rows(
                    s,
                    "SELECT EVENT_NAME, STATUS FROM information_schema.EVENTS WHERE EVENT_SCHEMA = DATABASE()"
                            + " ORDER BY EVENT_NAME")) {
                List<String> create =
                        rows(s, "SHOW CREATE EVENT " + MysqlSql.q(e.get(0))).get(0);
                sb.append("EVENT ").append(e).append(' ').append(create).append('\n');
            }
        }
        return sb.toString();
    }
}
