package io.backupkit.backup.core.internal.archive;

import io.backupkit.backup.BackupListener;
import java.nio.file.Files;
import java.nio.file.Path;

/** Run by {@link SetIdBitsTest} in a JVM of another user: extracts a tar, prints each warning and the outcome. */
public final class ExtractAsMain {
    public static void main(String[] args) throws Exception {
        BackupListener printing = new BackupListener() {
            @Override
            public void warning(String message) {
                System.out.println("WARNING " + message);
            }
        };
        try (var in = Files.newInputStream(Path.of(args[0]))) {
            new MediaExtractor(ExtractLimits.defaults(), printing).extract(in, Path.of(args[1]), "a.tar");
            System.out.println("OK");
        } catch (RuntimeException e) {
            System.out.println(e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }
}
