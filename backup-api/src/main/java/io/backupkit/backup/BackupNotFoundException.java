package io.backupkit.backup;

/** No complete backup with this id (or no backup at all, for {@code latest}) is in the storage. */
public final class BackupNotFoundException extends BackupException {
    private static final long serialVersionUID = 1L;
    private final String id;

    public BackupNotFoundException(String id, String message) {
        super(message);
        this.id = id;
    }

    public String id() {
        return id;
    }
}
