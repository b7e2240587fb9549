package io.backupkit.backup.core.config;

import io.backupkit.backup.BackupFormat;
import io.backupkit.backup.BackupManager;
import io.backupkit.backup.BackupSettings;
import io.backupkit.backup.Compression;
import io.backupkit.backup.Secret;
import io.backupkit.backup.Setting;
import io.backupkit.backup.core.storage.FilesystemStorageProvider;
import io.backupkit.backup.spi.DatabaseConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The resolved configuration of a backup tool or host application, as {@link BackupConfigLoader}
 * read it. Immutable. {@link #toString()} shows option keys and where each setting came from, never
 * a secret value.
 *
 * @param storage storage provider id or class name ({@code BACKUP_STORAGE}, default {@code filesystem})
 * @param dir the backup location ({@code BACKUP_DIR}), never {@code null}
 * @param options storage provider options ({@code BACKUP_OPTIONS})
 * @param name the backup name, the first part of ids ({@code BACKUP_NAME}, default {@code backup})
 * @param databaseUrl JDBC URL, or {@code null} for media-only backups
 * @param databaseUser database user, or {@code null}
 * @param databasePassword database password, or {@code null}
 * @param databaseDumper dumper id, or {@code null} to choose by URL
 * @param databaseOptions dumper options
 * @param mediaDir the media folder, or {@code null} for database-only backups
 * @param mediaExclude glob patterns left out of the media archive
 * @param compression artifact compression (default zstd)
 * @param spoolDir local folder for restore downloads, or {@code null} for the temp folder
 * @param encryptionRecipientKey public key file to encrypt to, or {@code null}
 * @param encryptionSecretKey secret key file to decrypt with, or {@code null}
 * @param encryptionPassphrase the passphrase read from the passphrase file, or {@code null}
 * @param hostApplication host application name, or {@code null}
 * @param hostVersion host application version, or {@code null}
 * @param schedule the raw {@code schedule:} map of the file (empty when absent)
 * @param retention the raw {@code retention:} map of the file (empty when absent)
 * @param envPrefix the host prefix in use (e.g. {@code INVENTREE_}), empty when none
 * @param origins where each set value came from: {@code --dir}, {@code env INVENTREE_BACKUP_DIR},
 *     {@code file /etc/x.yaml: backup_dir} or {@code default}
 * @param mediaDirAllowSensitive accept a media folder of {@code /}, a home or a system folder
 * @param format how the storage location keeps backups (default archive)
 * @param keepAsideFor how long prune leaves what a restore kept aside ({@code null}: the default, 7 days)
 */
public record BackupConfig(
        String storage,
        String dir,
        Map<String, Object> options,
        String name,
        String databaseUrl,
        String databaseUser,
        Secret databasePassword,
        String databaseDumper,
        Map<String, Object> databaseOptions,
        Path mediaDir,
        List<String> mediaExclude,
        Compression compression,
        Path spoolDir,
        Path encryptionRecipientKey,
        Path encryptionSecretKey,
        Secret encryptionPassphrase,
        String hostApplication,
        String hostVersion,
        Map<String, Object> schedule,
        Map<String, Object> retention,
        String envPrefix,
        Map<ConfigKey, String> origins,
        boolean mediaDirAllowSensitive,
        BackupFormat format,
        Duration keepAsideFor) {

    /** The encryption provider used when any encryption setting is given. */
    public static final String ENCRYPTION_PROVIDER = "openpgp";

    public BackupConfig {
        Objects.requireNonNull(storage, "storage");
        Objects.requireNonNull(dir, "dir");
        options = unmodifiable(options);
        Objects.requireNonNull(name, "name");
        databaseOptions = unmodifiable(databaseOptions);
        mediaExclude = mediaExclude == null ? List.of() : List.copyOf(mediaExclude);
        Objects.requireNonNull(compression, "compression");
        format = format == null ? BackupFormat.ARCHIVE : format;
        keepAsideFor = keepAsideFor == null ? BackupSettings.DEFAULT_KEEP_ASIDE : keepAsideFor;
        schedule = unmodifiable(schedule);
        retention = unmodifiable(retention);
        envPrefix = envPrefix == null ? "" : envPrefix;
        origins = origins == null || origins.isEmpty() ? Map.of() : Collections.unmodifiableMap(new EnumMap<>(origins));
    }

    private static Map<String, Object> unmodifiable(Map<String, Object> map) {
        return map == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(map));
    }

    /** Where a setting's value came from, if it was set (defaults say {@code default}). */
    public Optional<String> origin(ConfigKey key) {
        return Optional.ofNullable(origins.get(key));
    }

    /** Whether any encryption setting is given. */
    public boolean encryptionEnabled() {
        return encryptionRecipientKey != null || encryptionSecretKey != null || encryptionPassphrase != null;
    }

    /** The database URL with any password parameter and user info masked, safe to show. */
    public Optional<String> safeDatabaseUrl() {
        return Optional.ofNullable(databaseUrl).map(DatabaseConfig::safeUrl);
    }

    /**
     * The storage location as the storage gets it: a relative folder of the {@code filesystem}
     * storage is resolved against the working folder here, where a person gave it (the storage
     * itself takes absolute folders only). See {@link #relativeDir()}.
     */
    public String storageLocation() {
        return relativeDir() ? Path.of(dir).toAbsolutePath().normalize().toString() : dir;
    }

    /** Whether the location is a relative folder of the {@code filesystem} storage. */
    public boolean relativeDir() {
        return FilesystemStorageProvider.ID.equals(storage) && FilesystemStorageProvider.isRelative(dir);
    }

    /** A new {@link BackupManager.Builder} with this configuration applied. */
    public BackupManager.Builder toBuilder() {
        return applyTo(BackupManager.builder());
    }

    /**
     * Sets this configuration on {@code builder}: storage, name, database, media, compression, spool
     * folder, host application and, when any encryption setting is given, {@code openpgp} encryption.
     * The caller may set more (a listener, a clock) before {@code build()}.
     */
    public BackupManager.Builder applyTo(BackupManager.Builder builder) {
        Objects.requireNonNull(builder, "builder");
        builder.name(name)
                .storage(storage, storageLocation(), options)
                .compression(compression)
                .settingNames(this::howToSet)
                .format(format)
                .keepAsideFor(keepAsideFor);
        if (databaseUrl != null) {
            builder.database(databaseUrl, databaseUser, databasePassword);
            if (databaseDumper != null || !databaseOptions.isEmpty()) {
                builder.dumper(databaseDumper, databaseOptions);
            }
        }
        if (mediaDir != null) {
            builder.mediaDir(mediaDir);
            if (mediaDirAllowSensitive) {
                builder.allowSensitiveMediaDir();
            }
        }
        if (!mediaExclude.isEmpty()) {
            builder.excludeMedia(mediaExclude.toArray(String[]::new));
        }
        if (spoolDir != null) {
            builder.spoolDir(spoolDir);
        }
        if (hostApplication != null || hostVersion != null) {
            builder.hostApplication(hostApplication, hostVersion);
        }
        if (encryptionEnabled()) {
            Map<String, Object> keys = new LinkedHashMap<>();
            putIfSet(keys, "recipient_key", encryptionRecipientKey);
            putIfSet(keys, "secret_key", encryptionSecretKey);
            putIfSet(keys, "passphrase", encryptionPassphrase);
            builder.encryption(ENCRYPTION_PROVIDER, keys);
        }
        return builder;
    }

    /** Names a setting as this configuration was read: its environment variables and config keys. */
    public String howToSet(Setting setting) {
        List<ConfigKey> keys = ConfigKey.of(setting);
        String env = keys.stream()
                .flatMap(k -> k.env().stream())
                .map(e -> envPrefix + e)
                .collect(Collectors.joining(", "));
        String yaml = keys.stream().map(ConfigKey::yamlKey).collect(Collectors.joining(", "));
        return env + "; config file: " + yaml;
    }

    private static void putIfSet(Map<String, Object> map, String key, Object value) {
        if (value != null) {
            map.put(key, value);
        }
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("BackupConfig[");
        s.append("storage=").append(storage);
        s.append(", dir=").append(dir);
        s.append(", options=").append(options.keySet());
        s.append(", name=").append(name);
        if (databaseUrl != null) {
            s.append(", databaseUrl=").append(DatabaseConfig.safeUrl(databaseUrl));
            s.append(", databaseUser=").append(databaseUser);
            s.append(", databasePassword=").append(databasePassword == null ? "none" : "******");
            s.append(", databaseDumper=").append(databaseDumper);
            s.append(", databaseOptions=").append(databaseOptions.keySet());
        }
        s.append(", mediaDir=").append(mediaDir);
        s.append(", mediaExclude=").append(mediaExclude);
        s.append(", compression=").append(compression.id());
        s.append(", format=").append(format.id());
        s.append(", keepAsideDays=").append(keepAsideFor.toDays());
        s.append(", spoolDir=").append(spoolDir);
        if (encryptionEnabled()) {
            s.append(", encryptionRecipientKey=").append(encryptionRecipientKey);
            s.append(", encryptionSecretKey=").append(encryptionSecretKey);
            s.append(", encryptionPassphrase=").append(encryptionPassphrase == null ? "none" : "******");
        }
        s.append(", host=").append(hostApplication).append(' ').append(hostVersion);
        s.append(", schedule=").append(schedule.keySet());
        s.append(", retention=").append(retention.keySet());
        s.append(", envPrefix=").append(envPrefix);
        s.append(", origins=").append(origins);
        return s.append(']').toString();
    }
}
