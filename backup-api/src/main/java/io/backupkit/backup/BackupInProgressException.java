package io.backupkit.backup;

import java.time.Instant;

/** Another process holds the storage lease: a backup or restore is already running there. */
public final class BackupInProgressException extends BackupException {
    private static final long serialVersionUID = 1L;
    private final String holder;
    private final Instant expires;

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
