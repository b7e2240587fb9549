package io.backupkit.backup;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;
import javax.sql.DataSource;

/**
 * What a {@link BackupManager} was built with, as given to its {@link BackupManager.Builder}: provider
 * ids and options, not the providers themselves. Immutable; {@link #toString()} shows option keys but
 * not their values, and no secret.
 *
 * @param name the first part of every backup id
 * @param storageId the storage provider's id or class name
 * @param storageLocation where backups are kept (a folder, key prefix, container or remote path)
 * @param storageOptions the storage provider's options
 * @param databaseUrl the database's JDBC URL, or {@code null} (read from {@code dataSource}, or no database)
 * @param databaseUser the database user, or {@code null}
 * @param databasePassword the database password, or {@code null}
 * @param dataSource the host's data source, or {@code null}
 * @param dumperId the dumper chosen by id, or {@code null} to choose it from the URL
 * @param dumperOptions the dumper's options
 * @param dumpTimeout the longest a dump or restore tool may run, or {@code null} for the default
 * @param mediaDir the media folder, or {@code null} for database-only backups
 * @param mediaExcludes glob patterns (relative to the media folder) left out of the archive
 * @param compression artifact compression
 * @param compressionLevel the compressor's level; 0 = its default
 * @param compressionWorkers zstd threads; 0 = the number of processors
 * @param encryptionId the encryption provider's id, or {@code null} for unencrypted backups
 * @param encryptionOptions the encryption provider's options
 * @param passphraseCallback asked for a passphrase the options do not hold, or {@code null}
 * @param host the host application, recorded in every manifest
 * @param spoolDir where temporary files of create and restore go
 * @param leaseTtl how long a storage lease lasts without renewal
 * @param listener progress and events
 * @param clock the time source
 * @param classLoader where providers are looked up, or {@code null} for the context class loader
 * @param allowSensitiveMediaDir whether a media folder of {@code /}, a home or a system folder is accepted
 * @param components provider instances given by the caller, by SPI type (see {@link
 *     BackupManager.Builder#component})
 * @param settingNames how error messages name the settings
 * @param format how the storage location keeps backups ({@code null}: {@link BackupFormat#ARCHIVE})
 * @param keepAsideFor how long prune leaves what a restore kept aside ({@code null}: 7 days)
 */
public record BackupSettings(
        String name,
        String storageId,
        String storageLocation,
        Map<String, ?> storageOptions,
        String databaseUrl,
        String databaseUser,
        Secret databasePassword,
        DataSource dataSource,
        String dumperId,
        Map<String, ?> dumperOptions,
        Duration dumpTimeout,
        Path mediaDir,
        List<String> mediaExcludes,
        Compression compression,
        int compressionLevel,
        int compressionWorkers,
        String encryptionId,
        Map<String, ?> encryptionOptions,
        PassphraseCallback passphraseCallback,
        HostInfo host,
        Path spoolDir,
        Duration leaseTtl,
        BackupListener listener,
        Clock clock,
        ClassLoader classLoader,
        boolean allowSensitiveMediaDir,
        Map<Class<?>, Object> components,
        SettingNames settingNames,
        BackupFormat format,
        Duration keepAsideFor) {
    /** Requires name, compression, spool folder and lease time; fills in empty options and defaults. */
    public BackupSettings {
        Objects.requireNonNull(name, "name");
        storageOptions = storageOptions == null ? Map.of() : Map.copyOf(storageOptions);
        dumperOptions = dumperOptions == null ? Map.of() : Map.copyOf(dumperOptions);
        encryptionOptions = encryptionOptions == null ? Map.of() : Map.copyOf(encryptionOptions);
        mediaExcludes = mediaExcludes == null ? List.of() : List.copyOf(mediaExcludes);
        Objects.requireNonNull(compression, "compression");
        host = host == null ? HostInfo.UNKNOWN : host;
        Objects.requireNonNull(spoolDir, "spoolDir");
        Objects.requireNonNull(leaseTtl, "leaseTtl");
        listener = listener == null ? BackupListener.NONE : listener;
        clock = clock == null ? Clock.systemUTC() : clock;
        components = components == null ? Map.of() : Map.copyOf(components);
        settingNames = settingNames == null ? SettingNames.BUILDER : settingNames;
        format = format == null ? BackupFormat.ARCHIVE : format;
        keepAsideFor = keepAsideFor == null ? DEFAULT_KEEP_ASIDE : keepAsideFor;
        if (keepAsideFor.isNegative()) {
            throw new BackupConfigurationException(
                    Setting.KEEP_ASIDE_FOR, "how long a restore's replaced state is kept is negative: " + keepAsideFor);
        }
    }

    /** How long prune leaves what a restore kept aside, unless set. */
    public static final Duration DEFAULT_KEEP_ASIDE = Duration.ofDays(7);

    /** The instance given for {@code type}, or {@code null}. */
    public <T> T component(Class<T> type) {
        return type.cast(components.get(type));
    }

    @Override
    public String toString() {
        return "BackupSettings[name=" + name + ", storage=" + storageId + " " + storageLocation
                + " options " + storageOptions.keySet() + ", database=" + redactUrl(databaseUrl)
                + (dataSource == null
                        ? ""
                        : ", dataSource=" + dataSource.getClass().getName())
                + ", dumper=" + dumperId + " options " + dumperOptions.keySet() + ", mediaDir=" + mediaDir
                + ", compression=" + compression + ", format=" + format + ", encryption=" + encryptionId + " options "
                + encryptionOptions.keySet() + ", host=" + host + ", spoolDir=" + spoolDir + ", components="
                + components.keySet().stream().map(Class::getSimpleName).collect(Collectors.toList()) + "]";
    }

    private static String redactUrl(String url) {
        return url == null
                ? null
                : url.replaceAll("(?i)(password=)[^&;]*", "$1******").replaceAll("//[^/@]*@", "//");
    }
}
