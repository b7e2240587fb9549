package io.backupkit.backup.spi;

/**
 * The server and the tool a dumper will use, recorded in the manifest.
 *
 * @param product e.g. {@code PostgreSQL}, {@code MariaDB}, {@code H2}
 * @param serverVersion the server's version
 * @param tool e.g. {@code pg_dump}, {@code mariadb-dump}, {@code SCRIPT}
 * @param toolVersion the tool's version
 * @param sizeBytes the database's size as the server reports it, -1 when unknown: the expected
 *     bytes of the dump phase, for progress
 */
public record DatabaseDescription(
        String product, String serverVersion, String tool, String toolVersion, long sizeBytes) {
    /** A description whose size is unknown. */
    public DatabaseDescription(String product, String serverVersion, String tool, String toolVersion) {
        this(product, serverVersion, tool, toolVersion, -1);
    }
}
