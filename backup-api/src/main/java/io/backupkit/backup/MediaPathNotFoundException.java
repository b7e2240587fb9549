package io.backupkit.backup;

/** A backup's media folder holds nothing at the path asked for. */
public final class MediaPathNotFoundException extends BackupException {
    private static final long serialVersionUID = 1L;
    /** The backup looked in. */
    private final String backup;
    /** The path asked for. */
    private final String path;

    /** {@code backup} has no media entry at {@code path}. */
    public MediaPathNotFoundException(String backup, String path, String message) {
        super(message);
        this.backup = backup;
        this.path = path;
    }

    /** The backup's id. */
    public String backup() {
        return backup;
    }

    /** The media path asked for. */
    public String path() {
        return path;
    }
}
