package io.backupkit.backup.db.sqlite;

import io.backupkit.backup.spi.DumpSource;
import io.backupkit.backup.tck.fixtures.ForwardingDumpSource;
import java.util.Optional;

/**
 * A dump source that asks for keep-aside as {@code id}, records the tokens the dumper gives (as the
 * engine's journal would) and runs {@code gate} at the commit gate.
 */
final class KeepAsideSource extends ForwardingDumpSource {
    private final String id;
    private final Runnable gate;
    volatile String recoveryToken;
    volatile String asideToken;

    KeepAsideSource(DumpSource delegate, String id, Runnable gate) {
        super(delegate);
        this.id = id;
        this.gate = gate;
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
