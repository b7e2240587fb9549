package io.backupkit.backup.core.storage;

import io.backupkit.backup.BackupConfigurationException;
import io.backupkit.backup.Setting;
import io.backupkit.backup.spi.BackupStorage;
import io.backupkit.backup.spi.BackupStorageProvider;
import io.backupkit.backup.spi.ProviderOptions;
import io.backupkit.backup.spi.SpiVersion;
import io.backupkit.backup.spi.StorageConfig;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Objects;
import java.util.Set;

/**
 * Provider {@code filesystem} (the default storage): a {@link FilesystemStorage} in the folder given
 * as location ({@code BACKUP_DIR}; {@code ~/} means the user's home; created with its parents on
 * first write).
 *
 * <p>Options: {@code fsync} (boolean, default {@code true}: sync files and the folder on commit;
 * {@code false} is faster but a crash may lose the last backup) and {@code permissions} (POSIX
 * permissions of new files such as {@code rw-r-----}, default {@code rw-------}). Other keys are
 * refused.
 */
public final class FilesystemStorageProvider implements BackupStorageProvider {
    /** The provider id. */
    public static final String ID = "filesystem";

    /** Option: sync files and folder on commit. */
    public static final String FSYNC = "fsync";

    /** Option: POSIX permissions of new files, e.g. {@code rw-r-----}. */
    public static final String PERMISSIONS = "permissions";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public int spiVersion() {
        return SpiVersion.MAJOR; // compiled into this class: the SPI it was built against
    }

    @Override
    public BackupStorage create(StorageConfig config) {
        Objects.requireNonNull(config, "config");
        ProviderOptions options = config.options().requireOnly(Set.of(FSYNC, PERMISSIONS));
        boolean fsync = options.bool(FSYNC, true);
        Set<PosixFilePermission> permissions = null;
        if (options.has(PERMISSIONS)) {
            String text = options.string(PERMISSIONS).orElseThrow().trim();
            try {
                permissions = PosixFilePermissions.fromString(text);
            } catch (IllegalArgumentException e) {
                throw new BackupConfigurationException(
                        options.keyName(PERMISSIONS),
                        "option " + options.keyName(PERMISSIONS) + " must be 9 characters such as rw-r----- (got '"
                                + text + "')",
                        e);
            }
            if (!permissions.contains(PosixFilePermission.OWNER_READ)
                    || !permissions.contains(PosixFilePermission.OWNER_WRITE)) {
                throw new BackupConfigurationException(
                        options.keyName(PERMISSIONS),
                        "option " + options.keyName(PERMISSIONS) + " must let the owner read and write (rw-......)");
            }
        }
        return new FilesystemStorage(folder(config.location()), fsync, permissions);
    }

    /** Whether {@code location} is a relative folder (neither absolute nor under {@code ~/}). */
    public static boolean isRelative(String location) {
        String text = location == null ? "" : location.trim();
        return !text.isEmpty() && !text.startsWith("/") && !text.equals("~") && !text.startsWith("~/");
    }

    static Path folder(String location) {
        String text = location.trim();
        if (text.isEmpty()) {
            throw new BackupConfigurationException(
                    Setting.STORAGE_LOCATION, "the storage location is empty: give the folder that holds the backups");
        }
        try {
            if (text.equals("~") || text.startsWith("~/")) {
                return Path.of(
                                System.getProperty("user.home"),
                                text.substring(1).replaceFirst("^/", ""))
                        .toAbsolutePath()
                        .normalize();
            }
            if (isRelative(text)) {
                throw new BackupConfigurationException(
                        Setting.STORAGE_LOCATION,
                        "the storage location '" + text + "' is a relative path; give an absolute folder (a relative"
                                + " one would follow the working folder of whatever process runs the backup)");
            }
            return Path.of(text).normalize();
        } catch (InvalidPathException e) {
            throw new BackupConfigurationException(
                    Setting.STORAGE_LOCATION,
                    "the storage location '" + text + "' is not a valid path: " + e.getReason(),
                    e);
        }
    }
}
