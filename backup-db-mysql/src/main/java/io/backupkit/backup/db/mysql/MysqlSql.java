package io.backupkit.backup.db.mysql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** Small SQL helpers the preflight and the restore preamble share. */
final class MysqlSql {
    private MysqlSql() {}

    /** A quoted identifier. */
    static String q(String identifier) {
        return "`" + identifier.replace("`", "``") + "`";
    }

    /** The first column of {@code sql}, whose one parameter is {@code db}. */
    static List<String> names(Connection c, String sql, String db) throws SQLException {
        List<String> names = new ArrayList<>();
        for (String[] row : rows(c, sql, db)) {
            names.add(row[0]);
        }
        return names;
    }

    /** The rows of {@code sql}, whose one parameter is {@code db}, as strings. */
    static List<String[]> rows(Connection c, String sql, String db) throws SQLException {
        List<String[]> rows = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, db);
            try (ResultSet rs = ps.executeQuery()) {
                int columns = rs.getMetaData().getColumnCount();
                while (rs.next()) {
                    String[] row = new String[columns];
                    for (int i = 0; i < columns; i++) {
                        row[i] = rs.getString(i + 1);
                    }
                    rows.add(row);
                }
            }
        }
        return rows;
    }
}
