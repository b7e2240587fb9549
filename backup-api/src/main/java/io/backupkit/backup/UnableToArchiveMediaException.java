package io.backupkit.backup;

/** Reading the media folder failed (missing folder, unreadable file or folder). No manifest was written. A file that changes while it is read does not fail the backup: it is read again, and listed in {@link MediaInfo#changed()} when it kept changing. */
public class UnableToArchiveMediaException extends BackupException {
    private static final long serialVersionUID = 1L;

    /** A failure whose message says what to do next. */
    public UnableToArchiveMediaException(String message) {
        super(message);
    }

    /** A failure caused by {@code cause}; the message says what to do next. */
    public UnableToArchiveMediaException(String message, Throwable cause) {
        super(message, cause);
    }

    /** A failure that the media folder setting is to blame for, caused by {@code cause} ({@code null}: none). */
    public UnableToArchiveMediaException(Setting setting, String message, Throwable cause) {
        super(setting, message, cause);
    }
}
