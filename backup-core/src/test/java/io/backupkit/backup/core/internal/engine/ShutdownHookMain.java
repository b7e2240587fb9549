package io.backupkit.backup.core.internal.engine;

import io.backupkit.backup.BackupListener;
import io.backupkit.backup.BackupManager;
import io.backupkit.backup.Phase;
import java.nio.file.Path;
import java.util.Map;

/**
 * The child of {@link CancelCreateTest}'s shutdown test: a host application that closes its
 * manager from a shutdown hook. It creates a media-only backup, paced (a pause per progress step),
 * prints {@code UPLOADING} at the first step and then waits for SIGTERM. Arguments: backup folder,
 * media folder.
 */
public final class ShutdownHookMain {
    private ShutdownHookMain() {}

    public static void main(String[] args) {
        BackupListener paced = new BackupListener() {
            private boolean said;

            @Override
            public void progress(Phase phase, long bytes) {
                if (!said) {
                    said = true;
                    System.out.println("UPLOADING");
                    System.out.flush();
                }
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        BackupManager manager = BackupManager.builder()
                .storage("filesystem", args[0], Map.of())
                .noDatabase()
                .mediaDir(Path.of(args[1]))
                .listener(paced)
                .build();
        Runtime.getRuntime().addShutdownHook(new Thread(manager::close, "close-backups"));
        try {
            manager.create();
            System.out.println("CREATED");
        } catch (RuntimeException e) {
            System.out.println("FAILED " + e.getClass().getSimpleName() + ": " + e.getMessage());
        }
        System.out.flush();
    }
}
