package io.backupkit.backup.encryption.openpgp;

import io.backupkit.backup.BackupManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.Map;

/**
 * The application the encrypted-backup tests back up, under one temp folder: an H2 database (the
 * tests use a table {@code t}), the media folder {@code media}, backups in {@code backups}.
 */
record EncryptedApp(Path root) {
    String url() {
        return "jdbc:h2:file:" + root.resolve("db/app").toAbsolutePath();
    }

    BackupManager.Builder builder(Map<String, Object> encryption) {
        return BackupManager.builder()
                .storage("filesystem", root.resolve("backups").toString(), Map.of())
                .database(url(), "sa", null)
                .mediaDir(root.resolve("media"))
                .spoolDir(root.resolve("spool"))
                .encryption("openpgp", encryption);
    }

    BackupManager.Builder builder(Path recipientKey, Path secretKey) {
        return builder(OpenPgpTestKeys.keys(recipientKey, secretKey, null));
    }

    /** The state the tests back up: {@code media/doc.txt} holding {@code doc}, and table {@code t} with one row, 1. */
    void seed(String doc) throws Exception {
        Files.createDirectories(root.resolve("media"));
        Files.writeString(root.resolve("media/doc.txt"), doc);
        sql("CREATE TABLE t (id INT)");
        sql("INSERT INTO t VALUES (1)");
    }

    void sql(String statement) throws Exception {
        try (Connection c = DriverManager.getConnection(url(), "sa", "")) {
            c.createStatement().execute(statement);
        }
    }

    /** Rows in table {@code t}. */
    long rows() throws Exception {
        try (Connection c = DriverManager.getConnection(url(), "sa", "");
                ResultSet rs = c.createStatement().executeQuery("SELECT COUNT(*) FROM t")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
