package io.backupkit.backup.core.storage;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Object names the built-in storages accept: {@code [A-Za-z0-9._-]+}, at most 200 characters, not
 * starting with a dot (dot names are reserved for temp files and tombstones), not {@code .} or
 * {@code ..}.
 */
final class StorageNames {
    static final int MAX_LENGTH = 200;
    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]*");

    private StorageNames() {}

    static boolean isValid(String name) {
        return name != null
                && name.length() <= MAX_LENGTH
                && VALID.matcher(name).matches();
    }

    /** Returns {@code name} or throws {@link IllegalArgumentException} saying what is allowed. */
    static String check(String name) {
        Objects.requireNonNull(name, "name");
        if (!isValid(name)) {
            throw new IllegalArgumentException("invalid object name '" + name + "': use 1 to " + MAX_LENGTH
                    + " characters of A-Z a-z 0-9 . _ - , not starting with a dot");
        }
        return name;
    }

    /** Returns {@code prefix}, which may be empty, or throws when no valid name could start with it. */
    static String checkPrefix(String prefix) {
        Objects.requireNonNull(prefix, "prefix");
        if (!prefix.isEmpty() && !isValid(prefix)) {
            throw new IllegalArgumentException("invalid object name prefix '" + prefix
                    + "': use characters of A-Z a-z 0-9 . _ - , not starting with a dot");
        }
        return prefix;
    }
}
