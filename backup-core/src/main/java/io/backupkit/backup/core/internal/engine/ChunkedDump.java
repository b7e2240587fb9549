package io.backupkit.backup.core.internal.engine;

import io.backupkit.backup.BackupId;
import io.backupkit.backup.CorruptBackupException;
import io.backupkit.backup.core.internal.dedup.DedupReader;
import io.backupkit.backup.core.internal.dedup.DumpChunks;
import io.backupkit.backup.core.internal.dedup.DumpStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/**
 * A dedup backup's dump streamed from its chunks into the dumper, each chunk checked as it is read
 * (the chunk list itself was checked against the manifest before). Whether all of it was whole is
 * known when the dumper has read it to its end; otherwise {@link #verify} reads the chunks again.
 */
final class ChunkedDump implements DumpBytes {
    private final DedupReader reader;
    private final DumpChunks chunks;
    private final BackupId backup;
    private final String listName;
    private volatile DumpStream lastOpened;

    ChunkedDump(DedupReader reader, DumpChunks chunks, BackupId backup, String listName) {
        this.reader = reader;
        this.chunks = chunks;
        this.backup = backup;
        this.listName = listName;
    }

    @Override
    public InputStream open() {
        DumpStream s = reader.openDump(chunks, backup.value());
        lastOpened = s;
        return s;
    }

    @Override
    public void verify() {
        DumpStream read = lastOpened;
        lastOpened = null; // judged once; a later call reads the chunks again
        if (read != null && read.failure().isPresent()) {
            throw read.failure().get();
        }
        if (read != null && read.whole()) {
            return;
        }
        List<String> problems;
        try {
            problems = reader.checkDump(chunks, backup.value());
        } catch (IOException e) {
            throw new CorruptBackupException(
                    listName, "cannot read the chunks of " + listName + " to check them: " + e.getMessage(), e);
        }
        if (!problems.isEmpty()) {
            throw new CorruptBackupException(
                    listName,
                    "the dump of backup " + backup + " is damaged: " + problems.get(0)
                            + (problems.size() > 1 ? " (and " + (problems.size() - 1) + " more)" : ""),
                    null);
        }
    }
}
