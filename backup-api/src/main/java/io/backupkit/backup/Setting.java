package io.backupkit.backup;

/**
 * A setting a {@link BackupConfigurationException} can blame. Messages describe the setting in plain
 * words ("the media folder"); the surface that configured the manager adds how it is set there: the
 * builder method by default, an environment variable or config key when the manager was built from
 * {@code BackupConfigLoader} or the command line (see {@link BackupManager.Builder#settingNames}).
 */
public enum Setting {
    /** Which storage provider. */
    STORAGE("storage(id, location, options)"),
    /** Where backups are kept: a folder, key prefix, container or remote path. */
    STORAGE_LOCATION("storage(id, location, options)"),
    /** The storage provider's options. */
    STORAGE_OPTIONS("storage(id, location, options)"),
    /** The database's JDBC URL. */
    DATABASE_URL("database(url, user, password) or dataSource(...)"),
    /** The database user. */
    DATABASE_USER("database(url, user, password) or dataSource(...)"),
    /** The database password. */
    DATABASE_PASSWORD("database(url, user, password) or databasePassword(...)"),
    /** Which dumper, when several handle the URL. */
    DATABASE_DUMPER("dumper(id, options)"),
    /** The dumper's options. */
    DATABASE_OPTIONS("dumper(id, options)"),
    /** The media folder. */
    MEDIA_DIR("mediaDir(...)"),
    /** Accepting a media folder of {@code /}, a home or a system folder. */
    MEDIA_DIR_ALLOW_SENSITIVE("allowSensitiveMediaDir()"),
    /** Patterns left out of the media archive. */
    MEDIA_EXCLUDE("excludeMedia(...)"),
    /** Where temporary files go. */
    SPOOL_DIR("spoolDir(...)"),
    /** The host application's version. */
    HOST_VERSION("hostApplication(name, version)"),
    /** Encryption and its keys. */
    ENCRYPTION("encryption(id, options)"),
    /** How the storage location keeps backups: archive or dedup. */
    FORMAT("format(...)"),
    /** How long prune leaves the state a restore kept aside for a rollback. */
    KEEP_ASIDE_FOR("keepAsideFor(...)");

    private final String builderMethod;

    Setting(String builderMethod) {
        this.builderMethod = builderMethod;
    }

    /** The {@link BackupManager.Builder} method that sets it. */
    public String builderMethod() {
        return builderMethod;
    }
}
