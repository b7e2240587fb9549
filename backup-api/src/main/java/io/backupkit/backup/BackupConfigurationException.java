package io.backupkit.backup;

import java.util.List;
import java.util.Optional;

/**
 * The configuration is missing, malformed or contradictory. {@link #key()} names the setting (for
 * example {@code BACKUP_DIR} or {@code backup_options.bucket}) when one is to blame.
 */
public class BackupConfigurationException extends BackupException {
    private static final long serialVersionUID = 1L;
    /** The setting to blame, or {@code null}. */
    private final String key;
    /** Every problem found, at least one. */
    private final List<String> problems;

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
        return problems;
    }

    /** The setting to fix, if the problem lies in one. */
    public Optional<String> key() {
        return Optional.ofNullable(key);
    }
}
