package io.backupkit.backup.core.internal.lease;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backupkit.backup.BackupInProgressException;
import io.backupkit.backup.core.storage.FilesystemStorage;
import io.backupkit.backup.core.storage.MemoryStorage;
import io.backupkit.backup.spi.BackupStorage;
import io.backupkit.backup.spi.ObjectWrite;
import io.backupkit.backup.spi.StoredObject;
import io.backupkit.backup.tck.Race;
import io.backupkit.backup.tck.fixtures.MovableClock;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** T15: single flight through the storage lease, on the memory and the filesystem storage. */
class StorageLeaseTest {
    private static final Duration TTL = Duration.ofMinutes(10);
    private static final String NAME = StorageLease.DEFAULT_NAME;

    @TempDir
    Path temp;

    private final String namespace = "lease-" + UUID.randomUUID();
    private final MovableClock clock = new MovableClock(Instant.parse("2026-11-27T02:00:00Z"));

    @AfterEach
    void drop() {
        MemoryStorage.dropNamespace(namespace);
    }

    private BackupStorage storage(String kind) {
        return kind.equals("memory") ? new MemoryStorage(namespace) : new FilesystemStorage(temp.resolve("backups"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"memory", "filesystem"})
    void twoAcquirersOneWinsAndTheLoserIsToldWhoHoldsIt(String kind) throws IOException {
        BackupStorage storage = storage(kind);
        StorageLease first = StorageLease.acquire(storage, NAME, "host-a:100:aa", TTL, clock);

        assertThat(first.owner()).isEqualTo("host-a:100:aa");
        assertThat(first.expires()).isEqualTo(clock.instant().plus(TTL));
        assertThatThrownBy(() -> StorageLease.acquire(storage, NAME, "host-b:200:bb", TTL, clock))
                .isInstanceOf(BackupInProgressException.class)
                .hasMessageContaining("host-a:100:aa")
                .hasMessageContaining(storage.describe())
                .satisfies(e -> {
                    BackupInProgressException b = (BackupInProgressException) e;
                    assertThat(b.holder()).isEqualTo("host-a:100:aa");
                    assertThat(b.expires()).isEqualTo(first.expires());
                });
        assertThat(StorageLease.tryAcquire(storage, NAME, "host-b:200:bb", TTL, clock))
                .isEmpty();
        assertThat(read(storage))
                .contains("\"owner\"")
                .contains("host-a:100:aa")
                .contains("\"expires\"");
    }

    @ParameterizedTest
    @ValueSource(strings = {"memory", "filesystem"})
    void staleLeaseIsTakenOver(String kind) throws IOException {
        BackupStorage storage = storage(kind);
        StorageLease dead = StorageLease.acquire(storage, NAME, "crashed", TTL, clock);

        clock.advance(TTL.plusSeconds(1));
        Optional<StorageLease> taken = StorageLease.tryAcquire(storage, NAME, "new", TTL, clock);

        assertThat(taken).isPresent();
        assertThat(taken.get().expires()).isEqualTo(clock.instant().plus(TTL));
        assertThat(read(storage)).contains("\"new\"").doesNotContain("crashed");
        // the dead holder, should it come back, cannot remove or renew the new lease
        assertThat(dead.release()).isFalse();
        assertThat(storage.stat(NAME)).isPresent();
        assertThatThrownBy(() -> StorageLease.acquire(storage, NAME, "third", TTL, clock))
                .isInstanceOf(BackupInProgressException.class)
                .hasMessageContaining("new");
    }

    @ParameterizedTest
    @ValueSource(strings = {"memory", "filesystem"})
    void freshLeaseIsNeverStolen(String kind) throws IOException {
        BackupStorage storage = storage(kind);
        StorageLease holder = StorageLease.acquire(storage, NAME, "holder", TTL, clock);
        String before = read(storage);

        clock.advance(TTL.minusSeconds(1));
        assertThat(StorageLease.tryAcquire(storage, NAME, "thief", TTL, clock)).isEmpty();
        clock.advance(Duration.ofSeconds(1)); // exactly at expiry: still held
        assertThat(StorageLease.tryAcquire(storage, NAME, "thief", TTL, clock)).isEmpty();
        assertThat(read(storage)).isEqualTo(before);
        assertThat(holder.release()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"memory", "filesystem"})
    void releaseLetsTheNextAcquireWin(String kind) throws IOException {
        BackupStorage storage = storage(kind);
        try (StorageLease first = StorageLease.acquire(storage, NAME, "first", TTL, clock)) {
            assertThat(first.name()).isEqualTo(NAME);
        }
        assertThat(storage.stat(NAME)).isEmpty();
        StorageLease second = StorageLease.acquire(storage, NAME, "second", TTL, clock);
        assertThat(second.release()).isTrue();
        assertThat(second.release()).as("second release").isFalse();
        assertThat(storage.stat(NAME)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"memory", "filesystem"})
    void renewPushesTheExpirySoTheLeaseIsNotTakenOver(String kind) throws IOException {
        BackupStorage storage = storage(kind);
        StorageLease lease = StorageLease.acquire(storage, NAME, "long-job", TTL, clock);
        Instant acquired = lease.acquired();

        clock.advance(Duration.ofMinutes(8));
        Instant renewed = lease.renew();
        assertThat(renewed).isEqualTo(clock.instant().plus(TTL)).isEqualTo(lease.expires());
        assertThat(lease.acquired()).isEqualTo(acquired);

        clock.advance(Duration.ofMinutes(8)); // 16 minutes after acquiring: expired without the renewal
        assertThat(StorageLease.tryAcquire(storage, NAME, "other", TTL, clock)).isEmpty();
        assertThat(read(storage)).contains(renewed.toString());
        assertThat(lease.release()).isTrue();
        assertThat(storage.stat(NAME)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"memory", "filesystem"})
    void renewAfterExpiryWithoutTakeoverKeepsTheLease(String kind) throws IOException {
        BackupStorage storage = storage(kind);
        StorageLease late = StorageLease.acquire(storage, NAME, "late", TTL, clock);
        String before = storage.stat(NAME).orElseThrow().version();

        clock.advance(TTL.plusMinutes(1)); // expired, but nobody took it
        Instant renewed = late.renew();

        assertThat(renewed).isEqualTo(clock.instant().plus(TTL));
        assertThat(storage.stat(NAME).orElseThrow().version()).isNotEqualTo(before);
        assertThat(read(storage)).contains("late").contains(renewed.toString());
        assertThat(StorageLease.tryAcquire(storage, NAME, "other", TTL, clock)).isEmpty();
        assertThat(late.release()).isTrue();
        assertThat(storage.stat(NAME)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"memory", "filesystem"})
    void renewAfterATakeoverTellsTheOldHolderToStop(String kind) throws IOException {
        BackupStorage storage = storage(kind);
        StorageLease slow = StorageLease.acquire(storage, NAME, "slow", TTL, clock);
        clock.advance(TTL.plusMinutes(1));
        StorageLease next = StorageLease.acquire(storage, NAME, "next", TTL, clock);

        assertThatThrownBy(slow::renew)
                .isInstanceOf(BackupInProgressException.class)
                .hasMessageContaining("lost the lease")
                .hasMessageContaining("next")
                .satisfies(e ->
                        assertThat(((BackupInProgressException) e).holder()).isEqualTo("next"));
        assertThat(read(storage)).contains("next");
        assertThat(slow.release()).isFalse();
        assertThat(next.release()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"memory", "filesystem"})
    void unreadableLeaseCountsAsHeldUntilItsModificationTimePlusTtl(String kind) throws IOException {
        BackupStorage storage = storage(kind);
        try (ObjectWrite w = storage.openWrite(NAME)) {
            w.stream().write("garbage".getBytes(StandardCharsets.UTF_8));
            w.commit();
        }
        StoredObject garbage = storage.stat(NAME).orElseThrow();
        MovableClock real = new MovableClock(garbage.modified().plusSeconds(5));
        assertThatThrownBy(() -> StorageLease.acquire(storage, NAME, "me", TTL, real))
                .isInstanceOf(BackupInProgressException.class)
                .hasMessageContaining("unreadable");

        real.advance(TTL);
        assertThat(StorageLease.tryAcquire(storage, NAME, "me", TTL, real)).isPresent();
    }

    @Test
    void racingThreadsOnTheFilesystemExactlyOneHolder() throws Exception {
        BackupStorage storage = new FilesystemStorage(temp.resolve("race"));
        for (int round = 0; round < 3; round++) {
            List<Optional<StorageLease>> results =
                    Race.run(8, i -> StorageLease.tryAcquire(storage, NAME, "thread-" + i, TTL, clock));
            List<StorageLease> winners =
                    results.stream().flatMap(Optional::stream).toList();
            assertThat(winners).as("holders in round " + round).hasSize(1);
            assertThat(read(storage)).contains(winners.get(0).owner());
            assertThat(winners.get(0).release()).isTrue();
        }
    }

    @Test
    void racingTakeoversOfAStaleLeaseOnTheFilesystemExactlyOneWins() throws Exception {
        BackupStorage storage = new FilesystemStorage(temp.resolve("stale-race"));
        // many rounds: without the name's lock file, a create could slip in while another
        // process's deleteIfUnchanged had the fresh lease moved aside (two winners, rarely)
        for (int round = 0; round < 100; round++) {
            StorageLease.acquire(storage, NAME, "dead-" + round, TTL, clock);
            clock.advance(TTL.plusSeconds(1));
            List<Optional<StorageLease>> results =
                    Race.run(8, i -> StorageLease.tryAcquire(storage, NAME, "thread-" + i, TTL, clock));
            List<StorageLease> winners =
                    results.stream().flatMap(Optional::stream).toList();
            assertThat(winners).as("takeovers in round " + round).hasSize(1);
            assertThat(read(storage)).contains(winners.get(0).owner());
            assertThat(winners.get(0).renew()).isAfter(clock.instant());
            clock.advance(TTL.plusSeconds(1)); // the winner dies too
        }
    }

    @Test
    void defaultOwnerNamesHostAndProcess() {
        String owner = StorageLease.defaultOwner();
        assertThat(owner).contains(":" + ProcessHandle.current().pid() + ":");
        assertThat(StorageLease.defaultOwner()).isNotEqualTo(owner);
    }

    @Test
    void ttlMustBePositive() {
        BackupStorage storage = storage("memory");
        assertThatThrownBy(() -> StorageLease.tryAcquire(storage, NAME, "x", Duration.ZERO, clock))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static String read(BackupStorage storage) throws IOException {
        try (InputStream in = storage.openRead(NAME)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
