package io.backupkit.backup.tck;

import io.backupkit.backup.BackupManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Objects;
import java.util.Random;

/**
 * What the creates of a kill test back up: an H2 file database of 2,000 rows and a media folder of
 * incompressible files (slow enough to upload that a kill lands mid-upload), with a spool folder.
 * The test and its child JVM each build their managers over the same paths (needs H2 on the test
 * class path).
 */
public record KillFixture(String url, Path media, Path spool) {
    public KillFixture {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(media, "media");
        Objects.requireNonNull(spool, "spool");
    }

    /**
     * Creates, below {@code dir}, the database, {@code files} random media files of {@code fileBytes}
     * each plus a small note, and an empty spool folder.
     */
    public static KillFixture create(Path dir, int files, int fileBytes) throws IOException, SQLException {
        KillFixture f = new KillFixture(
                "jdbc:h2:file:" + dir.resolve("db/app").toAbsolutePath(),
                Files.createDirectories(dir.resolve("media")),
                Files.createDirectories(dir.resolve("spool")));
        try (Connection c = DriverManager.getConnection(f.url, "sa", "");
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE item (id INT PRIMARY KEY, name VARCHAR(200) NOT NULL, data VARBINARY(600))");
            s.execute("INSERT INTO item SELECT X, 'item ' || X, SECURE_RAND(256) FROM SYSTEM_RANGE(1, 2000)");
        }
        Random data = new Random(7);
        for (int i = 0; i < files; i++) {
            byte[] b = new byte[fileBytes];
            data.nextBytes(b);
            Files.write(f.media.resolve("photo-" + i + ".raw"), b);
        }
        Files.writeString(f.media.resolve("note.txt"), "hello");
        return f;
    }

    /** A manager over this fixture, as the kill tests' children build it; the caller adds the storage. */
    public BackupManager.Builder manager(Duration leaseTtl) {
        return BackupManager.builder()
                .database(url, "sa", null)
                .mediaDir(media)
                .spoolDir(spool)
                .hostApplication("kill-app", "1.0.0")
                .leaseTtl(leaseTtl);
    }
}
