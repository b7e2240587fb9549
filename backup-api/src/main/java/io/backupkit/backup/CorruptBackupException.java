package io.backupkit.backup;

/**
 * A stored backup does not match its manifest, cannot be parsed, or is unsafe to apply. Nothing was
 * changed when this is thrown from a restore.
 */
public class CorruptBackupException extends BackupException {
    private static final long serialVersionUID = 1L;
    /** The object name at fault. */
    private final String artifact;
    /** What the manifest promised, or {@code null}. */
    private final String expected;
    /** What was found, or {@code null}. */
    private final String actual;

    /**
     * {@code artifact} does not match its manifest: {@code expected} (a digest or size) was promised,
     * {@code actual} found.
     */
    public CorruptBackupException(String artifact, String expected, String actual, String message) {
        super(message);
        this.artifact = artifact;
        this.expected = expected;
        this.actual = actual;
    }

    /** {@code artifact} cannot be read or parsed, as {@code cause} tells. */
    public CorruptBackupException(String artifact, String message, Throwable cause) {
        super(message, cause);
        this.artifact = artifact;
        this.expected = null;
        this.actual = null;
    }

    /** The object name at fault. */
    public String artifact() {
        return artifact;
    }

    /** What the manifest promised (a digest or a size), or {@code null}. */
    public String expected() {
        return expected;
    }

    /** What was found, or {@code null}. */
    public String actual() {
        return actual;
    }
}
