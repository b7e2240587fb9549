package io.backupkit.backup;

/** Reading the media folder failed (missing folder, unreadable file, a file that changed while it was read). No manifest was written. */
public class UnableToArchiveMediaException extends BackupException {
    private static final long serialVersionUID = 1L;

    public UnableToArchiveMediaException(String message) {
        super(message);
    }

    public UnableToArchiveMediaException(String message, Throwable cause) {
        super(message, cause);
    }
}
