package io.backupkit.backup.db.sqlite;

import io.backupkit.backup.DatabaseInfo;
import io.backupkit.backup.spi.DumpSource;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A dump source that asks for keep-aside as {@code id}, records the tokens the dumper gives (as the
 * engine's journal would) and runs {@code gate} at the commit gate.
 */
final class KeepAsideSource implements DumpSource {
    private final DumpSource delegate;
    private final String id;
    private final Runnable gate;
    volatile String recoveryToken;
    volatile String asideToken;

    KeepAsideSource(DumpSource delegate, String id, Runnable gate) {
        this.delegate = delegate;
        this.id = id;
        this.gate = gate;
    }

    @Override
    public InputStream open() throws IOException {
        return delegate.open();
    }

    @Override
    public Path toFile() throws IOException {
        return delegate.toFile();
    }

    @Override
    public Path workDir() {
        return delegate.workDir();
    }

    @Override
    public DatabaseInfo info() {
        return delegate.info();
    }

    @Override
    public Optional<String> keepAside() {
        return Optional.ofNullable(id);
    }

    @Override
    public void recoveryPoint(String token) {
        recoveryToken = token;
        System.out.println("TOKEN " + token);
        System.out.flush();
    }

    @Override
    public void keptAside(String token) {
        asideToken = token;
        System.out.println("ASIDE " + token);
        System.out.flush();
    }

    @Override
    public void beforeCommit() {
        gate.run();
    }
}
