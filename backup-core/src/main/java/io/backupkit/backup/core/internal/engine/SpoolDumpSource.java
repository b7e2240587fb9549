package io.backupkit.backup.core.internal.engine;

import io.backupkit.backup.BackupInfo;
import io.backupkit.backup.DatabaseInfo;
import io.backupkit.backup.RestoreOptions;
import io.backupkit.backup.spi.DumpSource;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;

/**
 * The dump a dumper restores (a file, or a dedup backup's chunks streamed), and the engine's side of
 * the restore the dumper talks to. Either the dump was verified before the restore started, or
 * ({@code verifyAtGate}) it is checked while the dumper reads it and judged at the commit gate: a
 * damaged dump refuses the gate, so the dumper rolls back. That spares a full read of the dump before
 * a gating dumper starts.
 */
final class SpoolDumpSource implements DumpSource {
    private final EngineSettings settings;
    private final DumpBytes dump;
    private final Path workDir;
    private final DatabaseInfo info;
    private final BackupInfo backup;
    private final Runnable gate;
    private final boolean verifyAtGate;
    private final java.util.function.Consumer<String> recovery;
    private final RestoreOptions options;
    private Path plain;

    /** The restore a dump is read for, and its work folder (where {@link #toFile} decodes it). */
    record Restoring(EngineSettings settings, BackupInfo backup, RestoreOptions options, Path workDir) {}

    /** The dump, and whether it is checked at the commit gate ({@code verifyAtGate}) rather than before. */
    record Dump(DumpBytes bytes, boolean verifyAtGate) {}

    /**
     * @param gate run at the dumper's commit gate, after the dump's own check
     * @param recovery hears the dumper's recovery tokens
     */
    SpoolDumpSource(Restoring restoring, Dump dump, Runnable gate, java.util.function.Consumer<String> recovery) {
        this.settings = restoring.settings();
        this.backup = restoring.backup();
        this.options = restoring.options();
        this.workDir = restoring.workDir();
        this.info = backup.database();
        this.dump = dump.bytes();
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

    /** Checks the dump read last, if it was read whole; otherwise reads it once more to check it. */
    void verify() {
        dump.verify();
    }

    @Override
    public InputStream open() throws IOException {
        return dump.open();
    }

    @Override
    public synchronized Path toFile() throws IOException {
        if (plain == null) {
            Path target = workDir.resolve("dump." + info.format());
            DecodeToFile.copy(open(), target, "backup-restore-decode");
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
