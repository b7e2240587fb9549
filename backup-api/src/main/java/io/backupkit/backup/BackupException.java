package io.backupkit.backup;

import java.util.Optional;

/**
 * Root of every exception the library throws. Subclasses say what failed and carry the fields that
 * name it; the message says what to do next. The cause, if any, stays attached. When a {@link
 * Setting} is to blame, the message ends with how it is set on the surface that built the manager
 * ({@link SettingNames}).
 */
public abstract class BackupException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    /** The setting to blame, or {@code null}. */
    private final Setting setting;
    /** How the setting is set on the surface that built the manager, once known. */
    private volatile String howToSet;

    /** A failure whose message says what to do next. */
    protected BackupException(String message) {
        this(null, message, null);
    }

    /** A failure whose message says what to do next, caused by {@code cause}. */
    protected BackupException(String message, Throwable cause) {
        this(null, message, cause);
    }

    /** A failure that {@code setting} is to blame for ({@code null}: none), caused by {@code cause}. */
    protected BackupException(Setting setting, String message, Throwable cause) {
        super(message, cause);
        this.setting = setting;
    }

    /** The setting to fix, if the problem lies in one. */
    public Optional<Setting> setting() {
        return Optional.ofNullable(setting);
    }

    /**
     * Ends the message with how the blamed setting is set on the surface that built the manager;
     * the engine calls it once, before the exception reaches the caller.
     */
    public BackupException describedBy(SettingNames names) {
        if (setting != null && howToSet == null && names != null) {
            howToSet = names.howToSet(setting);
        }
        return this;
    }

    @Override
    public String getMessage() {
        String message = super.getMessage();
        return howToSet == null ? message : message + " (" + howToSet + ")";
    }
}
