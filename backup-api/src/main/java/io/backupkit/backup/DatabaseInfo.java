package io.backupkit.backup;

import java.util.Objects;

/**
 * What the manifest says about the database part of a backup.
 *
 * @param dumper dumper provider id ({@code h2}, {@code postgres}, {@code mysql})
 * @param product database product name as the server reports it
 * @param serverVersion server version
 * @param tool dump tool ({@code pg_dump}, {@code mariadb-dump}, {@code SCRIPT})
 * @param toolVersion dump tool version
 * @param format dump format / file extension ({@code pgdump}, {@code sql})
 */
public record DatabaseInfo(
        String dumper, String product, String serverVersion, String tool, String toolVersion, String format) {
    /** Requires the dumper id and the format; the rest may be {@code null} when unknown. */
    public DatabaseInfo {
        Objects.requireNonNull(dumper, "dumper");
        Objects.requireNonNull(format, "format");
    }
}
