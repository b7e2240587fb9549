package io.backupkit.backup.core.engine;

import io.backupkit.backup.ArtifactInfo;
import io.backupkit.backup.BackupSettings;
import io.backupkit.backup.DatabaseInfo;
import io.backupkit.backup.spi.DumpSource;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** A verified dump file (in the spool, or the local storage's own file), decoded on the fly. */
final class SpoolDumpSource implements DumpSource {
    private final BackupSettings settings;
    private final ArtifactInfo artifact;
    private final Path file;
    private final Path workDir;
    private final DatabaseInfo info;
    private final Runnable gate;
    private Path plain;

    SpoolDumpSource(
            BackupSettings settings, ArtifactInfo artifact, Path file, Path workDir, DatabaseInfo info, Runnable gate) {
        this.settings = settings;
        this.artifact = artifact;
        this.file = file;
        this.workDir = workDir;
        this.info = info;
        this.gate = gate;
    }

    @Override
    public void beforeCommit() {
        gate.run();
    }

    @Override
    public InputStream open() throws IOException {
        return ArtifactReader.decode(settings, artifact, new BufferedInputStream(Files.newInputStream(file), 1 << 20));
    }

    @Override
    public synchronized Path toFile() throws IOException {
        if (plain == null) {
            Path target = workDir.resolve("dump." + info.format());
            try (InputStream in = open()) {
                Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
            }
            plain = target;
        }
        return plain;
    }

    @Override
    public Path workDir() {
        return workDir;
    }

    @Override
    public DatabaseInfo info() {
        return info;
    }
}
