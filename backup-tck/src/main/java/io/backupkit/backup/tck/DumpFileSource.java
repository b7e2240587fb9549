package io.backupkit.backup.tck;

import io.backupkit.backup.DatabaseInfo;
import io.backupkit.backup.spi.DumpSource;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A {@link DumpSource} over a local file, for dumper tests: {@link #open()} reads the file, {@link
 * #toFile()} returns it as it is, {@link #workDir()} is the folder given (created on demand).
 */
public final class DumpFileSource implements DumpSource {
    private final Path file;
    private final Path workDir;
    private final DatabaseInfo info;

    /**
     * @param file the dump file
     * @param workDir a private folder the dumper may use; created if missing
     * @param info what a manifest would say about the dump
     */
    public DumpFileSource(Path file, Path workDir, DatabaseInfo info) {
        this.file = Objects.requireNonNull(file, "file");
        this.workDir = Objects.requireNonNull(workDir, "workDir");
        this.info = Objects.requireNonNull(info, "info");
    }

    @Override
    public InputStream open() throws IOException {
        return Files.newInputStream(file);
    }

    @Override
    public Path toFile() {
        return file;
    }

    @Override
    public Path workDir() {
        try {
            return Files.createDirectories(workDir);
        } catch (IOException e) {
            throw new IllegalStateException("cannot create the work folder " + workDir, e);
        }
    }

    @Override
    public DatabaseInfo info() {
        return info;
    }

    @Override
    public String toString() {
        return "DumpFileSource[" + file + "]";
    }
}
