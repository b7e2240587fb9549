package io.backupkit.backup;

/** No complete backup with this id (or no backup at all, for {@code latest}) is in the storage. */
public final class BackupNotFoundException extends BackupException {
    private static final long serialVersionUID = 1L;
    /** The id asked for. */
    private final String id;

    /** No complete backup {@code id} (or {@code latest}) in the storage. */
    public BackupNotFoundException(String id, String message) {
        super(message);
        this.id = id;
    }

    /** The id asked for, or {@code latest}. */
    public String id() {
        return id;
    }
}
