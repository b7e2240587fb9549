package io.backupkit.backup.spi.support;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The names a storage accepts for its objects (letters, digits, {@code . _ -}, never {@code .} or
 * {@code ..}), and the key prefix a storage location becomes.
 */
public final class ObjectNames {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]+");

    private ObjectNames() {}

    /** Returns {@code name}, or throws {@link IllegalArgumentException} when it is not an object name. */
    public static String check(String name) {
        Objects.requireNonNull(name, "name");
        if (!NAME.matcher(name).matches() || name.equals(".") || name.equals("..")) {
            throw new IllegalArgumentException("not a storage object name (letters, digits, . _ -): " + name);
        }
        return name;
    }

    /** {@code BACKUP_DIR} as a key prefix: no leading slash, ending with {@code /} unless empty. */
    public static String prefix(String location) {
        String p = location.trim().replace('\\', '/');
        while (p.startsWith("/")) {
            p = p.substring(1);
        }
        while (p.contains("//")) {
            p = p.replace("//", "/");
        }
        if (!p.isEmpty() && !p.endsWith("/")) {
            p = p + "/";
        }
        return p;
    }
}
