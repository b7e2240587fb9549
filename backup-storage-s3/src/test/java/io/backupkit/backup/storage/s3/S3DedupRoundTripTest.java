package io.backupkit.backup.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;

import io.backupkit.backup.BackupFormat;
import io.backupkit.backup.BackupInfo;
import io.backupkit.backup.BackupManager;
import io.backupkit.backup.PruneMode;
import io.backupkit.backup.RestoreOptions;
import io.backupkit.backup.RetentionPolicy;
import io.backupkit.backup.VerifyMode;
import io.backupkit.backup.core.engine.EngineSettings;
import io.backupkit.backup.spi.StoredObject;
import io.backupkit.backup.tck.fixtures.Sql;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dedup format on the S3 protocol (S3Proxy), unchanged storage code: packs are written as
 * objects and chunks read back with ranged reads; a second backup stores what changed; the first
 * restores exactly after the second exists, and the second after the first was pruned.
 */
@Timeout(180)
class S3DedupRoundTripTest {
    @RegisterExtension
    static final S3ProxyServer SERVER = new S3ProxyServer();

    @TempDir
    Path tmp;

    @Test
    void dedupBackupsShareChunksAndRoundTripOnS3() throws Exception {
        String bucket = SERVER.newBucket();
        String url = "jdbc:h2:file:" + tmp.resolve("db/app").toAbsolutePath();
        sql(url, "CREATE TABLE doc (id INT PRIMARY KEY, name VARCHAR(100))", "INSERT INTO doc VALUES (1, 'one')");
        Path media = Files.createDirectories(tmp.resolve("media"));
        byte[] photo = new byte[6 << 20];
        new Random(2).nextBytes(photo);
        Files.write(media.resolve("photo.raw"), photo);
        Files.writeString(media.resolve("note.txt"), "v1");

        try (BackupManager backups = BackupManager.builder()
                .storage("s3", "apps/dedup", SERVER.options(bucket))
                .format(BackupFormat.DEDUP)
                .database(url, "sa", null)
                .mediaDir(media)
                .spoolDir(Files.createDirectories(tmp.resolve("spool")))
                .build()) {
            BackupInfo first = backups.create().backup();
            long afterFirst = stored(backups);
            sql(url, "INSERT INTO doc VALUES (2, 'two')");
            Files.writeString(media.resolve("note.txt"), "v2");
            BackupInfo second = backups.create().backup();
            assertThat(stored(backups) - afterFirst)
                    .as("the photo is stored once")
                    .isLessThan(1 << 20);

            backups.restore(RestoreOptions.of(first.id().value()).withSafetyBackup(false));
            assertThat(rows(url)).isEqualTo(1);
            assertThat(Files.readString(media.resolve("note.txt"))).isEqualTo("v1");
            assertThat(Files.readAllBytes(media.resolve("photo.raw"))).isEqualTo(photo);

            backups.prune(
                    RetentionPolicy.builder()
                            .keepLast(1)
                            .leftoverGrace(Duration.ZERO)
                            .build(),
                    PruneMode.APPLY);
            assertThat(backups.verify(second.id().value(), VerifyMode.DEEP).problems())
                    .isEmpty();
            backups.restore(RestoreOptions.of(second.id().value()).withSafetyBackup(false));
            assertThat(rows(url)).isEqualTo(2);
            assertThat(Files.readString(media.resolve("note.txt"))).isEqualTo("v2");
        }
    }

    private static long stored(BackupManager backups) throws Exception {
        return EngineSettings.of(backups).storage().list("").stream()
                .mapToLong(StoredObject::size)
                .sum();
    }

    private static void sql(String url, String... statements) throws Exception {
        try (Connection c = DriverManager.getConnection(url, "sa", "")) {
            Sql.execute(c, statements);
        }
    }

    private static long rows(String url) throws Exception {
        try (Connection c = DriverManager.getConnection(url, "sa", "");
                ResultSet rs = c.createStatement().executeQuery("SELECT COUNT(*) FROM doc")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
