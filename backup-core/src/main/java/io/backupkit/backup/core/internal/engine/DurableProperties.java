package io.backupkit.backup.core.internal.engine;

import java.io.IOException;
import java.io.OutputStream;
import java.io.Reader;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.Properties;

/** A small properties file the next run must find whole: the restore journal, the kept-aside record. */
final class DurableProperties {
    private DurableProperties() {}

    /** The file's values, or empty when there is no file. */
    static Optional<Properties> load(Path file) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IllegalArgumentException e) {
            throw new IOException(e.getMessage(), e);
        }
        return Optional.of(p);
    }

    /** Writes a temp file, fsyncs it, renames it over {@code file} and syncs the folder. */
    static void store(Path file, Properties values, String comment) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        // a FileChannel closes on an interrupted thread: the file must be written all the same
        boolean interrupted = Thread.interrupted();
        try {
            Files.createDirectories(file.getParent());
            try (FileChannel ch = FileChannel.open(
                            tmp,
                            StandardOpenOption.CREATE,
                            StandardOpenOption.WRITE,
                            StandardOpenOption.TRUNCATE_EXISTING);
                    OutputStream out = Channels.newOutputStream(ch)) {
                values.store(out, comment);
                ch.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            try (FileChannel dir = FileChannel.open(file.getParent(), StandardOpenOption.READ)) {
                dir.force(true);
            } catch (IOException e) {
                // some file systems cannot sync a folder; the rename is then as durable as they make it
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
