package io.backupkit.backup.core.internal.engine;

import java.io.IOException;
import java.io.InputStream;

/** Where a restore reads the dump from: a file, or a dedup backup's chunks. */
interface DumpBytes {
    /** The dump decoded, from its start; each call reads it again. */
    InputStream open() throws IOException;

    /**
     * Throws {@link io.backupkit.backup.CorruptBackupException} when the dump is damaged: judged from
     * the last {@link #open} when that was read to its end, otherwise by reading it once more.
     */
    void verify();
}
