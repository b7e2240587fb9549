package io.backupkit.backup.core.engine;

import io.backupkit.backup.ArtifactInfo;
import io.backupkit.backup.BackupInfo;
import io.backupkit.backup.CorruptBackupException;
import io.backupkit.backup.DatabaseInfo;
import io.backupkit.backup.RestoreOptions;
import io.backupkit.backup.core.pipeline.FileStreams;
import io.backupkit.backup.core.pipeline.HashingInputStream;
import io.backupkit.backup.spi.DumpSource;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * A dump file (in the spool, or the local storage's own file), decoded on the fly. Either it was
 * verified before the restore started, or ({@code verifyAtGate}) its SHA-256 is computed while the
 * dumper reads it and checked at the commit gate: a mismatch refuses the gate, so the dumper rolls
 * back. That spares a full read of the dump before a gating dumper starts.
 */
final class SpoolDumpSource implements DumpSource {
    /** The restore a dump is read for, and its work folder (where {@link #toFile} decodes it). */
    record Restoring(EngineSettings settings, BackupInfo backup, RestoreOptions options, Path workDir) {}

    /**
     * The dump file: the artifact it holds, where it is, and whether its SHA-256 is checked at the
     * commit gate ({@code verifyAtGate}) rather than before the restore started.
     */
    record DumpFile(ArtifactInfo artifact, Path file, boolean verifyAtGate) {}

    private final EngineSettings settings;
    private final ArtifactInfo artifact;
    private final Path file;
    private final Path workDir;
    private final DatabaseInfo info;
    private final BackupInfo backup;
    private final Runnable gate;
    private final boolean verifyAtGate;
    private final java.util.function.Consumer<String> recovery;
    private final RestoreOptions options;
    private volatile HashingInputStream lastOpened;
    private Path plain;

    /**
     * @param gate run at the dumper's commit gate, after the dump's own check
     * @param recovery hears the dumper's recovery tokens
     */
    SpoolDumpSource(Restoring restoring, DumpFile dump, Runnable gate, java.util.function.Consumer<String> recovery) {
        this.settings = restoring.settings();
        this.backup = restoring.backup();
        this.options = restoring.options();
        this.workDir = restoring.workDir();
        this.info = backup.database();
        this.artifact = dump.artifact();
        this.file = dump.file();
        this.verifyAtGate = dump.verifyAtGate();
        this.gate = gate;
        this.recovery = recovery;
    }

    private volatile String asideId;
    private volatile java.util.function.Consumer<String> kept = t -> {};

    /** Asks the dumper to keep the replaced state aside as {@code id}; {@code kept} hears its token. */
    void keepAside(String id, java.util.function.Consumer<String> kept) {
        this.asideId = id;
        this.kept = kept;
    }

    @Override
    public java.util.Optional<String> keepAside() {
        return java.util.Optional.ofNullable(asideId);
    }

    @Override
    public Path asideDir() {
        return RestoreJournal.location(settings).getParent();
    }

    @Override
    public void keptAside(String token) {
        kept.accept(token);
    }

    @Override
    public void recoveryPoint(String token) {
        recovery.accept(token);
    }

    private volatile String pendingRollback;

    @Override
    public void rollbackFailed(String token) {
        pendingRollback = token;
        recovery.accept(token);
    }

    /** The token of a rollback the dumper could not do, or null. */
    String pendingRollback() {
        return pendingRollback;
    }

    @Override
    public void beforeCommit() {
        if (verifyAtGate) {
            verify();
        }
        gate.run();
    }

    boolean verifiesAtGate() {
        return verifyAtGate;
    }

    /** Checks the dump read last, if it was read whole; otherwise reads the file once more to check it. */
    void verify() {
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

    @Override
    public InputStream open() throws IOException {
        InputStream raw = new BufferedInputStream(FileStreams.open(file), 1 << 20);
        if (verifyAtGate) {
            HashingInputStream hashed = new HashingInputStream(raw);
            lastOpened = hashed;
            raw = hashed;
        }
        return ArtifactReader.decode(settings, backup, artifact, raw);
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

    @Override
    public boolean terminateSessions() {
        return options.terminateSessions();
    }

    @Override
    public java.time.Duration lockTimeout() {
        return options.lockTimeout();
    }
}
