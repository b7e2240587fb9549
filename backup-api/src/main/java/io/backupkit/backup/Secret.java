package io.backupkit.backup;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A password or token. Its {@link #toString()} never shows the value, so it is safe in logs and
 * exception messages; call {@link #reveal()} only where the value is written to a 0600 file or a
 * request.
 */
public final class Secret {
    private final String value;

    private Secret(String value) {
        this.value = Objects.requireNonNull(value, "value");
    }

    /** Wraps {@code value} (non-null; may be empty). */
    public static Secret of(String value) {
        return new Secret(value);
    }

    /** Reads a secret from a file, dropping one trailing line break. */
    public static Secret fromFile(Path file) {
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8);
            if (text.endsWith("\r\n")) {
                text = text.substring(0, text.length() - 2);
            } else if (text.endsWith("\n")) {
                text = text.substring(0, text.length() - 1);
            }
            return new Secret(text);
        } catch (IOException e) {
            throw new BackupConfigurationException(
                    "cannot read the secret file " + file + ": " + e.getClass().getSimpleName(), e);
        }
    }

    /** The value itself: pass it only to a request or a 0600 file, never to a log or message. */
    public String reveal() {
        return value;
    }

    /** Whether the value is the empty string. */
    public boolean isEmpty() {
        return value.isEmpty();
    }

    @Override
    public String toString() {
        return "******";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Secret s && s.value.equals(value);
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }
}
