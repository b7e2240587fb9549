package io.backupkit.backup;

/**
 * A media archive holds an entry that would escape the target folder, is a link, device or FIFO, or
 * exceeds the size limits. It is refused before anything is written.
 */
public final class UnsafeArchiveException extends CorruptBackupException {
    private static final long serialVersionUID = 1L;
    /** The offending entry name. */
    private final String entry;

    /** {@code entry} of the media archive {@code artifact} is refused. */
    public UnsafeArchiveException(String artifact, String entry, String message) {
        super(artifact, null, entry, message);
        this.entry = entry;
    }

    /** The offending entry name as stored in the archive. */
    public String entry() {
        return entry;
    }
}
