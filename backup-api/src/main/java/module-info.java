/**
 * The backupkit API: the {@link io.backupkit.backup.BackupManager} facade, its records and exceptions,
 * and the SPI providers implement. Contracts only; the engine is in {@code backup-core}.
 */
module io.backupkit.backup {
    requires transitive java.sql;

    exports io.backupkit.backup;
    exports io.backupkit.backup.spi;

    uses io.backupkit.backup.BackupManagerFactory;
}
