package io.backupkit.backup.spi.support;

import io.backupkit.backup.Secret;
import io.backupkit.backup.spi.DatabaseConfig;

/**
 * Removes a password from text a driver or tool produced before it goes into a message or a log:
 * the password itself, wherever it is echoed, and any URL credentials ({@link DatabaseConfig#safeUrl}).
 */
public final class Redaction {
    /** What a removed secret reads as. */
    public static final String MASK = "******";

    private Redaction() {}

    /** {@code text} without {@code password} (may be null) and URL credentials; null reads as "". */
    public static String redact(String text, Secret password) {
        if (text == null) {
            return "";
        }
        String m = text;
        if (password != null && !password.isEmpty()) {
            m = m.replace(password.reveal(), MASK);
        }
        return DatabaseConfig.safeUrl(m);
    }
}
