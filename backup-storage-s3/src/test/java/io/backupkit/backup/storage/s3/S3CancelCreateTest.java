package io.backupkit.backup.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;

import io.backupkit.backup.BackupListener;
import io.backupkit.backup.BackupManager;
import io.backupkit.backup.Phase;
import io.backupkit.backup.tck.fixtures.CloseDuringCreate;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Cancelling a create to S3 ({@code close()} from another thread) while a multipart upload of the
 * media is in progress, seen from the server: the upload is aborted, no object stays (no artifact,
 * no lease), and the next create succeeds at once.
 */
@Timeout(180)
class S3CancelCreateTest {
    @RegisterExtension
    static final S3ProxyServer SERVER = new S3ProxyServer();

    private static final int MIB = 1024 * 1024;
    private static final String PREFIX = "apps/cancel";

    @TempDir
    Path tmp;

    @Test
    void closeDuringAMultipartUploadAbortsItAndLeavesNothing() throws Exception {
        String bucket = SERVER.newBucket();
        Path media = Files.createDirectories(tmp.resolve("media"));
        Random random = new Random(4);
        for (int i = 0; i < 6; i++) {
            byte[] b = new byte[6 * MIB];
            random.nextBytes(b);
            Files.write(media.resolve("photo-" + i + ".raw"), b);
        }
        BackupListener paced = new BackupListener() {
            @Override
            public void progress(Phase phase, long bytes) {
                try {
                    Thread.sleep(100); // per MiB: the upload lasts seconds
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        BackupManager manager = manager(bucket, media, paced);
        CloseDuringCreate.closeOnceReached(
                manager, () -> !SERVER.uploads(bucket).isEmpty(), "its multipart upload was seen");
        assertThat(SERVER.uploads(bucket)).as("multipart uploads left").isEmpty();
        assertThat(objects(bucket)).as("objects left").isEmpty();
        try (BackupManager next = manager(bucket, media, BackupListener.NONE)) {
            assertThat(next.create().backup().artifacts()).hasSize(1);
        }
        assertThat(SERVER.uploads(bucket)).isEmpty();
    }

    private static BackupManager manager(String bucket, Path media, BackupListener listener) {
        Map<String, Object> options = SERVER.options(bucket);
        options.put("part_size", "5MiB");
        options.put("parallel_parts", 2);
        return BackupManager.builder()
                .storage("s3", PREFIX, options)
                .noDatabase()
                .mediaDir(media)
                .listener(listener)
                .build();
    }

    private static List<String> objects(String bucket) {
        return SERVER.admin().listObjectsV2(b -> b.bucket(bucket)).contents().stream()
                .map(S3Object::key)
                .toList();
    }
}
