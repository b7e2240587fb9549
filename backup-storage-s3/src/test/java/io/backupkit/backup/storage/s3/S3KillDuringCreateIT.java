package io.backupkit.backup.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.backupkit.backup.BackupInProgressException;
import io.backupkit.backup.BackupInfo;
import io.backupkit.backup.BackupManager;
import io.backupkit.backup.PruneResult;
import io.backupkit.backup.RetentionPolicy;
import io.backupkit.backup.VerifyResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.S3Object;

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
 * {@code ListParts} show one part stored, and two. The child reaches S3Proxy through a {@link
 * ThrottledRelay} (8 MiB/s per connection, so a part takes about 0.6 s): without it the test saw the
 * last parts and the CompleteMultipartUpload land before the kill did (a request sent whole before
 * the kill is still carried out by the server). Four more are seeded random
 * delays over 0.1 to 1.4 create durations. After each kill a fresh {@link BackupManager} lists only
 * complete backups (every object present, deep verify OK), a prune tried at once is turned away
 * while the dead holder's lease (TTL 3 s, renewed every TTL/3) is live and aborts nothing, and the
 * prune after the TTL leaves exactly the listed backups' objects and no multipart upload.
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
    private static final RetentionPolicy SWEEP_ONLY = new RetentionPolicy(0, 0, 0, 0, null, 0, Duration.ZERO);

    @RegisterExtension
    static final S3ProxyServer SERVER = new S3ProxyServer();

    @TempDir
    Path tmp;

    private String bucket;
    private String url;
    private Path media;
    private Path spool;
    private final Set<String> verified = new HashSet<>();
    private ThrottledRelay relay;

    /** What one kill left and what prune did about it. */
    private record Kill(
            String step,
            int uploadsLeft,
            int partsStored,
            List<String> leftovers,
            boolean leaseHeld,
            boolean pruneRefusedWhileLeaseLive) {
        @Override
        public String toString() {
            return step + ": " + uploadsLeft + " multipart upload(s) with " + partsStored
                    + " part(s) left, lease held by the dead child: " + leaseHeld
                    + (pruneRefusedWhileLeaseLive ? " (an early prune was turned away, nothing touched)" : "")
                    + ", prune after the TTL removed " + leftovers;
        }
    }

    @Test
    void aCreateKilledMidMultipartUploadIsNeverListedAndPruneAfterTheLeaseTtlAbortsTheOrphanedUpload()
            throws Exception {
        long t0 = System.nanoTime();
        // the child's uplink: 8 MiB/s per connection, so that a 5 MiB part takes about 0.6 s
        relay = new ThrottledRelay(SERVER.port(), UPLINK_BYTES_PER_SECOND);
        bucket = SERVER.newBucket();
        url = "jdbc:h2:file:" + tmp.resolve("db/app").toAbsolutePath();
        media = Files.createDirectories(tmp.resolve("media"));
        spool = Files.createDirectories(tmp.resolve("spool"));
        createDatabase();
        Random data = new Random(7);
        for (int i = 0; i < 3; i++) {
            byte[] b = new byte[6 * MIB];
            data.nextBytes(b);
            Files.write(media.resolve("photo-" + i + ".raw"), b);
        }
        Files.writeString(media.resolve("note.txt"), "hello");

        // calibration, and the baseline backup every kill must leave listed: one create in a child JVM
        ChildJvm calibration = child("once");
        assertThat(calibration.process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        calibration.reader.join(5000);
        String created = calibration.lines.stream()
                .filter(l -> l.startsWith("CREATED "))
                .findFirst()
                .orElseThrow(() -> new AssertionError("the child did not create a backup:\n" + calibration.output()));
        String baseline = created.split(" ")[1];
        long createMillis = Math.max(300, Long.parseLong(created.split(" ")[2]));

        List<String> report = new ArrayList<>();
        // kills placed from the server side: a multipart upload is in progress with 1, then 2 of its 4
        // parts stored (parts 3 and 4 are then on their way, two at a time)
        for (int parts : List.of(1, 2)) {
            Kill k = killAndCheck(baseline, () -> partsStored() >= parts);
            assertThat(k.uploadsLeft())
                    .as("kill with %d part(s) stored leaves an in-progress multipart upload: %s", parts, k)
                    .isPositive();
            assertThat(k.leftovers()).anyMatch(l -> l.startsWith("incomplete multipart upload of "));
            report.add("at " + parts + " part(s) stored: " + k);
        }
        // seeded random kills spread over 0.1 .. 1.4 create durations
        Random random = new Random(SEED);
        Set<String> steps = new TreeSet<>();
        int withUploads = 0;
        for (int i = 0; i < RANDOM_KILLS; i++) {
            long delay = (long) (createMillis * (0.1 + 1.3 * (i + random.nextDouble()) / RANDOM_KILLS));
            long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(delay);
            Kill k = killAndCheck(baseline, () -> System.nanoTime() >= end);
            steps.add(k.step());
            withUploads += k.uploadsLeft() > 0 ? 1 : 0;
            report.add("after " + delay + " ms: " + k);
        }
        report.forEach(System.out::println);
        assertThat(steps).as("random kills land in different steps: %s", report).hasSizeGreaterThanOrEqualTo(2);

        // and the storage is still usable from the test JVM
        try (BackupManager backups = manager()) {
            assertThat(backups.create().backup().artifacts()).hasSize(2);
        }
        assertThat(SERVER.uploads(bucket)).isEmpty();
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        System.out.println("S3KillDuringCreateIT: " + took.toMillis() + " ms, create " + createMillis + " ms, "
                + withUploads + " random kill(s) left uploads");
        assertThat(took).isLessThan(Duration.ofSeconds(120));
    }

    @AfterEach
    void closeRelay() throws Exception {
        if (relay != null) {
            relay.close();
        }
    }

    private ChildJvm child(String mode) throws Exception {
        return ChildJvm.start(
                S3KillChildMain.class,
                relay.endpoint().toString(),
                bucket,
                PREFIX,
                url,
                media.toString(),
                spool.toString(),
                String.valueOf(LEASE_TTL.toMillis()),
                mode);
    }

    private BackupManager manager() {
        Map<String, Object> options = SERVER.options(bucket);
        options.put("part_size", "5MiB");
        options.put("parallel_parts", 2);
        return BackupManager.builder()
                .storage("s3", PREFIX, options)
                .database(url, "sa", null)
                .mediaDir(media)
                .spoolDir(spool)
                .hostApplication("kill-app", "1.0.0")
                .leaseTtl(LEASE_TTL)
                .build();
    }

    /**
     * Starts a child creating backups in a loop, SIGKILLs it when {@code point} holds, then checks
     * what the kill left: only complete backups listed; after the lease TTL, nothing else at all.
     */
    private Kill killAndCheck(String baseline, BooleanSupplier point) throws Exception {
        ChildJvm child = child("loop");
        assertThat(child.awaitLine("READY", 60_000)).as(child.output()).isTrue();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!point.getAsBoolean()) {
            assertThat(child.process.isAlive()).as(child.output()).isTrue();
            assertThat(System.nanoTime()).as("kill point reached in time").isLessThan(deadline);
            Thread.sleep(5);
        }
        String step = child.lastStep();
        child.kill(); // SIGKILL
        long killedAt = System.nanoTime();
        // a request the child sent whole before it died (e.g. a CompleteMultipartUpload) may still be
        // carried out by the server: let those settle before looking
        Thread.sleep(SETTLE_MILLIS);
        List<MultipartUpload> uploads = SERVER.uploads(bucket);
        int parts = partsStored();
        Set<String> beforePrune = objects();
        boolean leaseHeld = beforePrune.contains("backup.lease");

        try (BackupManager fresh = manager()) {
            // while the dead child's lease is live, prune is turned away and aborts no upload: it cannot
            // tell a dead writer from a slow one (renewed every TTL/3, so live for 2/3 TTL after the kill)
            boolean refusedEarly = false;
            if (leaseHeld && System.nanoTime() - killedAt < LEASE_TTL.toNanos() / 3) {
                assertThat(catchThrowable(() -> fresh.prune(SWEEP_ONLY, false)))
                        .isInstanceOf(BackupInProgressException.class);
                assertThat(SERVER.uploads(bucket))
                        .as("uploads after a refused prune (objects before %s, now %s)", beforePrune, objects())
                        .extracting(MultipartUpload::uploadId)
                        .containsExactlyInAnyOrderElementsOf(
                                uploads.stream().map(MultipartUpload::uploadId).toList());
                assertThat(objects()).isEqualTo(beforePrune);
                refusedEarly = true;
            }
            // nothing incomplete is listed: every listed backup has both parts, all objects, and verifies deep
            List<BackupInfo> listed = fresh.list();
            assertThat(listed).extracting(b -> b.id().value()).contains(baseline);
            for (BackupInfo b : listed) {
                assertThat(b.artifacts())
                        .as("parts of listed backup %s", b.id())
                        .hasSize(2);
                assertThat(b.database()).isNotNull();
                assertThat(b.media()).isNotNull();
                assertThat(beforePrune).containsAll(objectsOf(b));
                if (verified.add(b.id().value())) {
                    VerifyResult v = fresh.verify(b.id().value(), true);
                    assertThat(v.problems())
                            .as("listed backup %s after a kill %s", b.id(), step)
                            .isEmpty();
                }
            }

            // the next prune, once the dead child's lease expired, removes every leftover
            PruneResult pruned = pruneWhenLeaseIsFree(fresh);
            assertThat(pruned.deleted()).isEmpty();
            assertThat(SERVER.uploads(bucket))
                    .as("multipart uploads after prune (before: %s)", uploads)
                    .isEmpty();
            Set<String> expected = new TreeSet<>();
            fresh.list().forEach(b -> expected.addAll(objectsOf(b)));
            Set<String> after = objects();
            after.remove("backup.lease");
            assertThat(after)
                    .as("after a kill %s; before prune: %s; prune: %s", step, beforePrune, pruned.leftovers())
                    .isEqualTo(expected);
            return new Kill(step, uploads.size(), parts, pruned.leftovers(), leaseHeld, refusedEarly);
        }
    }

    /** Prune with zero grace, waiting for a killed process's lease to expire (a few TTLs at most). */
    private static PruneResult pruneWhenLeaseIsFree(BackupManager backups) throws InterruptedException {
        long end = System.currentTimeMillis() + 4 * LEASE_TTL.toMillis() + 2000;
        while (true) {
            try {
                return backups.prune(SWEEP_ONLY, false);
            } catch (BackupInProgressException e) {
                if (System.currentTimeMillis() > end) {
                    throw e;
                }
                Thread.sleep(100);
            }
        }
    }

    /** Parts stored so far in all in-progress multipart uploads under the prefix, as S3 reports them. */
    private int partsStored() {
        int n = 0;
        for (MultipartUpload u : SERVER.uploads(bucket)) {
            n += SERVER.admin()
                    .listParts(b -> b.bucket(bucket).key(u.key()).uploadId(u.uploadId()))
                    .parts()
                    .size();
        }
        return n;
    }

    /** Object names under the prefix. */
    private Set<String> objects() {
        Set<String> names = new TreeSet<>();
        for (var page :
                SERVER.admin().listObjectsV2Paginator(b -> b.bucket(bucket).prefix(PREFIX + "/"))) {
            for (S3Object o : page.contents()) {
                names.add(o.key().substring(PREFIX.length() + 1));
            }
        }
        return names;
    }

    private static Set<String> objectsOf(BackupInfo info) {
        Set<String> names = new TreeSet<>();
        names.add(info.id().value() + ".manifest.json");
        info.artifacts().forEach(a -> names.add(a.name()));
        return names;
    }

    private void createDatabase() throws Exception {
        try (Connection c = DriverManager.getConnection(url, "sa", "");
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE item (id INT PRIMARY KEY, name VARCHAR(200) NOT NULL, data VARBINARY(600))");
            s.execute("INSERT INTO item SELECT X, 'item ' || X, SECURE_RAND(256) FROM SYSTEM_RANGE(1, 2000)");
        }
    }
}
