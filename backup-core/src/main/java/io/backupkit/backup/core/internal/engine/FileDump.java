package io.backupkit.backup.core.internal.engine;

import io.backupkit.backup.ArtifactInfo;
import io.backupkit.backup.BackupInfo;
import io.backupkit.backup.CorruptBackupException;
import io.backupkit.backup.core.internal.pipeline.FileStreams;
import io.backupkit.backup.core.internal.pipeline.HashingInputStream;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;

/**
 * A dump file (in the spool, or the local storage's own file), decoded on the fly. When {@code
 * hashed}, its SHA-256 is computed while it is read, so that {@link #verify} needs no read of its own.
 */
final class FileDump implements DumpBytes {
    private final EngineSettings settings;
    private final BackupInfo backup;
    private final ArtifactInfo artifact;
    private final Path file;
    private final boolean hashed;
    private volatile HashingInputStream lastOpened;

    FileDump(EngineSettings settings, BackupInfo backup, ArtifactInfo artifact, Path file, boolean hashed) {
        this.settings = settings;
        this.backup = backup;
        this.artifact = artifact;
        this.file = file;
        this.hashed = hashed;
    }

    @Override
    public InputStream open() throws IOException {
        InputStream raw = new BufferedInputStream(FileStreams.open(file), 1 << 20);
        if (hashed) {
            HashingInputStream h = new HashingInputStream(raw);
            lastOpened = h;
            raw = h;
        }
        return ArtifactReader.decode(settings, backup, artifact, raw);
    }

    @Override
    public void verify() {
        HashingInputStream read = lastOpened;
        lastOpened = null; // checked once; a later call reads the file again
        if (read != null && read.count() == artifact.size()) {
            ArtifactReader.check(artifact, read);
            return;
        }
        try (HashingInputStream whole = new HashingInputStream(FileStreams.open(file))) {
            whole.drain();
            ArtifactReader.check(artifact, whole);
        } catch (IOException e) {
            throw new CorruptBackupException(
                    artifact.name(), "cannot read " + file + " to check it: " + e.getMessage(), e);
        }
    }
}
