package io.backupkit.backup.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;

import io.backupkit.backup.ArtifactInfo;
import io.backupkit.backup.BackupInfo;
import io.backupkit.backup.BackupManager;
import io.backupkit.backup.CreateOptions;
import io.backupkit.backup.VerifyMode;
import io.backupkit.backup.tck.fixtures.RoundTripFixture;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;

/**
 * End to end through {@link BackupManager} with {@code BACKUP_STORAGE=s3} against S3Proxy: an H2
 * database and a media folder large enough that the dump and the media archive each span several
 * 5 MiB parts; the stored objects' SHA-256 equal the manifest's; a restore brings back the exact
 * state.
 */
@Timeout(180)
class S3BackupRoundTripTest {
    @RegisterExtension
    static final S3ProxyServer SERVER = new S3ProxyServer();

    private static final int MIB = 1024 * 1024;

    @TempDir
    Path tmp;

    @Test
    void createAndRestoreWithMultipartArtifacts() throws Exception {
        String bucket = SERVER.newBucket();
        RoundTripFixture fixture = RoundTripFixture.create(tmp, 11 * MIB);

        Map<String, Object> options = SERVER.options(bucket);
        options.put("part_size", "5MiB");
        options.put("parallel_parts", 2);
        try (BackupManager backups =
                fixture.manager("s3-test").storage("s3", "apps/test", options).build()) {
            BackupInfo info = backups.create(CreateOptions.labelled("manual")).backup();
            assertThat(info.artifacts()).extracting(ArtifactInfo::kind).containsExactly("database", "media");

            for (ArtifactInfo artifact : info.artifacts()) {
                String key = "apps/test/" + artifact.name();
                HeadObjectResponse head =
                        SERVER.admin().headObject(b -> b.bucket(bucket).key(key));
                assertThat(head.contentLength()).as(key).isEqualTo(artifact.size());
                assertThat(artifact.size()).as("%s spans several parts", key).isGreaterThan(10L * MIB);
                int parts = Integer.parseInt(head.eTag().replaceAll(".*-(\\d+)\"?$", "$1"));
                assertThat(parts).as("parts of %s (ETag %s)", key, head.eTag()).isGreaterThanOrEqualTo(3);
                assertThat(RoundTripFixture.sha256(
                                SERVER.admin().getObject(b -> b.bucket(bucket).key(key))))
                        .as("SHA-256 of %s", key)
                        .isEqualTo(artifact.sha256());
            }
            assertThat(SERVER.uploads(bucket)).as("no multipart upload left").isEmpty();
            assertThat(backups.verify(info.id().value(), VerifyMode.DEEP).ok()).isTrue();

            fixture.changeAndRestore(backups, info.id().value());
        }
        fixture.assertAsCreated();
    }
}
