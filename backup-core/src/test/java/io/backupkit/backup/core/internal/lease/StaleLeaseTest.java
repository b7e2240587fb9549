package io.backupkit.backup.core.internal.lease;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.backupkit.backup.BackupInProgressException;
import io.backupkit.backup.core.storage.FilesystemStorage;
import io.backupkit.backup.spi.BackupStorage;
import io.backupkit.backup.spi.ObjectWrite;
import io.backupkit.backup.tck.ChildJvm;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A lease whose holder is known to be gone (its process ended on this machine, or the machine
 * restarted) is taken over at once; one of another host waits for its TTL; unlock removes a stale
 * one, and with force any.
 */
class StaleLeaseTest {
    private static final Duration TTL = Duration.ofMinutes(10);
    private static final String NAME = StorageLease.DEFAULT_NAME;
    private static final Duration START = Duration.ofSeconds(60);

    @TempDir
    Path temp;

    @Test
    void theLeaseOfAProcessKilledOnThisHostIsTakenOverAtOnce() throws Exception {
        Path folder = temp.resolve("backups");
        BackupStorage storage = new FilesystemStorage(folder);
        try (ChildJvm child = ChildJvm.start(LeaseHolderMain.class, folder.toString())) {
            assertThat(child.awaitLine("HELD", START)).as(child.output()).isTrue();
            assertThatThrownBy(() -> StorageLease.acquire(storage, NAME, "me", TTL, Clock.systemUTC()))
                    .as("a live holder keeps its lease")
                    .isInstanceOf(BackupInProgressException.class);
            child.kill(); // SIGKILL: no clean-up, the lease stays with ten minutes to run
        }
        try (StorageLease lease = StorageLease.acquire(storage, NAME, "me", TTL, Clock.systemUTC())) {
            assertThat(lease.owner()).isEqualTo("me");
        }
    }

    @Test
    void theLeaseOfAnotherHostWaitsForItsTtlAndUnlockNeedsForce() throws Exception {
        Path folder = temp.resolve("backups");
        BackupStorage storage = new FilesystemStorage(folder);
        try (ChildJvm child =
                ChildJvm.start(LeaseHolderMain.class, folder.toString(), "other-host-" + UUID.randomUUID())) {
            assertThat(child.awaitLine("HELD", START)).as(child.output()).isTrue();
            child.kill();
        }
        assertThatThrownBy(() -> StorageLease.acquire(storage, NAME, "me", TTL, Clock.systemUTC()))
                .isInstanceOf(BackupInProgressException.class)
                .hasMessageContaining("other-host-");

        StorageLease.Inspection kept = StorageLease.unlock(storage, NAME, false, TTL, Clock.systemUTC());
        assertThat(kept.owner()).startsWith("other-host-");
        assertThat(kept.staleReason()).isNull();
        assertThat(kept.removed()).isFalse();
        assertThat(storage.stat(NAME)).isPresent();

        StorageLease.Inspection forced = StorageLease.unlock(storage, NAME, true, TTL, Clock.systemUTC());
        assertThat(forced.removed()).isTrue();
        assertThat(storage.stat(NAME)).isEmpty();
        StorageLease.acquire(storage, NAME, "me", TTL, Clock.systemUTC()).release();
    }

    @Test
    void unlockRemovesTheLeaseOfADeadLocalProcessWithoutForce() throws Exception {
        Path folder = temp.resolve("backups");
        BackupStorage storage = new FilesystemStorage(folder);
        try (ChildJvm child = ChildJvm.start(LeaseHolderMain.class, folder.toString())) {
            assertThat(child.awaitLine("HELD", START)).as(child.output()).isTrue();
            child.kill();
        }
        StorageLease.Inspection removed = StorageLease.unlock(storage, NAME, false, TTL, Clock.systemUTC());
        assertThat(removed.removed()).isTrue();
        assertThat(removed.staleReason()).contains("has ended");
        assertThat(StorageLease.unlock(storage, NAME, false, TTL, Clock.systemUTC())
                        .owner())
                .as("nothing left to unlock")
                .isNull();
    }

    @Test
    void aLeaseFromBeforeARestartOfThisMachineIsTakenOverButNotOneOfAnotherMachine() throws Exception {
        BackupStorage storage = new FilesystemStorage(temp.resolve("backups"));
        ProcessIdentity me = ProcessIdentity.current();
        ProcessIdentity beforeReboot = new ProcessIdentity(
                me.host(), me.machineId(), UUID.randomUUID().toString(), me.pidNamespace(), me.pid(), me.started());
        write(storage, beforeReboot);
        if (me.machineId() != null && me.bootId() != null) {
            StorageLease.acquire(storage, NAME, "me", TTL, Clock.systemUTC()).release();
        }

        ProcessIdentity otherMachine = new ProcessIdentity(
                me.host(), "another-machine", UUID.randomUUID().toString(), me.pidNamespace(), me.pid(), me.started());
        write(storage, otherMachine);
        assertThatThrownBy(() -> StorageLease.acquire(storage, NAME, "me", TTL, Clock.systemUTC()))
                .as("same host name, another machine id: may be alive")
                .isInstanceOf(BackupInProgressException.class);
    }

    private static void write(BackupStorage storage, ProcessIdentity holder) throws Exception {
        Instant now = Instant.now();
        ObjectNode node = new ObjectMapper().createObjectNode();
        node.put("owner", holder.host() + ":" + holder.pid() + ":test");
        node.put("token", "t");
        node.put("acquired", now.toString());
        node.put("expires", now.plus(TTL).toString());
        holder.writeTo(node);
        storage.delete(NAME);
        try (ObjectWrite w = storage.openWrite(NAME)) {
            w.stream().write(new ObjectMapper().writeValueAsBytes(node));
            w.commit();
        }
    }
}
