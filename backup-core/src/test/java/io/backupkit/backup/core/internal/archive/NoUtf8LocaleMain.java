package io.backupkit.backup.core.internal.archive;

import io.backupkit.backup.BackupListener;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Run by {@link FileNameEncodingTest} in a JVM without a UTF-8 locale: archives or extracts, prints the outcome. */
public final class NoUtf8LocaleMain {
    public static void main(String[] args) throws Exception {
        try {
            if (args[0].equals("archive")) {
                new MediaArchiver(Path.of(args[1]), List.of(), List.of(), BackupListener.NONE)
                        .write(OutputStream.nullOutputStream());
            } else {
                try (var in = Files.newInputStream(Path.of(args[1]))) {
                    new MediaExtractor(ExtractLimits.defaults(), BackupListener.NONE)
                            .extract(in, Path.of(args[2]), "a.tar");
                }
            }
            System.out.println("OK");
        } catch (RuntimeException e) {
            System.out.println(e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }
}
