package io.backupkit.backup.storage.dropbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.backupkit.backup.BackupManager;
import io.backupkit.backup.spi.BackupStorage;
import io.backupkit.backup.spi.StoredObject;
import io.backupkit.backup.tck.ChildJvm;
import io.backupkit.backup.tck.KillDuringCreate;
import io.backupkit.backup.tck.KillDuringCreate.KillPoint;
import io.backupkit.backup.tck.KillDuringCreate.Killed;
import io.backupkit.backup.tck.KillDuringCreate.Outcome;
import io.backupkit.backup.tck.KillFixture;
import io.backupkit.backup.tck.TcpRelay;
import io.backupkit.backup.tck.fixtures.StorageKillRun;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * T1 on Dropbox: a JVM killed with {@code kill -9} while {@code create()} has an upload session
 * open never leaves a backup that is listed but incomplete, and once the dead process's lease has
 * expired the next {@code prune} deletes every committed artifact without a manifest, so the folder
 * holds exactly the listed backups.
 *
 * <p>The HTTP-faithful Dropbox fake runs in this JVM, so it survives the kill; a child JVM ({@link
 * DropboxKillChildMain}) backs up a real H2 database and a 6 MiB incompressible media folder in 256
 * KiB chunks (each artifact is an upload session: start, appends, finish), in a loop until it is
 * killed with SIGKILL. Two kills are placed from the server side: as soon as a session is open with
 * one append acknowledged, and with ten. The child reaches the fake through a {@linkplain
 * TcpRelay#throttled throttled relay} (4 MiB/s per connection), so the kill lands well before the
 * session is finished. Four more are seeded random delays over 0.1 to 1.4 create durations. After
 * each kill a fresh manager lists only complete backups (both parts, every object visible, deep
 * verify OK); a prune tried at once is turned away while the dead holder's lease (TTL 3 s, renewed
 * every TTL/3) is live; the prune after the TTL leaves exactly the listed backups. The kills and the
 * checks after each are the TCK's {@link KillDuringCreate}.
 *
 * <p>What this cannot show: Dropbox has no API to list or cancel unfinished upload sessions, so the
 * killed child's session stays open in the fake (as it would on Dropbox, until Dropbox discards it
 * after 7 days); the test asserts it is counted by the fake, invisible in the folder, and that
 * prune neither sees nor needs to remove it.
 */
@Timeout(180)
class DropboxKillDuringCreateIT {
    private static final long SEED = 20261128L;
    private static final int RANDOM_KILLS = 4;
    private static final int CHUNK = 256 * 1024;
    private static final Duration LEASE_TTL = Duration.ofSeconds(3);
    private static final String FOLDER = "/Apps/backupkit/kill";
    private static final long SETTLE_MILLIS = 300;
    private static final long UPLINK_BYTES_PER_SECOND = 4L * 1024 * 1024;
    private static final String APPENDED = "upload_session/append_v2 200";

    @TempDir
    Path tmp;

    private FakeDropboxServer fake;
    private KillFixture fixture;
    private TcpRelay relay;
    private KillDuringCreate kills;

    /** What one kill left and what prune did about it. */
    private record Kill(Outcome outcome, int sessionsLeft) {
        String step() {
            return outcome.step();
        }

        @Override
        public String toString() {
            return sessionsLeft + " unfinished upload session(s) left by this kill; " + outcome;
        }
    }

    @AfterEach
    void stop() throws Exception {
        if (relay != null) {
            relay.close();
        }
        if (fake != null) {
            fake.close();
        }
    }

    @Test
    void aCreateKilledWithAnUploadSessionOpenIsNeverListedAndPruneAfterTheLeaseTtlLeavesOnlyCompleteBackups()
            throws Exception {
        long t0 = System.nanoTime();
        fake = TestDropbox.fake();
        // the child's uplink: 4 MiB/s per connection, so that a 256 KiB append takes about 60 ms
        relay = TcpRelay.throttled(fake.port(), UPLINK_BYTES_PER_SECOND);
        fixture = KillFixture.create(tmp, 2, 3 * 1024 * 1024);

        StorageKillRun run =
                StorageKillRun.calibrate(this::child, this::visible, LEASE_TTL, Duration.ofMillis(SETTLE_MILLIS));
        kills = run.kills();
        String baseline = run.baseline();
        assertThat(fake.openSessions())
                .as("a finished create leaves no session")
                .isZero();

        // kills placed from the server side: an upload session is open with 1, then 10 appends acknowledged
        for (int appends : List.of(1, 10)) {
            long before = fake.count(APPENDED);
            int sessionsBefore = fake.openSessions();
            Kill k = killAndCheck(
                    baseline, () -> fake.openSessions() > sessionsBefore && fake.count(APPENDED) - before >= appends);
            assertThat(k.sessionsLeft())
                    .as("kill after %d append(s) leaves an unfinished session: %s", appends, k)
                    .isPositive();
            run.report("after " + appends + " append(s): " + k);
        }
        run.killAtRandomDelays(SEED, RANDOM_KILLS, timeUp -> killAndCheck(baseline, timeUp), Kill::step);

        try (BackupManager backups = manager()) {
            assertThat(backups.create().backup().artifacts()).hasSize(2);
        }
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        System.out.println("DropboxKillDuringCreateIT: " + took.toMillis() + " ms, create " + run.createMillis()
                + " ms, unfinished sessions left in the fake: " + fake.openSessions());
        assertThat(took).isLessThan(Duration.ofSeconds(120));
    }

    private ChildJvm child(String mode, String pauseAt) throws IOException {
        return StorageKillRun.child(
                DropboxKillChildMain.class,
                fixture,
                LEASE_TTL,
                mode,
                pauseAt,
                String.valueOf(relay.endpoint().getPort()),
                FOLDER,
                String.valueOf(CHUNK));
    }

    private BackupManager manager() {
        return fixture.manager(LEASE_TTL)
                .component(
                        BackupStorage.class,
                        TestDropbox.storage(fake, TestDropbox.settings(FOLDER).withChunkSize(CHUNK)))
                .build();
    }

    /**
     * Starts a child creating backups in a loop, SIGKILLs it once {@code point} holds (polled every
     * 2 ms), then checks what the kill left ({@link KillDuringCreate#check}) and, on Dropbox: the
     * unfinished session cannot be listed or cancelled, so it stays on the server, unseen.
     */
    private Kill killAndCheck(String baseline, BooleanSupplier point) throws Exception {
        int sessionsBefore = fake.openSessions();
        Killed killed = kills.kill(KillPoint.when(point, Duration.ofMillis(2)));
        int sessions = fake.openSessions();
        try (BackupManager fresh = manager()) {
            Outcome outcome = kills.check(
                    fresh, killed, baseline, KillDuringCreate.Check.none(), () -> assertThat(fake.openSessions())
                            .as("unfinished sessions after prune")
                            .isEqualTo(sessions));
            return new Kill(outcome, sessions - sessionsBefore);
        }
    }

    /** What the folder shows through the API (list_folder), as another client sees it. */
    private Set<String> visible() throws Exception {
        Set<String> names = new TreeSet<>();
        try (DropboxStorage storage = TestDropbox.storage(fake, FOLDER)) {
            for (StoredObject o : storage.list("")) {
                names.add(o.name());
            }
        }
        return names;
    }
}
