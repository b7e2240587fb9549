package io.backupkit.backup.storage.dropbox;

import io.backupkit.backup.BackupManager;
import io.backupkit.backup.spi.BackupStorage;
import io.backupkit.backup.tck.KillDuringCreate;
import io.backupkit.backup.tck.KillFixture;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The child JVM of {@link DropboxKillDuringCreateIT}: {@code BackupManager.create()} on the Dropbox
 * fake of the test JVM (reached through {@link LocalDropboxRequestor}), once or in a loop until it
 * is killed ({@link KillDuringCreate#runChild}, which prints {@code READY}, {@code PHASE <phase>
 * START|END} and {@code CREATED <id> <millis>}).
 *
 * <p>Arguments: fake's port, Dropbox folder, chunk size, JDBC URL, media folder, spool folder, lease
 * TTL in millis, {@code once} or {@code loop}, and optionally a pause point.
 */
public final class DropboxKillChildMain {
    private DropboxKillChildMain() {}

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        DropboxSettings settings = TestDropbox.settings(args[1]).withChunkSize(Integer.parseInt(args[2]));
        BackupManager.Builder builder = new KillFixture(args[3], Path.of(args[4]), Path.of(args[5]))
                .manager(Duration.ofMillis(Long.parseLong(args[6])))
                .component(BackupStorage.class, new DropboxStorage(settings, new LocalDropboxRequestor(port)));
        KillDuringCreate.runChild(builder, args[7], args.length > 8 ? args[8] : "");
    }
}
