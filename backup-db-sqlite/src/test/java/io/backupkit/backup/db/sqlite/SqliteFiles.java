package io.backupkit.backup.db.sqlite;

import io.backupkit.backup.spi.DatabaseConfig;
import io.backupkit.backup.spi.DatabaseDumper;
import io.backupkit.backup.spi.ProviderOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Test helpers over real SQLite files: run SQL, take a canonical snapshot, make a dumper. */
final class SqliteFiles {
    private SqliteFiles() {}

    static String url(Path db) {
        return "jdbc:sqlite:" + db;
    }

    static DatabaseDumper dumper(Path db) {
        return dumper(db, Map.of());
    }

    static DatabaseDumper dumper(Path db, Map<String, ?> options) {
        return new SqliteDumperProvider()
                .create(new DatabaseConfig(
                        url(db), null, null, new ProviderOptions("database.options", options), null));
    }

    static void exec(Path db, String... statements) throws SQLException {
        try (Connection c = DriverManager.getConnection(url(db));
                Statement s = c.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
        }
    }

    static long count(Path db, String select) throws SQLException {
        try (Connection c = DriverManager.getConnection(url(db));
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(select)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /**
     * A canonical text of the database: the header settings, every schema entry, and per table a
     * digest of its rows (with the rowid where the table has one), values tagged with their type.
     */
    static String snapshot(Path db) throws Exception {
        try (Connection c = DriverManager.getConnection(url(db));
                Statement s = c.createStatement()) {
            StringBuilder out = new StringBuilder();
            for (String pragma :
                    List.of("user_version", "application_id", "journal_mode", "page_size", "encoding", "auto_vacuum")) {
                try (ResultSet rs = s.executeQuery("PRAGMA " + pragma)) {
                    rs.next();
                    out.append(pragma).append('=').append(rs.getString(1)).append('\n');
                }
            }
            List<String[]> tables = new ArrayList<>();
            try (ResultSet rs =
                    s.executeQuery("SELECT type, name, tbl_name, sql FROM sqlite_schema ORDER BY type, name")) {
                while (rs.next()) {
                    out.append(rs.getString(1))
                            .append(' ')
                            .append(rs.getString(2))
                            .append(" on ")
                            .append(rs.getString(3))
                            .append(": ")
                            .append(rs.getString(4))
                            .append('\n');
                    if ("table".equals(rs.getString(1))) {
                        String sql = rs.getString(4) == null ? "" : rs.getString(4);
                        tables.add(new String[] {rs.getString(2), sql});
                    }
                }
            }
            for (String[] t : tables) {
                boolean rowid =
                        !t[1].toUpperCase(Locale.ROOT).replaceAll("\\s+", " ").contains("WITHOUT ROWID");
                out.append("rows of ")
                        .append(t[0])
                        .append(": ")
                        .append(rowsDigest(s, t[0], rowid))
                        .append('\n');
            }
            return out.toString();
        }
    }

    private static String rowsDigest(Statement s, String table, boolean rowid) throws Exception {
        List<String> rows = new ArrayList<>();
        String quoted = "\"" + table.replace("\"", "\"\"") + "\"";
        try (ResultSet rs = s.executeQuery("SELECT " + (rowid ? "rowid AS rowid__, " : "") + "* FROM " + quoted)) {
            ResultSetMetaData md = rs.getMetaData();
            while (rs.next()) {
                StringBuilder row = new StringBuilder();
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    Object v = rs.getObject(i);
                    if (v == null) {
                        row.append("null|");
                    } else if (v instanceof byte[] b) {
                        row.append("blob:").append(HexFormat.of().formatHex(b)).append('|');
                    } else {
                        row.append(v.getClass().getSimpleName())
                                .append(':')
                                .append(v)
                                .append('|');
                    }
                }
                rows.add(row.toString());
            }
        }
        Collections.sort(rows);
        MessageDigest d = MessageDigest.getInstance("SHA-256");
        for (String r : rows) {
            d.update(r.getBytes(StandardCharsets.UTF_8));
            d.update((byte) '\n');
        }
        return rows.size() + " rows " + HexFormat.of().formatHex(d.digest());
    }
}
