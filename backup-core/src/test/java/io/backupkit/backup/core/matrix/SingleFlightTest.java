package io.backupkit.backup.core.matrix;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backupkit.backup.BackupInProgressException;
import io.backupkit.backup.BackupInfo;
import io.backupkit.backup.BackupListener;
import io.backupkit.backup.BackupManager;
import io.backupkit.backup.CreateResult;
import io.backupkit.backup.Phase;
import io.backupkit.backup.PruneMode;
import io.backupkit.backup.RestoreOptions;
import io.backupkit.backup.RetentionPolicy;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * T15 through the public API: while one manager (another process, or the scheduler) is in the
 * middle of a create, a second manager on the same storage cannot create, restore or prune: it gets
 * a {@link BackupInProgressException} naming the holder, and nothing of the running backup is
 * listed; once the first finishes, the second can go ahead.
 */
class SingleFlightTest {
    @TempDir
    Path tmp;

    @Test
    void aSecondManagerIsTurnedAwayWhileACreateRunsAndGoesAheadAfterIt() throws Exception {
        MatrixFixture f = new MatrixFixture(tmp);
        f.createDatabase(20);
        f.createMedia(2, 1000, 6);
        CountDownLatch paused = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        BackupListener pauseBeforeManifest = new BackupListener() {
            @Override
            public void phaseStarted(Phase phase, long expectedBytes) {
                if (phase == Phase.MANIFEST) {
                    paused.countDown();
                    try {
                        release.await(30, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            }
        };
        try (BackupManager first = f.builder().listener(pauseBeforeManifest).build();
                BackupManager second = f.builder().build()) {
            CompletableFuture<CreateResult> running = CompletableFuture.supplyAsync(first::create);
            assertThat(paused.await(30, TimeUnit.SECONDS)).isTrue();

            assertThatThrownBy(second::create)
                    .isInstanceOf(BackupInProgressException.class)
                    .satisfies(e ->
                            assertThat(((BackupInProgressException) e).holder()).isNotBlank())
                    .hasMessageContaining("Wait for it to finish");
            assertThatThrownBy(() -> second.restore(RestoreOptions.latest()))
                    .isInstanceOf(BackupInProgressException.class);
            assertThatThrownBy(() -> second.prune(RetentionPolicy.keepLast(1), PruneMode.APPLY))
                    .isInstanceOf(BackupInProgressException.class);
            assertThat(second.list())
                    .as("the running backup is not listed before its manifest")
                    .isEmpty();

            release.countDown();
            BackupInfo done = running.get(30, TimeUnit.SECONDS).backup();
            assertThat(second.list()).containsExactly(done);
            BackupInfo after = second.create().backup();
            assertThat(second.list()).extracting(BackupInfo::id).containsExactly(after.id(), done.id());
        } finally {
            release.countDown();
        }
    }
}
