package io.backupkit.backup;

/**
 * The host application that made a backup. Any component may be {@code null}.
 *
 * @param application the host application's name
 * @param version the host application's version; a restore refuses a backup of a newer version
 *     unless forced
 * @param schemaVersion the database schema version when the host knows it (e.g. Flyway's)
 */
public record HostInfo(String application, String version, String schemaVersion) {
    /** Nothing known about the host. */
    public static final HostInfo UNKNOWN = new HostInfo(null, null, null);

    /** A copy with the database schema version {@code schema} ({@code null} for unknown). */
    public HostInfo withSchemaVersion(String schema) {
        return new HostInfo(application, version, schema);
    }
}
