package io.backupkit.backup.spi;

import io.backupkit.backup.DatabaseInfo;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;

/**
 * A verified database dump handed to {@link DatabaseDumper#restore}. Its bytes were checked
 * against the manifest before this is called; they are decompressed (and decrypted) on the fly.
 */
public interface DumpSource {
    /** The dump as the dumper wrote it. Each call opens a new stream from the start. */
    InputStream open() throws IOException;

    /**
     * The dump as a plain local file (for tools that cannot read a pipe, e.g. {@code pg_restore -j}).
     * Written into {@link #workDir()} on first call.
     */
    Path toFile() throws IOException;

    /** A private folder the dumper may use during this restore (deleted afterwards). */
    Path workDir();

    /** What the manifest recorded about the dump. */
    DatabaseInfo info();
}
