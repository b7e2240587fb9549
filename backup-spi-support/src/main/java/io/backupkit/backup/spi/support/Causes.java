package io.backupkit.backup.spi.support;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.util.Optional;

/**
 * What a failure was caused by, for a storage that turns its SDK's exceptions into messages. The
 * search stops after 20 causes, so a cause cycle cannot hang it.
 */
public final class Causes {
    private static final int MAX_DEPTH = 20;

    private Causes() {}

    /** The first throwable in the cause chain of {@code e} (itself first) that is a {@code type}. */
    public static <T extends Throwable> Optional<T> find(Throwable e, Class<T> type) {
        return search(e, type, false);
    }

    /**
     * The same, also looking at the throwables suppressed by each one in the chain (where an SDK
     * keeps the failures of its earlier attempts).
     */
    public static <T extends Throwable> Optional<T> findWithSuppressed(Throwable e, Class<T> type) {
        return search(e, type, true);
    }

    /**
     * The cause that says the server could not be reached at all (connection refused, unknown host,
     * no route), as opposed to one that failed while talking.
     */
    public static Optional<Throwable> unreachable(Throwable e) {
        return unreachable(e, false);
    }

    /** {@link #unreachable}, also looking at the suppressed throwables as {@link #findWithSuppressed} does. */
    public static Optional<Throwable> unreachableWithSuppressed(Throwable e) {
        return unreachable(e, true);
    }

    private static Optional<Throwable> unreachable(Throwable e, boolean suppressed) {
        return Optional.<Throwable>empty()
                .or(() -> search(e, ConnectException.class, suppressed))
                .or(() -> search(e, UnknownHostException.class, suppressed))
                .or(() -> search(e, NoRouteToHostException.class, suppressed));
    }

    private static <T extends Throwable> Optional<T> search(Throwable e, Class<T> type, boolean suppressed) {
        int depth = 0;
        for (Throwable t = e; t != null && depth < MAX_DEPTH; t = t.getCause(), depth++) {
            if (type.isInstance(t)) {
                return Optional.of(type.cast(t));
            }
            if (suppressed) {
                for (Throwable s : t.getSuppressed()) {
                    if (type.isInstance(s)) {
                        return Optional.of(type.cast(s));
                    }
                }
            }
        }
        return Optional.empty();
    }
}
