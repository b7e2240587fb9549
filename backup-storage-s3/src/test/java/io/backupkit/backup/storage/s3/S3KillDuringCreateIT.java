package io.backupkit.backup.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;

import io.backupkit.backup.BackupManager;
import io.backupkit.backup.tck.ChildJvm;
import io.backupkit.backup.tck.KillDuringCreate;
import io.backupkit.backup.tck.KillDuringCreate.KillPoint;
import io.backupkit.backup.tck.KillFixture;
import io.backupkit.backup.tck.TcpRelay;
import io.backupkit.backup.tck.fixtures.StorageKillRun;
import io.backupkit.backup.tck.fixtures.StorageKillRun.UploadKill;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.model.MultipartUpload;

/**
 * T1 on S3: a JVM killed with {@code kill -9} while {@code create()} streams a multipart upload to
 * S3 never leaves a backup that is listed but incomplete, and once the dead process's lease has
 * expired the next {@code prune} aborts the orphaned multipart upload(s) and deletes every
 * committed artifact that has no manifest.
 *
 * <p>S3Proxy (in-memory blob store) runs in this JVM, so it survives the kill; a child JVM ({@link
 * S3KillChildMain}) backs up a real H2 database and an 18 MiB incompressible media folder with 5
 * MiB parts (the media archive is a multipart upload of 4 parts), in a loop until it is killed with
 * SIGKILL. Two kills are placed from the server side: as soon as {@code ListMultipartUploads} /
 * {@code ListParts} show one part stored, and two. The child reaches S3Proxy through a {@linkplain
 * TcpRelay#throttled throttled relay} (8 MiB/s per connection, so a part takes about 0.6 s): without it the test saw the
 * last parts and the CompleteMultipartUpload land before the kill did (a request sent whole before
 * the kill is still carried out by the server). Four more are seeded random
 * delays over 0.1 to 1.4 create durations. After each kill a fresh {@link BackupManager} lists only
 * complete backups (every object present, deep verify OK), a prune tried at once is turned away
 * while the dead holder's lease (TTL 3 s, renewed every TTL/3) is live and aborts nothing, and the
 * prune after the TTL leaves exactly the listed backups' objects and no multipart upload. The kills
 * and the checks after each are the TCK's {@link KillDuringCreate}; this test adds what S3 shows of
 * multipart uploads.
 */
@Timeout(180)
class S3KillDuringCreateIT {
    private static final long SEED = 20261128L;
    private static final int RANDOM_KILLS = 4;
    private static final int MIB = 1024 * 1024;
    private static final Duration LEASE_TTL = Duration.ofSeconds(3);
    private static final String PREFIX = "kill";
    private static final long SETTLE_MILLIS = 300;
    private static final long UPLINK_BYTES_PER_SECOND = 8L * 1024 * 1024;

    @RegisterExtension
    static final S3ProxyServer SERVER = new S3ProxyServer();

    @TempDir
    Path tmp;

    private String bucket;
    private KillFixture fixture;
    private TcpRelay relay;

    @Test
    void aCreateKilledMidMultipartUploadIsNeverListedAndPruneAfterTheLeaseTtlAbortsTheOrphanedUpload()
            throws Exception {
        long t0 = System.nanoTime();
        // the child's uplink: 8 MiB/s per connection, so that a 5 MiB part takes about 0.6 s
        relay = TcpRelay.throttled(SERVER.port(), UPLINK_BYTES_PER_SECOND);
        bucket = SERVER.newBucket();
        fixture = KillFixture.create(tmp, 3, 6 * MIB);

        // calibration, and the baseline backup every kill must leave listed: one create in a child JVM
        StorageKillRun run =
                StorageKillRun.calibrate(this::child, this::objects, LEASE_TTL, Duration.ofMillis(SETTLE_MILLIS));

        // kills placed from the server side: a multipart upload is in progress with 1, then 2 of its 4
        // parts stored (parts 3 and 4 are then on their way, two at a time)
        for (int parts : List.of(1, 2)) {
            UploadKill k = run.killAndCheck(KillPoint.when(() -> partsStored() >= parts), this::manager, this::uploads);
            assertThat(k.uploadsLeft())
                    .as("kill with %d part(s) stored leaves an in-progress multipart upload: %s", parts, k)
                    .isNotEmpty();
            assertThat(k.outcome().leftovers()).anyMatch(l -> l.startsWith("incomplete multipart upload of "));
            run.report("at " + parts + " part(s) stored: " + k);
        }
        // seeded random kills spread over 0.1 .. 1.4 create durations
        long withUploads = run
                .killAtRandomDelays(
                        SEED,
                        RANDOM_KILLS,
                        timeUp -> run.killAndCheck(KillPoint.when(timeUp), this::manager, this::uploads),
                        k -> k.outcome().step())
                .stream()
                .filter(k -> !k.uploadsLeft().isEmpty())
                .count();

        // and the storage is still usable from the test JVM
        try (BackupManager backups = manager()) {
            assertThat(backups.create().backup().artifacts()).hasSize(2);
        }
        assertThat(SERVER.uploads(bucket)).isEmpty();
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        System.out.println("S3KillDuringCreateIT: " + took.toMillis() + " ms, create " + run.createMillis() + " ms, "
                + withUploads + " random kill(s) left uploads");
        assertThat(took).isLessThan(Duration.ofSeconds(120));
    }

    @AfterEach
    void closeRelay() throws Exception {
        if (relay != null) {
            relay.close();
        }
    }

    private ChildJvm child(String mode, String pauseAt) throws IOException {
        return StorageKillRun.child(
                S3KillChildMain.class,
                fixture,
                LEASE_TTL,
                mode,
                pauseAt,
                relay.endpoint().toString(),
                bucket,
                PREFIX);
    }

    private BackupManager manager() {
        Map<String, Object> options = SERVER.options(bucket);
        options.put("part_size", "5MiB");
        options.put("parallel_parts", 2);
        return fixture.manager(LEASE_TTL).storage("s3", PREFIX, options).build();
    }

    /** Parts stored so far in all in-progress multipart uploads under the prefix, as S3 reports them. */
    private int partsStored() {
        return uploads().values().stream().mapToInt(Integer::intValue).sum();
    }

    /** The in-progress multipart uploads under the prefix (by upload id) and how many parts each has stored. */
    private Map<String, Integer> uploads() {
        Map<String, Integer> uploads = new TreeMap<>();
        for (MultipartUpload u : SERVER.uploads(bucket)) {
            uploads.put(
                    u.uploadId(),
                    SERVER.admin()
                            .listParts(b -> b.bucket(bucket).key(u.key()).uploadId(u.uploadId()))
                            .parts()
                            .size());
        }
        return uploads;
    }

    /** Object names under the prefix. */
    private Set<String> objects() {
        return SERVER.names(bucket, PREFIX);
    }
}
