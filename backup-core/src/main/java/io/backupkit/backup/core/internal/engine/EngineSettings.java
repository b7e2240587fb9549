package io.backupkit.backup.core.internal.engine;

import io.backupkit.backup.BackupFormat;
import io.backupkit.backup.BackupListener;
import io.backupkit.backup.BackupManager;
import io.backupkit.backup.BackupSettings;
import io.backupkit.backup.Compression;
import io.backupkit.backup.HostInfo;
import io.backupkit.backup.SettingNames;
import io.backupkit.backup.spi.BackupStorage;
import io.backupkit.backup.spi.DatabaseDumper;
import io.backupkit.backup.spi.Encryption;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * {@link BackupSettings} resolved: the providers are created. What the engine's operations run with. Immutable.
 *
 * @param name the backup name, the first part of every id (default {@code backup})
 * @param storage where backups are kept
 * @param dumper the database dumper, or {@code null} for media-only backups (create needs a dumper
 *     or a media folder; list, verify and prune need neither)
 * @param mediaDir the media folder, or {@code null} for database-only backups
 * @param mediaExcludes glob patterns (relative to the media folder) left out of the archive
 * @param compression artifact compression
 * @param compressionLevel the compressor's level (zstd 1-19, gzip 1-9); 0 = the default
 * @param compressionWorkers zstd worker threads; 0 = the number of processors
 * @param encryption artifact encryption, or {@code null}
 * @param host the host application, recorded in every manifest
 * @param spoolDir local folder for verified downloads during restore (default: the system temp folder)
 * @param leaseTtl how long a storage lease lasts without renewal
 * @param listener progress and events
 * @param clock the time source (tests use a fixed one)
 * @param allowSensitiveMediaDir whether a media folder of {@code /}, a home folder or a system folder
 *     is accepted (a restore replaces the media folder whole, so these are refused by default)
 * @param format how the storage location keeps backups
 * @param settingNames how messages name the settings on the surface that built the manager
 * @param keepAsideFor how long prune leaves what a restore kept aside ({@code null}: the default)
 */
public record EngineSettings(
        String name,
        BackupStorage storage,
        DatabaseDumper dumper,
        Path mediaDir,
        List<String> mediaExcludes,
        Compression compression,
        int compressionLevel,
        int compressionWorkers,
        Encryption encryption,
        HostInfo host,
        Path spoolDir,
        Duration leaseTtl,
        BackupListener listener,
        Clock clock,
        boolean allowSensitiveMediaDir,
        BackupFormat format,
        SettingNames settingNames,
        Duration keepAsideFor) {
    /** Requires name, storage, compression, spool folder and lease time; fills in defaults for the rest. */
    public EngineSettings {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(storage, "storage");
        mediaExcludes = List.copyOf(mediaExcludes);
        Objects.requireNonNull(compression, "compression");
        host = host == null ? HostInfo.UNKNOWN : host;
        Objects.requireNonNull(spoolDir, "spoolDir");
        Objects.requireNonNull(leaseTtl, "leaseTtl");
        listener = listener == null || listener == BackupListener.NONE ? LoggingListener.INSTANCE : listener;
        clock = clock == null ? Clock.systemUTC() : clock;
        format = format == null ? BackupFormat.ARCHIVE : format;
        settingNames = settingNames == null ? SettingNames.BUILDER : settingNames;
        keepAsideFor = keepAsideFor == null ? BackupSettings.DEFAULT_KEEP_ASIDE : keepAsideFor;
    }

    /** The settings a manager built by {@code backup-core} runs with. */
    public static EngineSettings of(BackupManager manager) {
        if (manager instanceof DefaultBackupManager m) {
            return m.engineSettings();
        }
        throw new IllegalArgumentException(
                "not a manager built by backup-core: " + manager.getClass().getName());
    }
}
