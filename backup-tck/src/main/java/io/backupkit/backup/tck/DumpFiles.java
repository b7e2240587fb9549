package io.backupkit.backup.tck;

import io.backupkit.backup.DatabaseInfo;
import io.backupkit.backup.spi.DatabaseDescription;
import io.backupkit.backup.spi.DatabaseDumper;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;

/** Helpers for dumper tests: dump into a file, describe a dump as a manifest would, damage a dump. */
public final class DumpFiles {
    private DumpFiles() {}

    /** Dumps into {@code file} (replaced) and returns it. */
    public static Path dumpTo(DatabaseDumper dumper, Path file) {
        Objects.requireNonNull(dumper, "dumper");
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
            dumper.dump(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    /** What a manifest would record for a dump made now by {@code dumper}. */
    public static DatabaseInfo infoOf(DatabaseDumper dumper) {
        DatabaseDescription d = dumper.describe();
        return new DatabaseInfo(
                dumper.id(), d.product(), d.serverVersion(), d.tool(), d.toolVersion(), dumper.format());
    }

    /** A {@link DumpFileSource} over {@code file} with a work folder beside it. */
    public static DumpFileSource source(Path file, DatabaseInfo info) {
        Path work = file.resolveSibling(file.getFileName() + ".work");
        return new DumpFileSource(file, work, info);
    }

    /** Writes the first {@code length} bytes of {@code dump} to {@code target} and returns it. */
    public static Path truncatedCopy(Path dump, long length, Path target) throws IOException {
        byte[] bytes = Files.readAllBytes(dump);
        if (length < 0 || length > bytes.length) {
            throw new IllegalArgumentException("length " + length + " outside 0.." + bytes.length);
        }
        Files.write(target, Arrays.copyOf(bytes, (int) length));
        return target;
    }

    /**
     * Writes a copy of {@code dump} to {@code target} where {@code count} bytes starting at {@code
     * offset} are inverted (each byte XOR 0xFF), and returns it.
     */
    public static Path corruptedCopy(Path dump, long offset, int count, Path target) throws IOException {
        byte[] bytes = Files.readAllBytes(dump);
        if (offset < 0 || offset + count > bytes.length) {
            throw new IllegalArgumentException("range " + offset + "+" + count + " outside 0.." + bytes.length);
        }
        for (int i = 0; i < count; i++) {
            bytes[(int) offset + i] ^= (byte) 0xFF;
        }
        Files.write(target, bytes);
        return target;
    }
}
