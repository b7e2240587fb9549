package io.backupkit.backup.core.matrix;

import io.backupkit.backup.BackupManager;
import io.backupkit.backup.tck.KillDuringCreate;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * The child JVM of {@link KillDuringCreateIT}: runs {@code BackupManager.create()} on the given H2
 * database and media folder, once or in a loop until it is killed, and reports on standard output
 * where it is ({@code READY}, {@code PHASE <phase> START|END}, {@code CREATED <id> <millis>}; the
 * loop and the protocol are {@link KillDuringCreate#runChild}).
 *
 * <p>Arguments: backup folder, JDBC URL, media folder, spool folder, lease TTL in millis, {@code
 * once} or {@code loop}, and optionally a pause point {@code <PHASE>:START} or {@code <PHASE>:END}:
 * when the create reaches it, the child prints {@code PAUSED} and waits there to be killed (a
 * deterministic kill at that step, e.g. after both artifacts were committed and before the
 * manifest is written).
 */
public final class KillChildMain {
    private KillChildMain() {}

    public static void main(String[] args) throws Exception {
        KillDuringCreate.runChild(builder(args), args[5], args.length > 6 ? args[6] : "");
    }

    /** The manager the arguments describe (the first five, as above). */
    static BackupManager.Builder builder(String[] args) {
        return BackupManager.builder()
                .storage("filesystem", args[0], Map.of()) // fsync on: the real thing
                .database(args[1], "sa", null)
                .mediaDir(Path.of(args[2]))
                .spoolDir(Path.of(args[3]))
                .hostApplication("matrix-app", "1.0.0")
                .leaseTtl(Duration.ofMillis(Long.parseLong(args[4])));
    }
}
