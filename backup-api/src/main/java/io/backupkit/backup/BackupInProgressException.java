package io.backupkit.backup;

import java.time.Instant;

/** Another process holds the storage lease: a backup or restore is already running there. */
public final class BackupInProgressException extends BackupException {
    private static final long serialVersionUID = 1L;
    /** Who holds the lease. */
    private final String holder;
    /** When the lease expires unless renewed. */
    private final Instant expires;

    /** The lease is held by {@code holder} until {@code expires}. */
    public BackupInProgressException(String holder, Instant expires, String message) {
        super(message);
        this.holder = holder;
        this.expires = expires;
    }

    /** Who holds the lease (host name and process id). */
    public String holder() {
        return holder;
    }

    /** When the lease expires unless renewed; after that it may be taken over. */
    public Instant expires() {
        return expires;
    }
}
