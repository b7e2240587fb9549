package io.backupkit.backup.storage.azure;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.storage.blob.models.BlockListType;
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
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A JVM killed with {@code kill -9} while {@code create()} stages blocks to Azurite never leaves a
 * backup that is listed but incomplete, and once the dead process's lease has expired the next
 * {@code prune} deletes the uncommitted blobs and every committed artifact without a manifest (the
 * TCK's {@link KillDuringCreate}; this test adds what Azurite shows of uncommitted blocks).
 *
 * <p>The child ({@link AzureKillChildMain}) backs up an H2 database and an 18 MiB incompressible
 * media folder in 2 MiB blocks through a {@linkplain TcpRelay#throttled throttled relay} (8 MiB/s
 * per connection), so that staging outlasts the kill. Two kills are placed from the server side (one
 * and two blocks staged), four at seeded random delays over 0.1 to 1.4 create durations.
 */
@Timeout(300)
class AzureKillDuringCreateIT {
    static final int BLOCK_SIZE = 2 * 1024 * 1024;
    private static final long SEED = 20261207L;
    private static final int RANDOM_KILLS = 4;
    private static final int MIB = 1024 * 1024;
    /**
     * Longer than S3's 3 s: the early-prune check runs within TTL/3 of the kill and needs the dead
     * child's last renewal (every TTL/3) to be still valid; a loaded machine delayed it past 3 s.
     */
    private static final Duration LEASE_TTL = Duration.ofSeconds(6);

    private static final String PREFIX = "kill";
    private static final long UPLINK_BYTES_PER_SECOND = 8L * 1024 * 1024;

    @RegisterExtension
    static final AzuriteServer AZURITE = new AzuriteServer();

    @TempDir
    Path tmp;

    private String container;
    private KillFixture fixture;
    private TcpRelay relay;

    @Test
    void aCreateKilledWhileStagingBlocksIsNeverListedAndPruneAfterTheLeaseTtlDeletesTheUncommittedBlocks()
            throws Exception {
        long t0 = System.nanoTime();
        relay = TcpRelay.throttled(AZURITE.port(), UPLINK_BYTES_PER_SECOND);
        container = AZURITE.newContainer();
        fixture = KillFixture.create(tmp, 3, 6 * MIB);

        StorageKillRun run = StorageKillRun.calibrate(this::child, this::objects, LEASE_TTL, Duration.ofMillis(300));
        for (int blocks : List.of(1, 2)) {
            UploadKill k = run.killAndCheck(
                    KillPoint.when(() -> blocksStaged() >= blocks, Duration.ofMillis(20)),
                    this::manager,
                    this::uncommittedBlocks);
            assertThat(k.uploadsLeft())
                    .as("kill with %d block(s) staged leaves an uncommitted blob: %s", blocks, k)
                    .isNotEmpty();
            assertThat(k.outcome().leftovers()).anyMatch(l -> l.startsWith("uncommitted blocks of "));
            run.report("at " + blocks + " block(s) staged: " + k);
        }
        run.killAtRandomDelays(
                SEED,
                RANDOM_KILLS,
                timeUp -> run.killAndCheck(KillPoint.when(timeUp), this::manager, this::uncommittedBlocks),
                k -> k.outcome().step());

        try (BackupManager backups = manager()) {
            assertThat(backups.create().backup().artifacts()).hasSize(2);
        }
        assertThat(AZURITE.uncommitted(container, PREFIX + "/")).isEmpty();
        System.out.println("AzureKillDuringCreateIT: "
                + Duration.ofNanos(System.nanoTime() - t0).toMillis() + " ms, create " + run.createMillis() + " ms");
    }

    @AfterEach
    void closeRelay() throws Exception {
        if (relay != null) {
            relay.close();
        }
    }

    private ChildJvm child(String mode, String pauseAt) throws IOException {
        return StorageKillRun.child(
                AzureKillChildMain.class,
                fixture,
                LEASE_TTL,
                mode,
                pauseAt,
                relay.endpoint() + "/" + AzuriteServer.ACCOUNT,
                container,
                AZURITE.keyFile().toString(),
                PREFIX);
    }

    private BackupManager manager() {
        Map<String, Object> options = AZURITE.options(container);
        options.put("block_size", BLOCK_SIZE);
        return fixture.manager(LEASE_TTL).storage("azure", PREFIX, options).build();
    }

    /** Uncommitted blocks staged so far under the prefix, as Azurite reports them. */
    private int blocksStaged() {
        return uncommittedBlocks().values().stream().mapToInt(Integer::intValue).sum();
    }

    /** The uncommitted blobs under the prefix and how many blocks each has staged, as Azurite reports them. */
    private Map<String, Integer> uncommittedBlocks() {
        Map<String, Integer> blobs = new TreeMap<>();
        for (String name : AZURITE.uncommitted(container, PREFIX + "/")) {
            int blocks = 0;
            try {
                blocks = AZURITE.container(container)
                        .getBlobClient(name)
                        .getBlockBlobClient()
                        .listBlocks(BlockListType.UNCOMMITTED)
                        .getUncommittedBlocks()
                        .size();
            } catch (RuntimeException e) {
                // deleted meanwhile
            }
            blobs.put(name, blocks);
        }
        return blobs;
    }

    /** Committed blob names under the prefix, relative to it. */
    private Set<String> objects() {
        Set<String> names = new TreeSet<>();
        for (String n : AZURITE.committed(container, PREFIX + "/")) {
            names.add(n.substring(PREFIX.length() + 1));
        }
        return names;
    }
}
