package io.backupkit.backup.storage.sftp;

import static org.assertj.core.api.Assertions.assertThat;

import io.backupkit.backup.BackupManager;
import io.backupkit.backup.tck.ChildJvm;
import io.backupkit.backup.tck.KillDuringCreate;
import io.backupkit.backup.tck.KillDuringCreate.KillPoint;
import io.backupkit.backup.tck.KillDuringCreate.Outcome;
import io.backupkit.backup.tck.KillFixture;
import io.backupkit.backup.tck.TcpRelay;
import io.backupkit.backup.tck.fixtures.StorageKillRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * T1 on SFTP: a JVM killed with {@code kill -9} while {@code create()} uploads to a real sshd never
 * leaves a backup that is listed but incomplete, and once the dead process's lease expired the
 * next {@code prune} removes the temp files it left. The child reaches sshd through a {@linkplain
 * TcpRelay#throttled throttled relay} (8 MiB/s), so an 18 MiB media archive takes a few seconds;
 * two kills land while a temp file is being written, four more after seeded random delays. The
 * stored names are read from the folder itself, dot files included.
 */
@Timeout(240)
class SftpKillDuringCreateIT {
    @RegisterExtension
    static final SshdServer SERVER = new SshdServer();

    private static final long SEED = 20261207L;
    private static final int RANDOM_KILLS = 4;
    private static final int MIB = 1024 * 1024;
    private static final Duration LEASE_TTL = Duration.ofSeconds(5);
    private static final Pattern EXPIRES = Pattern.compile("\"expires\"\\s*:\\s*\"([^\"]+)\"");

    @TempDir
    Path tmp;

    private Path folder;
    private KillFixture fixture;
    private TcpRelay relay;
    private Path knownHosts;

    @AfterEach
    void closeRelay() throws Exception {
        if (relay != null) {
            relay.close();
        }
    }

    @Test
    void aCreateKilledMidUploadIsNeverListedAndPruneRemovesItsTempFiles() throws Exception {
        relay = TcpRelay.throttled(SERVER.port(), 8L * MIB);
        knownHosts = SERVER.knownHosts(relay.port());
        folder = SERVER.newFolder();
        fixture = KillFixture.create(tmp, 3, 6 * MIB);

        StorageKillRun run = StorageKillRun.calibrate(
                this::child, () -> Set.copyOf(SshdServer.filesIn(folder)), LEASE_TTL, Duration.ofMillis(200));
        KillDuringCreate kills = run.kills();
        String baseline = run.baseline();

        int withTemp = 0;
        for (int i = 0; i < 2; i++) {
            Outcome o = killAndCheck(
                    kills, baseline, KillPoint.when(() -> tempFileGrowing() && leaseLiveFor(Duration.ofSeconds(2))));
            assertThat(o.leftovers())
                    .as("kill while a temp file is written: %s", o)
                    .isNotEmpty();
            withTemp++;
            run.report("mid-upload: " + o);
        }
        run.killAtRandomDelays(
                SEED,
                RANDOM_KILLS,
                timeUp -> killAndCheck(
                        kills,
                        baseline,
                        KillPoint.when(() -> timeUp.getAsBoolean() && leaseLiveFor(Duration.ofSeconds(2)))),
                Outcome::step);
        assertThat(withTemp).isEqualTo(2);

        try (BackupManager backups = manager()) {
            assertThat(backups.create().backup().artifacts()).hasSize(2);
        }
        assertThat(SshdServer.filesIn(folder)).noneMatch(n -> n.startsWith("."));
    }

    private Outcome killAndCheck(KillDuringCreate kills, String baseline, KillPoint point) throws Exception {
        KillDuringCreate.Killed killed = kills.kill(point);
        try (BackupManager fresh = manager()) {
            Outcome outcome = kills.check(fresh, killed, baseline);
            assertThat(SshdServer.filesIn(folder))
                    .as("after prune, no temp file is left")
                    .noneMatch(n -> n.endsWith(SftpStorage.PARTIAL_SUFFIX));
            return outcome;
        }
    }

    /**
     * The child's lease runs for at least {@code margin} more: a kill then leaves a live lease that
     * the check's early prune must respect. (A cold child JVM takes seconds for its first SSH login,
     * and the engine dates the lease from before it, so a fresh lease can be nearly expired until
     * its first renewal.)
     */
    private boolean leaseLiveFor(Duration margin) {
        try {
            Matcher m = EXPIRES.matcher(Files.readString(folder.resolve("backup.lease")));
            return m.find() && Instant.parse(m.group(1)).isAfter(Instant.now().plus(margin));
        } catch (IOException | RuntimeException e) {
            return false; // no lease right now, or caught mid-write
        }
    }

    /** A temp file with at least 1 MiB in it: an upload is under way. */
    private boolean tempFileGrowing() {
        for (String n : SshdServer.filesIn(folder)) {
            try {
                if (n.endsWith(SftpStorage.PARTIAL_SUFFIX) && Files.size(folder.resolve(n)) > MIB) {
                    return true;
                }
            } catch (IOException e) {
                // renamed or removed meanwhile
            }
        }
        return false;
    }

    private ChildJvm child(String mode, String pauseAt) throws IOException {
        return StorageKillRun.child(
                SftpKillChildMain.class,
                fixture,
                LEASE_TTL,
                mode,
                pauseAt,
                String.valueOf(relay.port()),
                SERVER.userKey("ed25519").toString(),
                knownHosts.toString(),
                folder.toString());
    }

    private BackupManager manager() {
        Map<String, Object> options = SERVER.options();
        return fixture.manager(LEASE_TTL)
                .storage("sftp", folder.toString(), options)
                .build();
    }
}
