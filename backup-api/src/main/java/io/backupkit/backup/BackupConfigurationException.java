package io.backupkit.backup;

import java.util.List;
import java.util.Optional;

/**
 * The configuration is missing, malformed or contradictory. {@link #setting()} names the setting to
 * fix when one is to blame, and the message ends with how it is set on the surface that built the
 * manager ({@link SettingNames}); {@link #key()} names a provider option or config key.
 */
public class BackupConfigurationException extends BackupException {
    private static final long serialVersionUID = 1L;
    /** The setting to blame, or {@code null}. */
    private final String key;
    /** Every problem found, at least one. */
    private final List<String> problems;

    /** One problem that no single setting is to blame for. */
    public BackupConfigurationException(String message) {
        this((Setting) null, message, null);
    }

    /** One problem that no single setting is to blame for, caused by {@code cause}. */
    public BackupConfigurationException(String message, Throwable cause) {
        this((Setting) null, message, cause);
    }

    /** One problem in {@code setting}. */
    public BackupConfigurationException(Setting setting, String message) {
        this(setting, message, null);
    }

    /** One problem in {@code setting}, caused by {@code cause}. */
    public BackupConfigurationException(Setting setting, String message, Throwable cause) {
        super(setting, message, cause);
        this.key = null;
        this.problems = List.of(message);
    }

    /** One problem in the setting {@code key} ({@code null} when no single setting is to blame). */
    public BackupConfigurationException(String key, String message) {
        this(key, message, (Throwable) null);
    }

    /** One problem in the setting {@code key} ({@code null} when none is to blame), caused by {@code cause}. */
    public BackupConfigurationException(String key, String message, Throwable cause) {
        super(message, cause);
        this.key = key;
        this.problems = List.of(message);
    }

    /** Several problems found at once, as by {@link BackupManager#check()}; each says what to fix. */
    public BackupConfigurationException(List<String> problems) {
        super(summary(problems));
        this.key = null;
        this.problems = List.copyOf(problems);
    }

    @Override
    public BackupConfigurationException describedBy(SettingNames names) {
        super.describedBy(names);
        return this;
    }

    private static String summary(List<String> problems) {
        if (problems.size() == 1) {
            return problems.get(0);
        }
        StringBuilder b = new StringBuilder(problems.size() + " problems:");
        for (int i = 0; i < problems.size(); i++) {
            b.append(' ').append(i + 1).append(") ").append(problems.get(i));
        }
        return b.toString();
    }

    /** Every problem found, each a sentence that says what to fix (one for most failures). */
    public List<String> problems() {
        return problems.size() == 1 ? List.of(getMessage()) : problems;
    }

    /** The setting to fix, if the problem lies in one. */
    public Optional<String> key() {
        return Optional.ofNullable(key);
    }
}
