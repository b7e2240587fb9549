package io.backupkit.backup.core.config;

import io.backupkit.backup.Setting;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Every setting {@link BackupConfigLoader} reads: its environment variable (without the host
 * prefix), its key in the YAML file, its default and what it means.
 */
public enum ConfigKey {
    STORAGE("BACKUP_STORAGE", "backup_storage", "filesystem", "storage provider id or provider class name"),
    DIR("BACKUP_DIR", "backup_dir", null, "backup location: folder, key prefix or Dropbox path (required)"),
    OPTIONS("BACKUP_OPTIONS", "backup_options", "{}", "storage provider options: a JSON object (env) or a map (file)"),
    NAME("BACKUP_NAME", "name", "backup", "first part of every backup id"),
    DATABASE_URL("BACKUP_DATABASE_URL", "database.url", null, "JDBC URL of the database to back up"),
    DATABASE_USER("BACKUP_DATABASE_USER", "database.user", null, "database user"),
    DATABASE_PASSWORD("BACKUP_DATABASE_PASSWORD", "database.password", null, "database password (prefer the file)"),
    DATABASE_PASSWORD_FILE(
            "BACKUP_DATABASE_PASSWORD_FILE", "database.password_file", null, "file holding the database password"),
    DATABASE_DUMPER(
            "BACKUP_DATABASE_DUMPER",
            "database.dumper",
            null,
            "dumper id (h2, postgres, mysql) when more than one handles the URL"),
    DATABASE_OPTIONS("BACKUP_DATABASE_OPTIONS", "database.options", "{}", "dumper options: a JSON object or a map"),
    MEDIA_DIR("BACKUP_MEDIA_DIR", "media_dir", null, "the media folder to back up"),
    MEDIA_DIR_ALLOW_SENSITIVE(
            "BACKUP_MEDIA_DIR_ALLOW_SENSITIVE",
            "media_dir_allow_sensitive",
            "false",
            "accept a media folder of /, a home folder or a system folder (a restore replaces it whole)"),
    MEDIA_EXCLUDE(
            "BACKUP_MEDIA_EXCLUDE",
            "media_exclude",
            null,
            "glob patterns relative to the media folder to leave out: comma list (env) or list (file)"),
    COMPRESSION("BACKUP_COMPRESSION", "compression", "zstd", "zstd, gzip or none"),
    FORMAT(
            "BACKUP_FORMAT",
            "backup_format",
            "archive",
            "archive (self-contained sets) or dedup (chunks shared between backups); a location holds one"),
    SPOOL_DIR("BACKUP_SPOOL_DIR", "spool_dir", null, "local folder for verified downloads during restore (temp dir)"),
    ENCRYPTION_RECIPIENT_KEY(
            "BACKUP_ENCRYPTION_RECIPIENT_KEY", "encryption.recipient_key", null, "public key file to encrypt to"),
    ENCRYPTION_SECRET_KEY(
            "BACKUP_ENCRYPTION_SECRET_KEY", "encryption.secret_key", null, "secret key file to restore with"),
    ENCRYPTION_PASSPHRASE(
            "BACKUP_ENCRYPTION_PASSPHRASE",
            "encryption.passphrase",
            null,
            "the passphrase inline (prefer the file; for hosts whose secrets arrive in the environment)"),
    ENCRYPTION_PASSPHRASE_FILE(
            "BACKUP_ENCRYPTION_PASSPHRASE_FILE",
            "encryption.passphrase_file",
            null,
            "file holding the passphrase (symmetric encryption, or the secret key's)"),
    HOST_APP("BACKUP_HOST_APP", "host.application", null, "host application name, recorded in manifests"),
    HOST_VERSION(
            "BACKUP_HOST_VERSION",
            "host.version",
            null,
            "host application version; restore refuses a backup of a newer version unless forced"),
    KEEP_ASIDE_DAYS(
            "BACKUP_KEEP_ASIDE_DAYS",
            "keep_aside_days",
            "7",
            "days prune leaves what a restore kept aside for a rollback (0: the next prune drops it)"),
    SCHEDULE(null, "schedule", null, "automatic backups (a map, kept for the scheduler)"),
    RETENTION(null, "retention", null, "retention rules (a map, kept for the scheduler)");

    private final String env;
    private final String yamlKey;
    private final String defaultValue;
    private final String description;

    ConfigKey(String env, String yamlKey, String defaultValue, String description) {
        this.env = env;
        this.yamlKey = yamlKey;
        this.defaultValue = defaultValue;
        this.description = description;
    }

    /** The environment variable without the host prefix, e.g. {@code BACKUP_DIR}; empty for file-only keys. */
    public Optional<String> env() {
        return Optional.ofNullable(env);
    }

    /** The key in the YAML file, dotted for nested keys, e.g. {@code database.url}. */
    public String yamlKey() {
        return yamlKey;
    }

    /** The default as documentation shows it, or empty when there is none. */
    public Optional<String> defaultValue() {
        return Optional.ofNullable(defaultValue);
    }

    public String description() {
        return description;
    }

    /** Whether the value is a secret and must never be shown. */
    public boolean secret() {
        return this == DATABASE_PASSWORD;
    }

    /** The keys that set {@code setting}. */
    public static List<ConfigKey> of(Setting setting) {
        return switch (setting) {
            case STORAGE -> List.of(STORAGE);
            case STORAGE_LOCATION -> List.of(DIR);
            case STORAGE_OPTIONS -> List.of(OPTIONS);
            case DATABASE_URL -> List.of(DATABASE_URL);
            case DATABASE_USER -> List.of(DATABASE_USER);
            case DATABASE_PASSWORD -> List.of(DATABASE_PASSWORD_FILE, DATABASE_PASSWORD);
            case DATABASE_DUMPER -> List.of(DATABASE_DUMPER);
            case DATABASE_OPTIONS -> List.of(DATABASE_OPTIONS);
            case MEDIA_DIR -> List.of(MEDIA_DIR);
            case MEDIA_DIR_ALLOW_SENSITIVE -> List.of(MEDIA_DIR_ALLOW_SENSITIVE);
            case MEDIA_EXCLUDE -> List.of(MEDIA_EXCLUDE);
            case SPOOL_DIR -> List.of(SPOOL_DIR);
            case HOST_VERSION -> List.of(HOST_VERSION);
            case ENCRYPTION -> List.of(ENCRYPTION_RECIPIENT_KEY, ENCRYPTION_SECRET_KEY, ENCRYPTION_PASSPHRASE_FILE);
            case FORMAT -> List.of(FORMAT);
            case KEEP_ASIDE_FOR -> List.of(KEEP_ASIDE_DAYS);
        };
    }

    /** The key for a YAML path such as {@code database.url}. */
    public static Optional<ConfigKey> ofYamlKey(String yamlKey) {
        Objects.requireNonNull(yamlKey, "yamlKey");
        return Arrays.stream(values()).filter(k -> k.yamlKey.equals(yamlKey)).findFirst();
    }
}
