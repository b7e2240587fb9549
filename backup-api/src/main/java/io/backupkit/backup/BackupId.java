package io.backupkit.backup;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The id of a backup set: {@code <name>-<yyyyMMdd'T'HHmmss'Z'>-<random hex>}, for example {@code
 * backup-20261127T014130Z-3f9a}. Ids are unique within one second. Listing orders by the manifest's
 * {@code created} time, which a manifest must place within the second its id names; {@code latest}
 * uses that to read only the newest manifests.
 */
public record BackupId(String value) implements Comparable<BackupId> {
    /** Allowed backup names: lowercase letters, digits, dot, dash and underscore, 1 to 40 characters. */
    public static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,39}");

    /** What a backup id looks like. */
    public static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9._-]{0,39}-\\d{8}T\\d{6}Z-[0-9a-f]{4,16}");

    private static final DateTimeFormatter STAMP =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    /** Checks the shape; {@link IllegalArgumentException} when {@code value} is not a backup id. */
    public BackupId {
        Objects.requireNonNull(value, "value");
        if (!ID.matcher(value).matches()) {
            throw new IllegalArgumentException("not a backup id: '" + value
                    + "' (expected <name>-<yyyyMMddTHHmmssZ>-<hex>, e.g. backup-20261127T014130Z-3f9a)");
        }
    }

    /** Whether {@code text} has the shape of a backup id. */
    public static boolean isValid(String text) {
        return text != null && ID.matcher(text).matches();
    }

    /** A new id for {@code name} at {@code time} with the given random suffix (hex). */
    public static BackupId of(String name, Instant time, String suffix) {
        if (!NAME.matcher(name).matches()) {
            throw new BackupConfigurationException(
                    "name",
                    "backup name '" + name
                            + "' is not allowed: use 1-40 of [a-z0-9._-], starting with a letter or digit");
        }
        return new BackupId(name + "-" + STAMP.format(time) + "-" + suffix);
    }

    /** The second the id was made in (UTC), from its {@code yyyyMMdd'T'HHmmss'Z'} part. */
    public Instant time() {
        int end = value.lastIndexOf('-');
        return Instant.from(STAMP.parse(value.substring(end - 16, end)));
    }

    @Override
    public int compareTo(BackupId other) {
        return value.compareTo(other.value);
    }

    @Override
    public String toString() {
        return value;
    }
}
