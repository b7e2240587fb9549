package io.backupkit.backup.spi;

import io.backupkit.backup.BackupConfigurationException;
import io.backupkit.backup.Secret;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Provider options ({@code BACKUP_OPTIONS}: a JSON object in the environment, a map in the config
 * file). Values may be strings, numbers or booleans; the typed getters convert and fail with a
 * {@link BackupConfigurationException} naming the key ({@code <prefix>.<key>}).
 */
public final class ProviderOptions {
    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*([kmgt]i?b?|b)?", Pattern.CASE_INSENSITIVE);
    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)?", Pattern.CASE_INSENSITIVE);

    private final String prefix;
    private final Map<String, Object> values;

    /**
     * Options {@code values} (copied; {@code null} for none) whose keys error messages show under {@code prefix}
     * (default {@code backup_options}).
     */
    public ProviderOptions(String prefix, Map<String, ?> values) {
        this.prefix = prefix == null ? "backup_options" : prefix;
        this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values == null ? Map.of() : values));
    }

    /** No options. */
    public static ProviderOptions empty() {
        return new ProviderOptions("backup_options", Map.of());
    }

    /** The full name of a key, as error messages show it. */
    public String keyName(String key) {
        return prefix + "." + key;
    }

    /** All options as given, unmodifiable. */
    public Map<String, Object> asMap() {
        return values;
    }

    /** Whether {@code key} is set to a non-null value. */
    public boolean has(String key) {
        return values.containsKey(key) && values.get(key) != null;
    }

    /** Refuses keys other than {@code known}, naming the first unknown one and the known ones. */
    public ProviderOptions requireOnly(Set<String> known) {
        for (String key : values.keySet()) {
            if (!known.contains(key)) {
                throw new BackupConfigurationException(
                        keyName(key), "unknown option " + keyName(key) + "; known options: " + new TreeSet<>(known));
            }
        }
        return this;
    }

    /** The option as text, or empty when unset; fails when it is a map or a list. */
    public Optional<String> string(String key) {
        Object v = values.get(key);
        if (v == null) {
            return Optional.empty();
        }
        if (v instanceof Map || (v instanceof Iterable && !(v instanceof java.nio.file.Path))) {
            throw wrongType(key, "a string"); // a Path is Iterable too, and names a file
        }
        return Optional.of(v.toString());
    }

    /** The option as text; fails naming the key when it is unset or blank. */
    public String requireString(String key) {
        return string(key)
                .filter(s -> !s.isBlank())
                .orElseThrow(() -> new BackupConfigurationException(keyName(key), "missing option " + keyName(key)));
    }

    /** A secret option; its value is never shown in errors. */
    public Optional<Secret> secret(String key) {
        if (values.get(key) instanceof Secret given) {
            return Optional.of(given);
        }
        return string(key).map(Secret::of);
    }

    /** A boolean ({@code true/false}, {@code yes/no}, {@code on/off}, {@code 1/0}), or {@code fallback} when unset. */
    public boolean bool(String key, boolean fallback) {
        Object v = values.get(key);
        if (v == null) {
            return fallback;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        String s = v.toString().trim().toLowerCase(Locale.ROOT);
        switch (s) {
            case "true", "yes", "on", "1":
                return true;
            case "false", "no", "off", "0":
                return false;
            default:
                throw wrongType(key, "true or false");
        }
    }

    /** A whole number that fits an {@code int}, or {@code fallback} when unset. */
    public int integer(String key, int fallback) {
        long v = longValue(key, fallback);
        if (v > Integer.MAX_VALUE || v < Integer.MIN_VALUE) {
            throw wrongType(key, "a whole number that fits 32 bits");
        }
        return (int) v;
    }

    /** A whole number, or {@code fallback} when unset. */
    public long longValue(String key, long fallback) {
        Object v = values.get(key);
        if (v == null) {
            return fallback;
        }
        if (v instanceof Number n) {
            if (n.doubleValue() != n.longValue()) {
                throw wrongType(key, "a whole number");
            }
            return n.longValue();
        }
        try {
            return Long.parseLong(v.toString().trim());
        } catch (NumberFormatException e) {
            throw wrongType(key, "a whole number");
        }
    }

    /** A byte size: a number of bytes or {@code 8MiB}, {@code 16MB}, {@code 512k} (binary multiples). */
    public long bytes(String key, long fallback) {
        Object v = values.get(key);
        if (v == null) {
            return fallback;
        }
        if (v instanceof Number n) {
            return n.longValue();
        }
        Matcher m = SIZE.matcher(v.toString().trim());
        if (!m.matches()) {
            throw wrongType(key, "a size such as 8388608 or 8MiB");
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "b" : m.group(2).toLowerCase(Locale.ROOT);
        int shift =
                switch (unit.charAt(0)) {
                    case 'k' -> 10;
                    case 'm' -> 20;
                    case 'g' -> 30;
                    case 't' -> 40;
                    default -> 0;
                };
        return n << shift;
    }

    /** A duration: seconds as a number, or {@code 500ms}, {@code 30s}, {@code 5m}, {@code 2h}, {@code 1d}. */
    public Duration duration(String key, Duration fallback) {
        Object v = values.get(key);
        if (v == null) {
            return fallback;
        }
        if (v instanceof Number n) {
            return Duration.ofSeconds(n.longValue());
        }
        Matcher m = DURATION.matcher(v.toString().trim());
        if (!m.matches()) {
            throw wrongType(key, "a duration such as 30s, 5m, 2h or 1d");
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2).toLowerCase(Locale.ROOT);
        return switch (unit) {
            case "ms" -> Duration.ofMillis(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            case "d" -> Duration.ofDays(n);
            default -> Duration.ofSeconds(n);
        };
    }

    private BackupConfigurationException wrongType(String key, String expected) {
        // the value itself is not shown: it may be a secret
        return new BackupConfigurationException(keyName(key), "option " + keyName(key) + " must be " + expected);
    }

    @Override
    public String toString() {
        return prefix + values.keySet();
    }
}
