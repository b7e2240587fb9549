package io.backupkit.backup;

/**
 * A media path given to {@link BackupManager#restoreMedia} is not a path inside the media folder: it
 * is empty, absolute, or leaves the folder through {@code ..}.
 */
public final class InvalidMediaPathException extends BackupException {
    private static final long serialVersionUID = 1L;
    /** The path as given. */
    private final String path;

    /** {@code path} is refused; the message says why and what to give instead. */
    public InvalidMediaPathException(String path, String message) {
        super(message);
        this.path = path;
    }

    /** The path as given. */
    public String path() {
        return path;
    }
}
